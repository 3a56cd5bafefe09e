import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runInit, type InitCliOptions } from "../../src/cli/init.js";
import { InputError } from "../../src/errors.js";
import { copyFixture, removeTempDirs, tempProject, whittle } from "../helpers/cli.js";

const FIXTURES = new URL("../fixtures/projects/", import.meta.url).pathname;

async function init(dir: string, options: InitCliOptions = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runInit(dir, options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const read = (dir: string, rel: string) => readFileSync(join(dir, rel), "utf8");
const expected = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), "utf8");

after(removeTempDirs);

describe("whittle init", () => {
  it("writes the Dockerfile and .dockerignore and explains what it found", async () => {
    const dir = copyFixture("django-pip");
    const r = await init(dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.equal(read(dir, "Dockerfile"), expected("django-pip", "expected.Dockerfile"));
    assert.equal(read(dir, ".dockerignore"), expected("django-pip", "expected.dockerignore"));
    assert.match(r.stderr, /^ {2}framework {5}django \(manage\.py: manage\.py runs Django\)$/m);
    assert.match(r.stderr, /^ {2}native {8}psycopg2 \(requirements\.txt\): .*builds with libpq-dev, needs libpq5 at run time$/m);
    assert.match(r.stderr, /whittle: wrote Dockerfile, \.dockerignore\n$/);
    assert.equal(existsSync(join(dir, "pyproject.toml")), false, "no options, nothing to remember");
  });

  it("re-running shows a diff and changes nothing without --force", async () => {
    const dir = copyFixture("django-pip");
    await init(dir);
    const before = statSync(join(dir, "Dockerfile")).mtimeMs;
    const same = await init(dir);
    assert.equal(same.stdout, "");
    assert.match(same.stderr, /up to date/);

    const changed = await init(dir, { port: "9000" });
    assert.equal(changed.code, 0);
    assert.match(changed.stdout, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ /);
    assert.match(changed.stdout, /^-EXPOSE 8000\n\+EXPOSE 9000$/m);
    assert.match(changed.stderr, /Dockerfile exists and would change as shown: nothing written; run with --force to replace/);
    assert.equal(read(dir, "Dockerfile"), expected("django-pip", "expected.Dockerfile"));
    assert.equal(statSync(join(dir, "Dockerfile")).mtimeMs, before);
    assert.equal(existsSync(join(dir, "pyproject.toml")), false);
  });

  it("--force replaces the files and remembers the options for the next run", async () => {
    const dir = copyFixture("django-pip");
    await init(dir);
    const forced = await init(dir, { port: "9000", apt: ["curl"], buildkit: false, force: true });
    assert.equal(forced.code, 0);
    assert.match(read(dir, "Dockerfile"), /^EXPOSE 9000$/m);
    assert.doesNotMatch(read(dir, "Dockerfile"), /--mount/);
    assert.equal(read(dir, "pyproject.toml"), '[tool.whittle.init]\nport = 9000\napt = ["curl"]\nbuildkit = false\n');
    const again = await init(dir);
    assert.match(again.stderr, /up to date/, "the remembered options give the same files");
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".tmp")), []);
  });

  it("adds [tool.whittle.init] to an existing pyproject.toml without touching the rest", async () => {
    const dir = copyFixture("flask-poetry");
    const original = read(dir, "pyproject.toml");
    await init(dir, { python: "3.11", builderImage: "registry.local/python:3.11" });
    assert.equal(read(dir, "pyproject.toml"), `${original}\n[tool.whittle.init]\nbuilder-image = "registry.local/python:3.11"\npython = "3.11"\n`);
    assert.match(read(dir, "Dockerfile"), /^FROM registry\.local\/python:3\.11 AS builder$/m);
    assert.match(read(dir, "Dockerfile"), /^FROM python:3\.11-slim-bookworm AS runtime$/m);
  });

  it("updates keys of an existing table in place, keeping comments, order and line endings", async () => {
    const pyproject = '[project]\r\nname = "svc"\r\ndependencies = ["flask"]\r\n\r\n[tool.whittle.init]\r\n# pinned by ops\r\npython = "3.10"\r\napt = [\r\n  "curl",\r\n]\r\n\r\n[tool.ruff]\r\nline-length = 100\r\n';
    const dir = tempProject({ "pyproject.toml": pyproject, "app.py": "from flask import Flask\napp = Flask(__name__)\n" });
    await init(dir, { apt: ["curl", "jq"], port: "5000" });
    assert.equal(
      read(dir, "pyproject.toml"),
      '[project]\r\nname = "svc"\r\ndependencies = ["flask"]\r\n\r\n[tool.whittle.init]\r\n# pinned by ops\r\npython = "3.10"\r\napt = ["curl", "jq"]\r\nport = 5000\r\n\r\n[tool.ruff]\r\nline-length = 100\r\n',
    );
    assert.match(read(dir, "Dockerfile"), /^FROM python:3\.10-slim-bookworm AS builder$/m);
  });

  it("uses the local stand-ins that [tool.whittle] images names for the default base", async () => {
    const dir = copyFixture("django-pip");
    writeFileSync(join(dir, "pyproject.toml"), '[tool.whittle.images]\n"python:3.11-slim-bookworm" = "stand-in/python:3.11-slim"\n');
    await init(dir);
    assert.match(read(dir, "Dockerfile"), /^FROM stand-in\/python:3\.11-slim AS builder$/m);
    assert.match(read(dir, "Dockerfile"), /^FROM stand-in\/python:3\.11-slim AS runtime$/m);
  });

  it("--dry-run prints what it would write and writes nothing", async () => {
    const dir = copyFixture("cli-hatch");
    const r = await init(dir, { dryRun: true, python: "3.12" });
    assert.match(r.stdout, /^--- \/dev\/null\n\+\+\+ b\/Dockerfile\n@@ -0,0 \+1,\d+ @@\n/);
    assert.match(r.stdout, /^\+CMD \["mycli"\]$/m);
    assert.match(r.stdout, /\+\+\+ b\/\.dockerignore/);
    assert.equal(existsSync(join(dir, "Dockerfile")), false);
    assert.equal(read(dir, "pyproject.toml"), readFileSync(join(FIXTURES, "cli-hatch", "pyproject.toml"), "utf8"));
  });

  it("refuses input it cannot use, with a one-line reason", async () => {
    const fixture = copyFixture("django-pip");
    const cases: Array<[string, InitCliOptions, RegExp]> = [
      [join(fixture, "missing"), {}, /no such directory/],
      [join(fixture, "manage.py"), {}, /not a directory/],
      [fixture, { python: "three" }, /python: a minor version such as 3\.12/],
      [fixture, { port: "http" }, /port: /],
      [fixture, { apt: ["libpq5; rm -rf /"] }, /apt\.0: a system package name/],
      [tempProject({ "pyproject.toml": "[project\n" }), {}, /pyproject\.toml: not valid TOML/],
      [tempProject({ "pyproject.toml": "[tool.whittle.init]\nport = \"80\"\n" }), {}, /\[tool\.whittle\.init\]: port: /],
      [tempProject({ "pyproject.toml": "[tool.whittle.init]\nflavour = 1\n" }), {}, /\[tool\.whittle\.init\]: .*flavour/],
      [tempProject({ "requirements.txt": "requests\n", "lib.py": "X = 1\n" }), {}, /cannot tell how the application starts .*pass --cmd/],
    ];
    for (const [dir, options, message] of cases) {
      await assert.rejects(init(dir, options), (e) => e instanceof InputError && message.test(e.message), `${dir} ${JSON.stringify(options)}`);
    }
  });
});

describe("whittle init from the command line", () => {
  it("exit 0 and the files; exit 2 and one line for bad input", () => {
    const dir = copyFixture("procfile-pipenv");
    const ok = whittle(["init", dir, "--apt", "curl,jq", "--apt", "git"]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(read(dir, "Dockerfile"), /apt-get install -y --no-install-recommends libmariadb3 curl jq git$/m);
    assert.match(read(dir, "pyproject.toml"), /^apt = \["curl", "jq", "git"\]$/m);

    for (const args of [["init", join(dir, "nope")], ["init", dir, "--python", "3"], ["init", join(dir, "Procfile")]]) {
      const bad = whittle(args);
      assert.equal(bad.status, 2, args.join(" "));
      assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
      assert.match(bad.stderr, /^whittle: /);
    }
    writeFileSync(join(dir, "pyproject.toml"), "[tool.whittle.init\n");
    assert.equal(whittle(["init", dir]).status, 2);
  });
});
