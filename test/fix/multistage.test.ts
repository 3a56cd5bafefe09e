// The multi-stage rewrite. Each directory under test/fix/multistage/ is a build context with a `Dockerfile` and the
// rewrite checked in as `expected.Dockerfile` (UPDATE_SNAPSHOTS=1 rewrites them: review the diff like code). Every
// output must parse, lose the findings that motivated it, and be left alone by a second rewrite and a second fix run.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../src/config.js";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { fixText } from "../../src/fix/fixer.js";
import { explainMultiStageRewrite, multiStageRewrite } from "../../src/fix/multistage.js";
import { lint } from "../../src/lint/engine.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";
import { allChecks } from "../../src/rules/all.js";
import buildToolchain from "../../src/rules/build-toolchain.js";
import heavyBase from "../../src/rules/heavy-base.js";
import { readTree } from "../helpers/tree.js";

const CASES = fileURLToPath(new URL("./multistage/", import.meta.url));
const update = process.env.UPDATE_SNAPSHOTS === "1";

/** The findings a rewrite exists to remove, and those a badly copied venv would raise. */
const MOTIVATING = ["build-toolchain", "heavy-base", "deps-after-source"];
const VENV_CORRECTNESS = ["runtime-library-missing", "interpreter-mismatch", "path-scripts-dir"];

/** Every file of a case directory except the Dockerfiles, as a build context in memory. */
const contextOf = (dir: string) => readTree(dir, (rel) => rel !== "Dockerfile" && rel !== "expected.Dockerfile");

