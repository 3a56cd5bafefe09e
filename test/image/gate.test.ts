import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImageReport } from "../../src/image/analyze.js";
import { DEFAULT_GATE, evaluateGate, mergeGate, parseBytes, parseGateConfig } from "../../src/image/gate.js";
import { bytes, type FileSpec } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

const report = async (layers: FileSpec[][], user = ""): Promise<ImageReport> => (await analyzeLayers(layers, { user })).report;

const keys = (r: ReturnType<typeof evaluateGate>) => r.checks.filter((c) => !c.passed).map((c) => c.key);

describe("gate settings", () => {
  it("reads sizes the way dive does (SI units) and binary units too", () => {
    assert.equal(parseBytes("20MB", "x"), 20_000_000);
    assert.equal(parseBytes("1.5 GiB", "x"), 1_610_612_736);
    assert.equal(parseBytes(512, "x"), 512);
    assert.throws(() => parseBytes("lots", "max-waste"), /max-waste: "lots" is not a size/);
  });

  it("accepts dive's camelCase and kebab-case, turns keys off, rejects unknown ones", () => {
    assert.deepEqual(parseGateConfig({ lowestEfficiency: 0.95, "max-waste": "10MB", highestUserWastedPercent: "disabled", "no-root": true }, "cfg"), {
      lowestEfficiency: 0.95,
      maxWaste: 10_000_000,
      highestUserWastedPercent: null,
      noRoot: true,
    });
    assert.throws(() => parseGateConfig({ lowestEfficency: 0.9 }, "cfg"), /cfg: lowestEfficency: unknown setting/);
    assert.throws(() => parseGateConfig({ lowestEfficiency: 1.5 }, "cfg"), /must be a ratio between 0 and 1/);
    assert.deepEqual(mergeGate(DEFAULT_GATE, { highestUserWastedPercent: null }, { maxWaste: 5 }), { lowestEfficiency: 0.9, maxWastePercent: 0.1, maxWaste: 5 });
  });
});

describe("gate evaluation", () => {
  it("passes a clean two-layer image and fails a separate cleanup layer", async () => {
    const clean = await report([[{ path: "usr/bin/app", content: bytes(10_000, 1) }], [{ path: "app/main.py", content: bytes(2000, 2) }]]);
    assert.deepEqual(evaluateGate(clean, DEFAULT_GATE), { passed: true, checks: evaluateGate(clean, DEFAULT_GATE).checks });
    assert.deepEqual(keys(evaluateGate(clean, DEFAULT_GATE)), []);
    const cleanup = await report([
      [{ path: "usr/bin/app", content: bytes(10_000, 1) }],
      [{ path: "tmp/build.tar", content: bytes(50_000, 3) }],
      [{ path: "tmp/.wh.build.tar" }],
    ]);
    assert.deepEqual(keys(evaluateGate(cleanup, DEFAULT_GATE)), ["lowestEfficiency", "highestUserWastedPercent", "maxWastePercent"]);
  });

  it("does not let a single-layer image with a cache through", async () => {
    const squashed = await report([[{ path: "usr/bin/app", content: bytes(10_000, 1) }, { path: "root/.cache/pip/http/x", content: bytes(30_000, 2) }]]);
    assert.equal(squashed.dive.efficiency, 1);
    assert.equal(squashed.dive.userWastedPercent, null);
    const result = evaluateGate(squashed, DEFAULT_GATE);
    assert.equal(result.passed, false);
    assert.deepEqual(keys(result), ["maxWastePercent"]);
    const share = result.checks.find((c) => c.key === "highestUserWastedPercent")!;
    assert.equal(share.actual, 0);
    assert.match(share.message, /whole image/);
  });

  it("finds compilers in every bin directory, symlinks resolved, and nowhere else", async () => {
    const r = await report([
      [
        { path: "usr/local/bin/clang-17", content: bytes(10, 1) },
        { path: "opt/tool/bin/gfortran", content: bytes(10, 2) },
        { path: "usr/bin/sub/cc", content: bytes(10, 3) },
        { path: "usr/bin/cc", type: "symlink", linkname: "gcc-missing" },
        { path: "usr/bin/gcc-empty", content: 0 },
        { path: "usr/lib/gcc/x86_64-linux-gnu/12/cc1", content: bytes(10, 4) },
        { path: "home/app/gcc", content: bytes(10, 5) },
      ],
    ]);
    assert.deepEqual(r.compilers, [
      { path: "/opt/tool/bin/gfortran", target: "/opt/tool/bin/gfortran" },
      { path: "/usr/bin/sub/cc", target: "/usr/bin/sub/cc" },
      { path: "/usr/local/bin/clang-17", target: "/usr/local/bin/clang-17" },
    ]);
  });

  it("judges root, compilers and size", async () => {
    const r = await report([[{ path: "usr/bin/gcc-12", content: bytes(3000, 1) }, { path: "usr/bin/gcc", type: "symlink", linkname: "gcc-12" }]]);
    const result = evaluateGate(r, { noRoot: true, noCompilers: true, maxImageSize: 2999 });
    assert.deepEqual(keys(result), ["maxImageSize", "noRoot", "noCompilers"]);
    assert.match(result.checks.find((c) => c.key === "noCompilers")!.message, /compilers present: \/usr\/bin\/gcc, \/usr\/bin\/gcc-12/);
    const nonRoot = await report([[{ path: "etc/passwd", content: "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n" }]], "app");
    assert.deepEqual(nonRoot.user, { configured: "app", uid: 1000, root: false });
    assert.deepEqual(keys(evaluateGate(nonRoot, { noRoot: true })), []);
  });
});
