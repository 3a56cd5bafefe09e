import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveConfig, configFromPyproject } from "../../src/config.js";
import { lint } from "../../src/lint/engine.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";
import pipCache from "../../src/rules/pip-cache.js";
import { defineCheck } from "../../src/rules/types.js";

// A production-only check that fires on every RUN, to observe how the engine treats dev targets.
const everyRun = defineCheck({
  meta: { id: "every-run", title: "t", category: "size", severity: "info", fix: "none", docs: "d", productionOnly: true },
  check(ctx) {
    for (const s of ctx.file.stages.filter((x) => x.built)) for (const i of s.instructions) if (i.keyword === "RUN") ctx.report(i.keywordSpan, { message: "run" });
  },
});

function run(code: string, config = resolveConfig({}), target?: string) {
  return lint({ path: "Dockerfile", text: code, project: projectContext(undefined, memoryFiles({})), config, target, checks: [pipCache, everyRun] })
    .findings.map((f) => `${f.rule}@${f.severity}`);
}

describe("lint engine", () => {
  it("silences a check for the next instruction with whittle, hadolint and BuildKit comments", () => {
    const base = "FROM python:3.11-slim\n";
    assert.deepEqual(run(base + "RUN pip install x\n"), ["every-run@info", "pip-cache@warning"]);
    assert.deepEqual(run(base + "# whittle ignore=pip-cache\nRUN pip install x\nRUN pip install y\n"), ["every-run@info", "every-run@info", "pip-cache@warning"]);
    assert.deepEqual(run(base + "# hadolint ignore=DL3042\nRUN pip install x\n"), ["every-run@info"]);
    assert.deepEqual(run(base + "# hadolint ignore=DL3008\nRUN pip install x\n"), ["every-run@info", "pip-cache@warning"], "an unrelated hadolint id silences nothing");
    assert.deepEqual(run("# whittle global ignore=pip-cache,every-run\n" + base + "RUN pip install x\n"), []);
  });

  it("applies config: disabled checks and changed severities", () => {
    const config = resolveConfig({ rules: { "pip-cache": "error", "every-run": "off" } });
    assert.deepEqual(run("FROM python:3.11-slim\nRUN pip install x\n", config), ["pip-cache@error"]);
    assert.deepEqual(run("FROM python:3.11-slim\nRUN pip install x\n", resolveConfig({ disable: ["pip-cache"] })), ["every-run@info"]);
  });

  it("skips production-only checks when the target is a dev or test stage", () => {
    const code = "FROM python:3.11-slim AS prod\nRUN pip install x\nFROM prod AS test\nRUN pip install pytest\n";
    assert.deepEqual(run(code), ["pip-cache@warning", "pip-cache@warning"]);
    assert.deepEqual(run(code, resolveConfig({}), "prod"), ["every-run@info", "pip-cache@warning"]);
  });

  it("reads [tool.whittle] from pyproject text and rejects bad values with a clear message", () => {
    const cfg = configFromPyproject('[tool.whittle]\nfail-on = "error"\n[tool.whittle.rules]\npip-cache = "off"\n', "pyproject.toml")!;
    assert.equal(resolveConfig(cfg).failOn, "error");
    assert.ok(resolveConfig(cfg).disabled.has("pip-cache"));
    assert.equal(configFromPyproject('[project]\nname = "x"\n', "pyproject.toml"), undefined);
    assert.throws(() => configFromPyproject('[tool.whittle]\nfail-on = "loud"\n', "pyproject.toml"), /fail-on/);
    assert.throws(() => configFromPyproject("[tool.whittle\n", "pyproject.toml"), /not valid TOML/);
    const bad = (toml: string) => () => configFromPyproject(`[tool.whittle]\n${toml}\n`, "pyproject.toml");
    assert.throws(bad('rules = { pip-cache = "loud" }'), /pyproject\.toml \[tool\.whittle\]: rules\.pip-cache: expected one of "off", "error", "warning", "info", got "loud"/);
    assert.throws(bad('rules = ["pip-cache"]'), /rules: expected a table of check ids/);
    assert.throws(bad('disable = "pip-cache"'), /disable: expected a list of check ids/);
    assert.throws(bad("images = { python = 3 }"), /images: expected a table of image names/);
    const passes = configFromPyproject('[tool.whittle]\ndisable = ["pip-cache"]\n[tool.whittle.init]\npython = "3.12"\n', "pyproject.toml");
    assert.deepEqual(JSON.parse(JSON.stringify(passes)), { disable: ["pip-cache"], init: { python: "3.12" } });
  });
});