function rewrite(text: string, files: Record<string, string>): string | undefined {
  const edit = multiStageRewrite(parseDockerfile("Dockerfile", text), projectContext(undefined, memoryFiles(files)));
  return edit && text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

function findings(text: string, files: Record<string, string>) {
  return lint({ path: "Dockerfile", text, project: projectContext(undefined, memoryFiles(files)), config: resolveConfig({}), checks: allChecks }).findings;
}

function problems(text: string): number {
  const model = parseDockerfile("Dockerfile", text);
  return model.problems.length + model.instructions.reduce((n, i) => n + (i.shell?.errors.length ?? 0), 0);
}

describe("multi-stage rewrite: checked-in cases", () => {
  const cases = readdirSync(CASES).filter((n) => existsSync(join(CASES, n, "Dockerfile"))).sort();

  it("covers the shapes it promises", () => {
    assert.deepEqual(cases, [
      "alpine-build-base",
      "arg-index-url",
      "django-apt-build-deps",
      "escape-comments-continuations",
      "flask-full-image",
      "project-console-script",
      "project-runs-from-source",
      "requests-cli-user",
    ]);
  });

  for (const name of cases) {
    describe(name, () => {
      const dir = join(CASES, name);
      const input = () => readFileSync(join(dir, "Dockerfile"), "utf8");
      const files = () => contextOf(dir);
      const output = () => {
        const out = rewrite(input(), files());
        assert.ok(out !== undefined, explainReason(input(), files()));
        return out;
      };

      it("rewrites to the expected Dockerfile", () => {
        const expectedPath = join(dir, "expected.Dockerfile");
        if (update) writeFileSync(expectedPath, output());
        assert.equal(output(), readFileSync(expectedPath, "utf8"));
      });

      it("parses, with one stage more and the final stage last", () => {
        const before = parseDockerfile("Dockerfile", input());
        const after = parseDockerfile("Dockerfile", output());
        assert.equal(problems(output()), 0);
        assert.equal(after.stages.length, before.stages.length + 1);
        assert.equal(after.target, after.stages.at(-1));
        assert.equal(after.stages.at(-2)?.shipped, false, "the builder does not reach the image");
      });

      it("loses the findings that motivated it, and raises none about the copied venv", () => {
        const rules = (text: string) => findings(text, files()).map((f) => f.rule);
        assert.ok(rules(input()).some((r) => r === "build-toolchain" || r === "heavy-base"), `input findings: ${rules(input())}`);
        assert.deepEqual(rules(output()).filter((r) => [...MOTIVATING, ...VENV_CORRECTNESS].includes(r)), []);
      });

      it("is offered by build-toolchain or heavy-base, and declines its own output", () => {
        const offered = findings(input(), files()).filter((f) => f.rule === "build-toolchain" || f.rule === "heavy-base");
        const edit = multiStageRewrite(parseDockerfile("Dockerfile", input()), projectContext(undefined, memoryFiles(files())));
        for (const f of offered) assert.deepEqual(f.fix?.edits, [edit], f.rule);
        assert.equal(rewrite(output(), files()), undefined);
      });

      it("whittle fix --suggestions with every check settles, and a second run changes nothing", () => {
        const first = fixText({ path: "Dockerfile", text: input(), files: files(), suggestions: true, checks: allChecks });
        assert.deepEqual(first.rejected, []);
        assert.match(first.text, /^FROM \S+ AS builder$/m);
        assert.equal(problems(first.text), 0);
        const second = fixText({ path: "Dockerfile", text: first.text, files: { ...files(), ...first.files }, suggestions: true, checks: allChecks });
        assert.equal(second.text, first.text);
        assert.deepEqual(second.files, {});
        assert.deepEqual(findings(first.text, { ...files(), ...first.files }).filter((f) => MOTIVATING.includes(f.rule)).map((f) => f.message), []);
      });
    });
  }
});

describe("whittle fix --suggestions on the reference apps' naive Dockerfiles", () => {
  const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
  for (const app of readdirSync(examples).filter((n) => existsSync(join(examples, n, "Dockerfile"))).sort()) {
    it(app, () => {
      const files = contextOf(join(examples, app));
      const text = readFileSync(join(examples, app, "Dockerfile"), "utf8");
      const first = fixText({ path: "Dockerfile", text, files, suggestions: true, checks: allChecks });
      assert.deepEqual(first.rejected, []);
      // heavy-base's -slim tag edit and the rewrite compete for the FROM line: the rewrite wins, every time.
      assert.equal(first.applied["heavy-base"], 1);
      assert.match(first.text, /^FROM python:3\.11 AS builder$/m);
      assert.match(first.text, /^FROM python:3\.11-slim$/m);
      assert.match(first.text, /^COPY --from=builder \/opt\/venv \/opt\/venv$/m);
      const second = fixText({ path: "Dockerfile", text: first.text, files: { ...files, ...first.files }, suggestions: true, checks: allChecks });
      assert.equal(second.text, first.text);
      assert.deepEqual(second.applied, {});
    });
  }
});

function explainReason(text: string, files: Record<string, string>): string {
  const r = explainMultiStageRewrite(parseDockerfile("Dockerfile", text), projectContext(undefined, memoryFiles(files)));
  return "reason" in r ? `declined: ${r.reason}` : "rewritten";
}

describe("multi-stage rewrite: line endings", () => {
  it("writes CRLF where the file uses CRLF", () => {
    const lf = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
    const files = { "requirements.txt": "psycopg2\n" };
    const out = rewrite(lf.replace(/\n/g, "\r\n"), files);
    assert.ok(out);
    assert.doesNotMatch(out, /[^\r]\n/);
    assert.equal(out, rewrite(lf, files)!.replace(/\n/g, "\r\n"));
  });
});

describe("multi-stage rewrite: what it declines", () => {
  const req = { "requirements.txt": "flask\n", "app.py": "print(1)\n" };
  const TOOLCHAIN = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\n";
  const declined: Array<[string, string, RegExp, Record<string, string>?]> = [
    ["a file that is multi-stage already", "FROM python:3.11 AS build\nRUN pip wheel -w /w flask\nFROM python:3.11\nCOPY --from=build /w /w\nRUN pip install /w/*\n", /copies from another stage/],
    ["a final stage built on another stage", "FROM python:3.11 AS base\nRUN apt-get install -y gcc\nFROM base\nRUN pip install flask\n", /builds on another stage/],
    ["a distribution base with its own python", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip gcc\nRUN pip install flask\n", /not an official python image/],
    ["poetry", "FROM python:3.12\nCOPY . .\nRUN pip install poetry && poetry install\n", /poetry installs are not rewritten/],
    ["an install inside sh -c", `${TOOLCHAIN}COPY . .\nRUN sh -c "pip install -r requirements.txt"\n`, /nested shell/],
    ["a venv of its own", `${TOOLCHAIN}COPY . .\nRUN python -m venv /venv && /venv/bin/pip install -r requirements.txt\n`, /virtual environment of its own/],
    ["an exec-form install", `${TOOLCHAIN}COPY . .\nRUN ["pip", "install", "-r", "requirements.txt"]\n`, /exec-form install/],
    ["pip --target", `${TOOLCHAIN}COPY . .\nRUN pip install --target /deps -r requirements.txt\n`, /--target\/--root/],
    ["an application step before an install in one RUN", `${TOOLCHAIN}COPY . .\nRUN python prepare.py && pip install -r requirements.txt\n`, /mixes application steps with installs/],
    ["a split across cd", `${TOOLCHAIN}COPY . .\nRUN cd /srv && pip install -r /requirements.txt && python app.py --check\n`, /split across a `cd`/],
    ["a project install with no dependency layer", `${TOOLCHAIN}WORKDIR /app\nCOPY . .\nRUN pip install .\n`, /no dependency install before it/, { "pyproject.toml": "[project]\nname='x'\n" }],
    ["a runtime step that compiles", `${TOOLCHAIN}COPY . .\nRUN pip install -r requirements.txt\nRUN gcc -o /usr/bin/helper helper.c\n`, /runs gcc/],
    ["a health check with curl on the slim image", "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n", /health check runs curl/],
    ["a start command at pip's old install path", "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"/usr/local/bin/gunicorn\", \"app:app\"]\n", /path where pip installed before/],
    ["nothing to build", "FROM python:3.11-slim\nCOPY . .\nRUN pip install -r requirements.txt\n", /no build dependencies/],
    ["no pip install at all", `${TOOLCHAIN}COPY . .\nRUN make\n`, /installs no Python packages/],
    ["Python 2", "FROM python:2.7\nCOPY . .\nRUN pip install -r requirements.txt\n", /too old for pip --python/],
    ["Python 2 by its major tag", "FROM python:2\nCOPY . .\nRUN pip install -r requirements.txt\n", /too old for pip --python/],
    ["a digest-pinned full image", "FROM python:3.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nCOPY . .\nRUN pip install -r requirements.txt\n", /no -slim tag/],
    ["SHELL", `${TOOLCHAIN}SHELL ["/bin/bash", "-c"]\nCOPY . .\nRUN pip install -r requirements.txt\n`, /SHELL changes how/],
    ["PIP_USER in the environment", `${TOOLCHAIN}ENV PIP_USER=1\nCOPY . .\nRUN pip install -r requirements.txt\n`, /PIP_USER redirects pip/],
    ["packages named by a variable", "FROM python:3.11\nARG BUILD_DEPS=\"gcc libpq-dev\"\nRUN apt-get update && apt-get install -y $BUILD_DEPS\nCOPY . .\nRUN pip install -r requirements.txt\n", /named by a variable/],
    ["a requirements file that installs the source", `${TOOLCHAIN}WORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n`, /installs a local path/, { "requirements.txt": "-e .\nflask\n" }],
    ["a syntax error", `${TOOLCHAIN}COPY . .\nRUN pip install -r requirements.txt\nFROBNICATE\n`, /syntax errors/],
  ];
  for (const [name, code, reason, files] of declined) {
    it(name, () => {
      const result = explainMultiStageRewrite(parseDockerfile("Dockerfile", code), projectContext(undefined, memoryFiles(files ?? req)));
      assert.ok("reason" in result, `rewrote:\n${"edit" in result ? result.edit.text : ""}`);
      assert.match(result.reason, reason);
    });
  }

  it("leaves the checks' own suggestion when it declines: heavy-base's -slim tag, build-toolchain's advice", () => {
    const lintOne = (code: string, check: typeof heavyBase) =>
      lint({ path: "Dockerfile", text: code, project: projectContext(undefined, memoryFiles(req)), config: resolveConfig({}), checks: [check] }).findings;
    const [heavy] = lintOne("FROM python:3.11\nCMD [\"python\", \"-m\", \"http.server\"]\n", heavyBase);
    assert.deepEqual(heavy.fix?.edits, [{ start: 16, end: 16, text: "-slim" }]);
    const [toolchain] = lintOne("FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip gcc\nRUN pip install flask\n", buildToolchain);
    assert.equal(toolchain.fix?.kind, "suggestion");
    assert.deepEqual(toolchain.fix?.edits, []);
  });
});
