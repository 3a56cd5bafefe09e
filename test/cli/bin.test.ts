// The CLI as it ships: the esbuild bundle with the npm packages inside (scripts/bundle.mjs), built here into a
// directory of its own and run once per command, so a package that cannot live in an ES module bundle (a CommonJS
// require of a built-in, a file read beside the package) fails a test rather than a user's first run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytes, dockerSaveLegacy, layer, zstd } from "../helpers/image-archive.js";

const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "whittle-bin-"));
const outdir = join(work, "bin");
after(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(outdir, "main.js"), ...args], {
    cwd: root,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the bundled CLI", () => {
  before(() => {
    const bundle = spawnSync(process.execPath, [join(root, "scripts/bundle.mjs"), outdir], { cwd: root, encoding: "utf8" });
    assert.equal(bundle.status, 0, bundle.stderr);
  });

  it("imports no npm package at run time: everything it needs is inside the bundle", () => {
    const files = [join(outdir, "main.js"), ...readdirSync(join(outdir, "chunks")).map((f) => join(outdir, "chunks", f))];
    const specifiers = files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      // Static imports (`import ... from "x";`, `} from "x";`, `import "x";`) and dynamic ones (`import("x")`).
      return [...text.matchAll(/^(?:import\s[^"\n]*?from\s+|\}\s*from\s+|import\s+)"([^"]+)";/gm), ...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]);
    });
    assert.ok(specifiers.includes("node:module") && specifiers.some((s) => s.startsWith("./")), "the import scan sees the bundle's own imports");
    assert.deepEqual([...new Set(specifiers.filter((s) => !s.startsWith("node:") && !s.startsWith("./")))], []);
  });

  it("runs every command", async () => {
    assert.equal(run(["--version"]).stdout.trim(), JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    assert.match(run(["rules"]).stdout, /^pip-cache\s+size\s+warning\s+safe\s+/m);

    const lint = run(["lint", "examples/django-postgres/Dockerfile", "--format", "sarif"]);
    assert.equal(lint.status, 1, lint.stderr);
    assert.equal(JSON.parse(lint.stdout).version, "2.1.0");

    const project = join(work, "project");
    spawnSync("cp", ["-r", join(root, "examples/flask-gunicorn"), project]);
    rmSync(join(project, "Dockerfile"), { force: true });
    const init = run(["init", project, "--dry-run"]);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /^\+FROM python:\S+ AS runtime$/m);

    const fix = run(["fix", "-", "--only", "pip-cache"], "FROM python:3.12-slim\nRUN pip install flask\n");
    assert.equal(fix.status, 0, fix.stderr);
    assert.match(fix.stdout, /^\+RUN pip install --no-cache-dir flask$/m);

    // zstd and gzip layers: the decompressors come from the bundle too.
    const z = (b: Buffer) => zstd(b) ?? b;
    const archive = join(work, "image.tar");
    writeFileSync(
      archive,
      await dockerSaveLegacy({
        layers: [await layer([{ path: "usr/bin/python3", content: bytes(5000, 1) }], z), await layer([{ path: "app/main.py", content: bytes(300, 2) }])],
        history: [{ created_by: "/bin/sh -c #(nop) ADD file:x in / " }, { created_by: "/bin/sh -c #(nop) COPY file:y in /app " }],
      }),
    );
    const inspect = run(["inspect", archive, "--format", "json"]);
    assert.equal(inspect.status, 0, inspect.stderr);
    assert.equal(JSON.parse(inspect.stdout).totalBytes, 5300);
    const html = run(["inspect", archive, "--format", "html"]);
    assert.equal(html.status, 0, html.stderr);
    assert.match(html.stdout, /^<!doctype html>\n[\s\S]*<g class="cell" data-path="\/usr">/);

    const compare = run(["compare", "--help"]);
    assert.equal(compare.status, 0, compare.stderr);
    // The benchmark's Python program travels inside the bundle; its options are checked before any engine is asked.
    const bench = run(["bench-runtime", "img:1", "--runs", "0"]);
    assert.equal(bench.status, 2);
    assert.equal(bench.stderr, 'whittle: --runs must be a whole number from 1 to 100 (got "0")\n');
    assert.match(run(["bench-runtime", "--help"]).stdout, /time interpreter start-up and a pure-Python workload/);
  });
});
