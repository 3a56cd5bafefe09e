import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffImages } from "../../src/image/diff.js";
import { evaluateGate } from "../../src/image/gate.js";
import { inspectToHtml } from "../../src/report/inspect-html.js";
import { inspectToText } from "../../src/report/inspect-text.js";
import { sizeTree } from "../../src/image/size-tree.js";
import { analyzeLayers } from "../helpers/analyze.js";
import { bytes, type FileSpec } from "../helpers/image-archive.js";

const SITE = "usr/local/lib/python3.11/site-packages";
const KIB = 1024;

/** A distribution with a RECORD listing its one module of `size` bytes. */
function dist(name: string, version: string, size: number, seed: number): FileSpec[] {
  const info = `${SITE}/${name}-${version}.dist-info`;
  return [
    { path: `${SITE}/${name}/__init__.py`, content: bytes(size, seed) },
    { path: `${info}/METADATA`, content: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n` },
    { path: `${info}/RECORD`, content: `${name}/__init__.py,,${size}\n${name}-${version}.dist-info/METADATA,,\n${name}-${version}.dist-info/RECORD,,\n` },
  ];
}

const dpkg = (packages: Array<[string, string, number]>): FileSpec => ({
  path: "var/lib/dpkg/status",
  content: packages.map(([name, version, kib]) => `Package: ${name}\nStatus: install ok installed\nInstalled-Size: ${kib}\nVersion: ${version}\n`).join("\n"),
});

const base = [
  { path: "usr/bin/python3.11", content: bytes(400 * KIB, 1) },
  dpkg([["libc6", "2.36-9", 12_000], ["curl", "7.88.1-10", 500]]),
  ...dist("flask", "3.0.0", 300 * KIB, 2),
  { path: "app/main.py", content: bytes(10 * KIB, 3) },
  { path: "app/assets/logo.png", content: bytes(200 * KIB, 4) },
];

const release = [
  { path: "usr/bin/python3.11", content: bytes(400 * KIB, 1) },
  // gcc came in with a build dependency, libpq5 at run time; curl went.
  { path: "usr/bin/gcc", content: bytes(900 * KIB, 5) },
  dpkg([["libc6", "2.36-9", 12_000], ["gcc-12", "12.2.0-14", 70_000], ["libpq5", "15.5-0", 900]]),
  ...dist("flask", "3.1.0", 320 * KIB, 2),
  ...dist("numpy", "1.26.4", 2_000 * KIB, 6),
  { path: "app/main.py", content: bytes(12 * KIB, 3) },
];

describe("image compared with a baseline", async () => {
  const before = await analyzeLayers([base], { user: "app" }, "app:1.0");
  const after = await analyzeLayers([release], { user: "" }, "app:1.1");
  const d = diffImages(before, after);

  it("says how much it grew, and in which directories most specifically", () => {
    assert.equal(d.baseline.name, "app:1.0");
    assert.equal(d.delta.totalBytes, after.report.totalBytes - before.report.totalBytes);
    assert.deepEqual(d.delta.layers, 0);
    // The floor: 64 KiB here (0.5% of these small images is less).
    assert.equal(d.floorBytes, 64 * KIB);
    assert.deepEqual(
      d.directories.map((x) => [x.path, x.delta]),
      [
        // numpy is new: its own directory, not site-packages or /usr above it.
        [`/${SITE}/numpy`, 2_000 * KIB],
        ["/usr/bin", 900 * KIB],
        ["/app/assets", -200 * KIB],
      ],
    );
  });

  it("lists distributions and OS packages added, removed and changed, largest change first", () => {
    assert.deepEqual(
      d.distributions.map((i) => [i.name, i.before?.version ?? null, i.after?.version ?? null]),
      [
        ["numpy", null, "1.26.4"],
        ["flask", "3.0.0", "3.1.0"],
      ],
    );
    assert.deepEqual(
      d.packages.map((i) => [i.name, i.where, i.delta]),
      [
        ["gcc-12", "dpkg", 70_000 * KIB],
        ["libpq5", "dpkg", 900 * KIB],
        ["curl", "dpkg", -500 * KIB],
      ],
    );
    assert.deepEqual(d.root, { before: false, after: true });
    assert.deepEqual(d.compilers, { added: ["/usr/bin/gcc"], removed: [] });
  });

  it("gates on growth, and reports the comparison in text and HTML", () => {
    const growth = d.delta.totalBytes;
    const gate = evaluateGate(after.report, { maxGrowth: growth - 1, maxGrowthPercent: 10 }, d);
    assert.deepEqual(gate.checks.map((c) => [c.key, c.passed]), [
      ["maxGrowth", false],
      ["maxGrowthPercent", true],
    ]);
    assert.equal(gate.checks[0].message, `growth over app:1.0 ${growth} bytes exceeds the limit ${growth - 1} bytes`);
    // Without a baseline the growth keys are not judged.
    assert.deepEqual(evaluateGate(after.report, { maxGrowth: 0 }).checks, []);
    const text = inspectToText({ report: after.report, diff: d }, { color: false, top: 10 });
    const section = text.slice(text.indexOf("Compared with"), text.indexOf("Largest layers"));
    assert.equal(
      section,
      [
        "Compared with app:1.0: +2.7 MB (+299.0%)",
        "  910 KB -> 3.5 MB, as stored +2.7 MB, layers 1 -> 1, waste +900 KB",
        "  now runs as root",
        "  compilers added: /usr/bin/gcc",
        "  where (directories that changed by 64.0 KB or more):",
        "     +2.0 MB  /usr/local/lib/python3.11/site-packages/numpy  0 B -> 2.0 MB",
        "     +900 KB  /usr/bin  400 KB -> 1.3 MB",
        "     -200 KB  /app/assets  200 KB -> 0 B",
        "  Python distributions: numpy 1.26.4 added (+2.0 MB), flask 3.0.0 -> 3.1.0 (+20.0 KB)",
        "  OS packages: gcc-12 12.2.0-14 added (+68.4 MB), libpq5 15.5-0 added (+900 KB), curl 7.88.1-10 removed (-500 KB)",
        "",
        "",
      ].join("\n"),
    );
    const html = inspectToHtml({ report: after.report, tree: sizeTree(after.index), diff: d });
    assert.match(html, /<section id="baseline"><h2>Compared with app:1\.0<\/h2>/);
    assert.match(html, /<td class="n grew">\+68\.4 MB<\/td><td>gcc-12 12\.2\.0-14 added<\/td><td>dpkg<\/td>/);
  });
});
