import assert from "node:assert/strict";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempProject as project, whittle } from "../helpers/cli.js";

const NAIVE = "FROM python:3.11-slim\nRUN pip install flask\n";

describe("whittle CLI", () => {
  it("exit codes: 1 for findings, 0 when clean or under the threshold, 2 for bad input", () => {
    const dir = project({ Dockerfile: NAIVE, "clean/Dockerfile": "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n" });
    assert.equal(whittle(["lint", "--only-for-test-none"]).status, 2);
    const naive = whittle(["lint", join(dir, "Dockerfile"), "--format", "json"]);
    assert.equal(naive.status, 1, naive.stderr);
    assert.equal(whittle(["lint", join(dir, "Dockerfile"), "--fail-on", "error"]).status, 0);
    const missing = whittle(["lint", join(dir, "nope")]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^whittle: .*no such file or directory\n$/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  });

  it("refuses binary junk and unreadable config with one line and exit 2", () => {
    const dir = project({ Dockerfile: NAIVE, "bad.toml": "[tool.whittle\n" });
    writeFileSync(join(dir, "junk.Dockerfile"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]));
    const junk = whittle(["lint", join(dir, "junk.Dockerfile")]);
    assert.equal(junk.status, 2);
    assert.match(junk.stderr, /binary data/);
    assert.equal(junk.stdout, "", "no '0 files checked' summary after the error");
    const both = whittle(["lint", join(dir, "junk.Dockerfile"), join(dir, "Dockerfile")]);
    assert.equal(both.status, 2);
    assert.match(both.stdout, /^1 file checked|findings? \(/m);
    const cfg = whittle(["lint", join(dir, "Dockerfile"), "--config", join(dir, "bad.toml")]);
    assert.equal(cfg.status, 2);
    assert.equal(cfg.stderr.trim().split("\n").length, 1);
  });

  it("JSON output follows the documented schema", () => {
    const dir = project({ Dockerfile: NAIVE });
    const out = JSON.parse(whittle(["lint", join(dir, "Dockerfile"), "--format", "json", "--disable", "runs-as-root"]).stdout);
    assert.equal(out.version, 1);
    const f = out.files[0].findings.find((x: { rule: string }) => x.rule === "pip-cache");
    assert.deepEqual(f.range, { start: { line: 2, column: 5 }, end: { line: 2, column: 16 } });
    assert.equal(f.category, "size");
    assert.equal(f.severity, "warning");
    assert.ok(f.impact.bytes > 0 && f.impact.basis.length > 0);
    assert.equal(f.fix.kind, "safe");
    assert.deepEqual(f.hadolint, ["DL3042"]);
  });

  it("SARIF output is 2.1.0 with rule metadata and regions", () => {
    const dir = project({ Dockerfile: NAIVE });
    const sarif = JSON.parse(whittle(["lint", join(dir, "Dockerfile"), "--format", "sarif"]).stdout);
    assert.equal(sarif.version, "2.1.0");
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "pip-cache");
    assert.ok(rule.help.text.length > 0);
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === "pip-cache");
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, "pip-cache");
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 2, startColumn: 5, endLine: 2, endColumn: 16 });
  });

  it("GitHub annotations", () => {
    const dir = project({ Dockerfile: NAIVE });
    const out = whittle(["lint", join(dir, "Dockerfile"), "--format", "github"]).stdout;
    assert.match(out, /^::warning file=.*Dockerfile,line=2,col=5,endLine=2,endColumn=16,title=whittle pip-cache::pip install/m);
  });

  it("finds Dockerfiles in directories and reads stdin", () => {
    const dir = project({ "a/Dockerfile": NAIVE, "b/api.Dockerfile": NAIVE, "c/Dockerfile.dev": NAIVE, "d/notes.txt": "x" });
    const out = JSON.parse(whittle(["lint", dir, "--format", "json"]).stdout);
    assert.deepEqual(out.files.map((f: { path: string }) => f.path.slice(dir.length + 1)), ["a/Dockerfile", "b/api.Dockerfile", "c/Dockerfile.dev"]);
    const stdin = JSON.parse(whittle(["lint", "-", "--format", "json"], { input: NAIVE }).stdout);
    assert.equal(stdin.files[0].path, "<stdin>");
    assert.equal(whittle(["lint", join(dir, "d")]).status, 2);
  });

  it("--target naming a stage the file lacks is a usage error (exit 2), for lint and fix", () => {
    const dir = project({ Dockerfile: "FROM python:3.12-slim AS build\nRUN pip install flask\nFROM python:3.12-slim AS runtime\n" });
    const file = join(dir, "Dockerfile");
    const lint = whittle(["lint", file, "--target", "prod", "--format", "json"]);
    assert.equal(lint.status, 2);
    assert.equal(lint.stderr, `whittle: ${file}: no stage named "prod" (stages: build, runtime)\n`);
    assert.equal(whittle(["lint", file, "--target", "build"]).status, 1);
    const fix = whittle(["fix", file, "--target", "prod"]);
    assert.equal(fix.status, 2);
    assert.match(fix.stderr, /no stage named "prod"/);
  });

  it("fix prints a diff and leaves the file alone; --write changes it atomically, keeping its mode", () => {
    const dir = project({ Dockerfile: NAIVE });
    const file = join(dir, "Dockerfile");
    chmodSync(file, 0o640);
    const diff = whittle(["fix", file, "--only", "pip-cache"]);
    assert.equal(diff.status, 0, diff.stderr);
    // An absolute path outside the working directory: git's form, applicable with `patch -p1` from the root.
    assert.match(diff.stdout, new RegExp(`^--- a/${file.slice(1)}\n\\+\\+\\+ b/${file.slice(1)}\n`));
    const inside = whittle(["fix", "Dockerfile", "--only", "pip-cache"], { cwd: dir });
    assert.match(inside.stdout, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n/);
    assert.equal(whittle(["fix", file, "--only", "pip-cache"], { cwd: dir }).stdout, inside.stdout);
    assert.match(diff.stdout, /^-RUN pip install flask$/m);
    assert.match(diff.stdout, /^\+RUN pip install --no-cache-dir flask$/m);
    assert.equal(readFileSync(file, "utf8"), NAIVE);
    assert.equal(whittle(["fix", file, "--only", "pip-cache", "--write"]).status, 0);
    assert.equal(readFileSync(file, "utf8"), "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n");
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const again = whittle(["fix", file, "--only", "pip-cache"]);
    assert.equal(again.stdout, "");
    assert.equal(whittle(["fix", file, "--only", "no-such-check"]).status, 2);
  });
});
