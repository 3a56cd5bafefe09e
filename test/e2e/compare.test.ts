// Builds every reference app twice, naive and optimized, with the real engine, and checks that the
// optimization delivers what it claims. Needs scripts/e2e/setup.sh (skips without it, fails under WHITTLE_E2E=1).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatBytes, formatSeconds } from "../../src/report/format.js";
import { compareApp, referenceApps } from "./apps.js";
import { DOCKER, e2eSkip, imageMapArgs, startIndex, type IndexServer } from "./env.js";

const skip = e2eSkip();

describe("whittle compare on the reference apps", { skip }, () => {
  let index: IndexServer;
  before(async () => {
    index = await startIndex();
  });
  after(() => index?.stop());

  it("finds the reference apps", () => {
    assert.deepEqual(referenceApps(), ["django-postgres", "flask-gunicorn", "pyproject-lock", "requests-cli"]);
  });

  for (const app of referenceApps()) {
    it(`${app}: the optimized image passes its smoke test, is smaller, rebuilds faster, runs without root or compilers`, async (t) => {
      const r = await compareApp(app, index.url);
      assert.equal(r.a.failure, undefined, JSON.stringify(r.a.failure));
      assert.equal(r.b.failure, undefined, JSON.stringify(r.b.failure));
      t.diagnostic(
        `${app}: ${formatBytes(r.a.bytes!)} -> ${formatBytes(r.b.bytes!)}, cold ${formatSeconds(r.a.coldSeconds!)} -> ${formatSeconds(r.b.coldSeconds!)}, ` +
          `warm ${formatSeconds(r.a.warmSeconds!)} -> ${formatSeconds(r.b.warmSeconds!)} (edited ${r.editedFile})`,
      );
      assert.equal(r.a.smoke?.passed, true, `naive: ${r.a.smoke?.detail}\n${r.a.smoke?.output ?? ""}`);
      assert.equal(r.b.smoke?.passed, true, `optimized: ${r.b.smoke?.detail}\n${r.b.smoke?.output ?? ""}`);
      assert.ok(r.b.bytes! < r.a.bytes!, `optimized ${r.b.bytes} bytes, naive ${r.a.bytes}`);
      assert.ok(r.b.warmSeconds! < r.a.warmSeconds!, `warm rebuild: optimized ${r.b.warmSeconds} s, naive ${r.a.warmSeconds} s`);
      assert.ok(r.b.osPackages! < r.a.osPackages!, `OS packages: optimized ${r.b.osPackages}, naive ${r.a.osPackages}`);
      assert.equal(r.a.runsAsRoot, true);
      assert.equal(r.b.runsAsRoot, false, `optimized runs as "${r.b.user}"`);
      assert.ok(r.a.compilers!.includes("gcc"), `naive compilers: ${r.a.compilers}`);
      assert.deepEqual(r.b.compilers, []);
      // Both images read as inspect reads them: what the optimized one drops, and no compiler left.
      const changes = r.changes!;
      assert.ok(changes.delta.totalBytes < 0, `optimized against naive: ${changes.delta.totalBytes} bytes`);
      assert.ok(changes.compilers.removed.includes("/usr/bin/gcc"), changes.compilers.removed.join(" "));
      assert.deepEqual(changes.compilers.added, []);
      assert.ok(changes.packages.some((p) => /^gcc-\d+$/.test(p.name) && p.before && !p.after), "gcc's package is gone");
      assert.deepEqual(changes.root, { before: true, after: false });
    });
  }
});

describe("whittle compare CLI with a build that fails", { skip }, () => {
  let index: IndexServer;
  let dir: string;
  before(async () => {
    index = await startIndex();
    dir = mkdtempSync(join(tmpdir(), "whittle-compare-e2e-"));
    writeFileSync(join(dir, "app.py"), "print('ok')\n");
    writeFileSync(join(dir, "Dockerfile.good"), "FROM python:3.11-slim\nCOPY app.py /app/app.py\nCMD [\"python\", \"/app/app.py\"]\n");
    // psycopg2 from source on the slim image: no pg_config, no compiler.
    writeFileSync(join(dir, "Dockerfile.bad"), "FROM python:3.11-slim\nARG PIP_INDEX_URL\nCOPY app.py /app/app.py\nRUN pip install --no-cache-dir psycopg2\n");
  });
  after(async () => {
    await index?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exits 1 and shows the failing step with the engine's error", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "compare", join(dir, "Dockerfile.good"), join(dir, "Dockerfile.bad"), "--smoke", "python /app/app.py",
        "--build-arg", `PIP_INDEX_URL=${index.url}`, ...imageMapArgs(), "--network", "host", "--docker", DOCKER, "--format", "json"],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.schema, "whittle.compare/1");
    assert.equal(report.editedFile, "app.py");
    assert.equal(report.a.ok, true);
    assert.equal(report.a.smoke.detail, "python /app/app.py -> exit 0");
    assert.equal(report.b.ok, false);
    assert.equal(report.b.failure.phase, "cold");
    assert.match(report.b.failure.step, /RUN pip install --no-cache-dir psycopg2/);
    assert.match(report.b.failure.error, /exit code: 1|returned a non-zero code: 1/);
    assert.ok(report.b.failure.output.some((l: string) => l.includes("pg_config is required to build psycopg2 from source")), report.b.failure.output.join("\n"));
  });
});
