// whittle bench-runtime inside real images: the two Python base stand-ins the e2e setup builds, and an image
// without Python. Needs scripts/e2e/setup.sh (skips without it, fails under WHITTLE_E2E=1).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RuntimeReport } from "../../src/build/runtime-bench.js";
import { whittle } from "../helpers/cli.js";
import { baseImages, DOCKER, e2eSkip } from "./env.js";

const skip = e2eSkip();
const NO_PYTHON = "whittle-e2e/no-python:bench";

describe("whittle bench-runtime in real images", { skip, timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-bench-runtime-"));
  const env = { WHITTLE_DOCKER: DOCKER };
  before(() => {
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    writeFileSync(join(dir, "hello.txt"), "no interpreter here\n");
    const built = spawnSync(DOCKER, ["build", "-q", "-t", NO_PYTHON, dir], { encoding: "utf8" });
    assert.equal(built.status, 0, built.stderr);
  });
  after(() => {
    spawnSync(DOCKER, ["image", "rm", "-f", NO_PYTHON], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  });

  it("measures start-up and the workload in each image, the first as the baseline", () => {
    const { "python:3.11-slim": slim, "python:3.11": full } = baseImages();
    const r = whittle(["bench-runtime", slim, full, "--runs", "3", "--format", "json"], { env });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as RuntimeReport & { schema: string };
    assert.equal(doc.schema, "whittle.bench-runtime/1");
    assert.equal(doc.runs, 3);
    assert.deepEqual(doc.results.map((x) => x.image), [slim, full]);
    // Both stand-ins carry Debian's python3: the same interpreter, whose configure flags state no optimisation.
    const [a, b] = doc.results;
    assert.match(a.python.version, /^3\.11\.\d+$/);
    assert.equal(b.python.version, a.python.version);
    assert.deepEqual([a.python.pgo, a.python.lto], [null, null]);
    assert.deepEqual(a.relative, { startup: 1, work: 1 });
    for (const x of doc.results) {
      assert.ok(x.startupMs > 0 && x.startupMs < 5_000, `${x.image} start-up ${x.startupMs} ms`);
      assert.ok(Object.values(x.workMs).every((ms) => ms > 0), JSON.stringify(x.workMs));
      assert.ok(Math.abs(x.totalWorkMs - Object.values(x.workMs).reduce((s, ms) => s + ms, 0)) < 1e-9);
    }
    assert.ok(Math.abs(b.relative.work - b.totalWorkMs / a.totalWorkMs) < 1e-9);
  });

  it("an image without Python, or one the engine cannot get, is one line and exit 2 before anything is measured", () => {
    const none = whittle(["bench-runtime", NO_PYTHON, "--runs", "1"], { env });
    assert.equal(none.status, 2);
    assert.equal(none.stderr, `whittle: ${NO_PYTHON}: no python3 or python on the image's PATH\n`);
    const missing = whittle(["bench-runtime", baseImages()["python:3.11-slim"], "whittle-e2e/nothing:here", "--runs", "1"], { env });
    assert.equal(missing.status, 2);
    // Missing images are pulled as `docker run` would; this one exists nowhere.
    assert.match(missing.stderr, /^whittle: image whittle-e2e\/nothing:here is not in the engine and could not be pulled \(.+\)\n$/);
    assert.equal(missing.stdout, "");
  });
});
