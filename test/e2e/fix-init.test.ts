// The proof of `whittle fix --suggestions` and `whittle init` with a real engine: for every reference app, the fixed
// naive Dockerfile and the generated one both build, pass the app's smoke test, run without root or compilers, and
// are no larger than the hand-optimized image (within TOLERANCE, see below). Needs scripts/e2e/setup.sh (skips
// without it, fails under WHITTLE_E2E=1).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compare, type BuildMeasure, type CompareReport } from "../../src/build/compare.js";
import { Docker } from "../../src/build/docker.js";
import { scratchCopy } from "../../src/build/scratch.js";
import { loadSmokeFile } from "../../src/build/smoke.js";
import { runFix } from "../../src/cli/fix.js";
import { runInit } from "../../src/cli/init.js";
import { formatBytes, formatSeconds } from "../../src/report/format.js";
import { EXAMPLES, referenceApps } from "./apps.js";
import { baseImages, DOCKER, e2eSkip, startIndex, type IndexServer } from "./env.js";

/**
 * How much larger than the hand-optimized image a generated one may be. Both ship the same slim base, the same
 * runtime libraries and a venv without pip or setuptools, so the packages weigh the same; what may differ is a few
 * files outside them: the user's home created from /etc/skel, /etc/passwd and friends rewritten in a layer of their
 * own, and the build files a whole-context `COPY . .` brings where the hand-written file copies one package
 * (requests-cli). Those are kilobytes; 256 KiB bounds them with room, and anything package-sized (a stray pip is
 * ~12 MB, a compiler ~60 MB) fails.
 */
const TOLERANCE = 256 * 1024;

const skip = e2eSkip();

function expectGood(label: string, m: BuildMeasure): void {
  assert.equal(m.failure, undefined, `${label} failed to build: ${JSON.stringify(m.failure, null, 2)}`);
  assert.equal(m.smoke?.passed, true, `${label} smoke test: ${m.smoke?.detail}\n${m.smoke?.output ?? ""}`);
  assert.deepEqual(m.compilers, [], `${label} ships compilers`);
  assert.equal(m.runsAsRoot, false, `${label} runs as "${m.user}"`);
}

function size(m: BuildMeasure): string {
  if (m.failure) return `failed (${m.failure.phase}: ${m.failure.step ?? ""} ${m.failure.error ?? ""})`;
  return `${formatBytes(m.bytes!)} (${m.bytes} B), warm rebuild ${formatSeconds(m.warmSeconds!)}`;
}

describe("whittle fix --suggestions and whittle init on the reference apps, built", { skip }, () => {
  let index: IndexServer;
  let docker: Docker;
  before(async () => {
    index = await startIndex();
    docker = Docker.connect(DOCKER);
  });
  after(() => index?.stop());

  const build = (context: string, dockerfiles: [string, string], app: string): Promise<CompareReport> =>
    compare(docker, {
      dockerfiles,
      context,
      buildArgs: { PIP_INDEX_URL: index.url },
      imageMap: baseImages(),
      network: "host",
      smoke: loadSmokeFile(join(EXAMPLES, app, "smoke.json")),
    });

  for (const app of referenceApps()) {
    it(`${app}: the fixed and the generated Dockerfile build, pass the smoke test and match the hand-optimized size`, async (t) => {
      const optimized = join(EXAMPLES, app, "Dockerfile.optimized");
      const naive = join(EXAMPLES, app, "Dockerfile");

      // (a) whittle fix --suggestions --write on a scratch copy of the app, with the naive Dockerfile.
      const fixed = scratchCopy(join(EXAMPLES, app), "fix-e2e");
      // (b) whittle init on another scratch copy, with official tags that map to the local stand-ins. The builder is
      // the full image: the official slim image carries CPython's headers (its Python is built into /usr/local), the
      // stand-in's Debian python3 does not, and psycopg2 compiles against Python.h.
      const generated = scratchCopy(join(EXAMPLES, app), "init-e2e");
      try {
        await runFix(join(fixed.context, "Dockerfile"), { write: true, suggestions: true });
        const fixedText = readFileSync(join(fixed.context, "Dockerfile"), "utf8");
        assert.match(fixedText, /^FROM python:3\.11 AS builder$/m, fixedText);
        assert.match(fixedText, /^FROM python:3\.11-slim$/m, fixedText);
        const quiet = { stdout: () => {}, stderr: () => {} };
        assert.equal(await runInit(generated.context, { baseImage: "python:3.11-slim", builderImage: "python:3.11", force: true }, quiet), 0);

        const f = await build(fixed.context, [join(fixed.context, "Dockerfile"), optimized], app);
        const g = await build(generated.context, [join(generated.context, "Dockerfile"), naive], app);
        t.diagnostic(
          `${app}: naive ${size(g.b)}, fixed ${size(f.a)}, init ${size(g.a)}, hand-optimized ${size(f.b)}`,
        );
        expectGood("fixed", f.a);
        expectGood("hand-optimized", f.b);
        expectGood("init", g.a);
        assert.equal(g.b.smoke?.passed, true, `naive: ${g.b.smoke?.detail}`);
        assert.ok(f.a.bytes! <= f.b.bytes! + TOLERANCE, `fixed ${f.a.bytes} B > hand-optimized ${f.b.bytes} B + ${TOLERANCE}`);
        assert.ok(g.a.bytes! <= f.b.bytes! + TOLERANCE, `init ${g.a.bytes} B > hand-optimized ${f.b.bytes} B + ${TOLERANCE}`);
        assert.ok(f.a.bytes! < g.b.bytes! / 2 && g.a.bytes! < g.b.bytes! / 2, "both are less than half the naive image");
      } finally {
        fixed.remove();
        generated.remove();
      }
    });
  }
});
