import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRoot, type CompareReport } from "../../src/build/compare.js";
import type { ImageDiff } from "../../src/image/diff.js";
import { compareToText } from "../../src/report/compare-text.js";

const MB = 1024 * 1024;

const report: CompareReport = {
  context: "examples/app",
  editedFile: "app/views.py",
  engine: { client: "20.10.24", server: "20.10.24", buildkit: true },
  a: {
    dockerfile: "examples/app/Dockerfile",
    ok: true,
    bytes: 500 * MB,
    layers: 6,
    coldSeconds: 20,
    warmSeconds: 12.4,
    osPackages: 202,
    user: "",
    runsAsRoot: true,
    compilers: ["gcc", "cc"],
    smoke: { passed: true, seconds: 1, detail: "GET /health -> 200" },
  },
  b: {
    dockerfile: "examples/app/Dockerfile.optimized",
    ok: false,
    bytes: 125 * MB,
    layers: 7,
    coldSeconds: 25,
    warmSeconds: 0.5,
    osPackages: 120,
    user: "10001",
    runsAsRoot: false,
    compilers: [],
    smoke: { passed: false, seconds: 90, detail: "GET /health -> 500 after 90 s", output: "Traceback\nImportError: libpq.so.5" },
  },
};

describe("compareToText", () => {
  it("puts both builds side by side with the change, then the smoke details", () => {
    assert.equal(
      compareToText(report),
      [
        "              A: Dockerfile  B: Dockerfile.optimized  B vs A",
        "image size    500 MB         125 MB                   -75%",
        "layers        6              7",
        "cold build    20 s           25 s                     +25%",
        "warm rebuild  12 s           0.5 s                    24.8x faster",
        "OS packages   202            120",
        "runs as root  yes            no (10001)",
        "compilers     gcc, cc        none",
        "smoke test    pass           FAIL",
        "",
        "warm rebuild: after a one-line edit to app/views.py; engine 20.10.24, BuildKit",
        "A smoke: GET /health -> 200",
        "B smoke: GET /health -> 500 after 90 s",
        "  | Traceback",
        "  | ImportError: libpq.so.5",
        "",
      ].join("\n"),
    );
  });

  it("ends with what B changes against A, as inspect --baseline reports it", () => {
    const changes: ImageDiff = {
      baseline: { name: "A: Dockerfile", totalBytes: 500 * MB, blobBytes: 510 * MB, layers: 6, wasteBytes: 200 * MB },
      delta: { totalBytes: -375 * MB, blobBytes: -380 * MB, layers: 1, wasteBytes: -199 * MB },
      directories: [{ path: "/usr/lib/gcc", before: 120 * MB, after: 0, delta: -120 * MB }],
      floorBytes: 2.5 * MB,
      distributions: [],
      packages: [{ name: "gcc-12", where: "dpkg", before: { version: "12.2.0-14", bytes: 67 * MB }, delta: -67 * MB }],
      root: { before: true, after: false },
      compilers: { added: [], removed: ["/usr/bin/gcc"] },
    };
    const text = compareToText({ ...report, changes });
    assert.ok(
      text.endsWith(
        [
          "",
          "Compared with A: Dockerfile: -375 MB (-75.0%)",
          "  500 MB -> 125 MB, as stored -380 MB, layers 6 -> 7, waste -199 MB",
          "  no longer runs as root",
          "  compilers removed: /usr/bin/gcc",
          "  where (directories that changed by 2.5 MB or more):",
          "     -120 MB  /usr/lib/gcc  120 MB -> 0 B",
          "  OS packages: gcc-12 12.2.0-14 removed (-67.0 MB)",
          "",
        ].join("\n"),
      ),
      text,
    );
  });

  it("shows a failed build with its step and the engine's error, and dashes for what was not measured", () => {
    const failed: CompareReport = {
      ...report,
      b: {
        dockerfile: "Dockerfile.optimized",
        ok: false,
        coldSeconds: 3.2,
        failure: { phase: "cold", step: "[builder 3/4] RUN pip install psycopg2", error: "ERROR: executor failed running: exit code: 1", output: ["Error: pg_config executable not found."] },
      },
    };
    const text = compareToText(failed);
    assert.match(text, /^image size {4}500 MB {9}- *$/m);
    assert.match(text, /^cold build {4}20 s {11}3\.2 s {20}-84%$/m);
    assert.ok(
      text.includes(
        [
          "B (Dockerfile.optimized): the cold build failed at [builder 3/4] RUN pip install psycopg2",
          "  ERROR: executor failed running: exit code: 1",
          "  | Error: pg_config executable not found.",
        ].join("\n"),
      ),
      text,
    );
  });
});

describe("isRoot", () => {
  it("reads Config.User as Docker does: empty, root or uid 0 mean root", () => {
    for (const u of ["", "root", "0", "0:0", "root:staff"]) assert.equal(isRoot(u), true, u);
    for (const u of ["10001", "app", "app:app", "1000:0"]) assert.equal(isRoot(u), false, u);
  });
});
