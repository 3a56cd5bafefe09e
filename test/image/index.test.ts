import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diveEfficiency } from "../../src/image/efficiency.js";
import { LayerReader, type LayerEntry } from "../../src/image/layer-reader.js";
import { PathIndex } from "../../src/image/path-index.js";
import { analyzeWaste, classifyAvoidable } from "../../src/image/waste.js";
import { bytes, layerTar, type FileSpec } from "../helpers/image-archive.js";

async function read(files: FileSpec[]): Promise<LayerEntry[]> {
  const tar = await layerTar(files);
  const reader = new LayerReader("test", tar.length);
  await reader.write(tar);
  return (await reader.finish()).entries;
}

async function build(...layers: FileSpec[][]): Promise<{ index: PathIndex; entries: LayerEntry[][] }> {
  const entries = await Promise.all(layers.map(read));
  const index = new PathIndex();
  entries.forEach((e, i) => index.apply(i, e));
  return { index, entries };
}

describe("layer entries", () => {
  it("name their directory, however the tar spells the path", async () => {
    const deep = `/app${"/long".repeat(30)}`;
    const entries = await read([
      { path: "./app/" },
      { path: "app/a", content: "1" },
      { path: "./app/b", content: "2" },
      { path: "app//c", content: "3" },
      { path: "app/.wh.d" },
      { path: "app/sub/.wh..wh..opq" },
      { path: "app/sub/e", content: "4" },
      { path: `app/${"long/".repeat(30)}f`, content: "5" },
      { path: "top", content: "6" },
    ]);
    assert.deepEqual(
      entries.map((e) => [e.path, e.dir]),
      [
        ["/app", ""],
        ["/app/a", "/app"],
        ["/app/b", "/app"],
        ["/app/c", "/app"],
        ["/app/d", "/app"],
        ["/app/sub", "/app"],
        ["/app/sub/e", "/app/sub"],
        [`${deep}/f`, deep],
        ["/top", ""],
      ],
    );
  });
});

// Layer 0 lays down files; layer 1 uses every kind of deletion and rewrite on them.
const base: FileSpec[] = [
  { path: "etc/" },
  { path: "etc/config", content: bytes(100, 1) },
  { path: "data/" },
  { path: "data/a", content: bytes(1000, 2) },
  { path: "data/b", content: bytes(2000, 3) },
  { path: "data/sub/" },
  { path: "data/sub/c", content: bytes(300, 4) },
  { path: "opq/" },
  { path: "opq/x", content: bytes(400, 5) },
  { path: "opq/y", content: bytes(500, 6) },
  { path: "keep", content: bytes(50, 7) },
  { path: "link", type: "link", linkname: "keep" },
  { path: "sym", type: "symlink", linkname: "keep" },
];
const changes: FileSpec[] = [
  { path: ".wh.keep" },
  { path: "data/" },
  { path: "data/.wh.sub" },
  { path: "data/.wh.a" },
  { path: "data/b", content: bytes(2000, 30) },
  { path: "etc/" },
  { path: "etc/config", content: bytes(100, 1), mode: 0o600 },
  { path: "opq/" },
  { path: "opq/.wh..wh..opq" },
  { path: "opq/z", content: bytes(60, 8) },
];

describe("path index", () => {
  it("applies whiteouts, opaque directories, overwrites and metadata-only rewrites", async () => {
    const { index } = await build(base, changes);
    const visible = [...index.walk()].filter((n) => n.kind !== "dir").map((n) => n.path).sort();
    assert.deepEqual(visible, ["/data/b", "/etc/config", "/link", "/opq/z", "/sym"]);
    assert.equal(index.get("/link")?.blob?.size, 50, "the hardlink keeps the deleted name's bytes");
    assert.deepEqual(index.changes[0], { added: 9, modified: 0, removed: 0, hardlinks: 1, symlinks: 1, bytes: 4350 });
    assert.deepEqual(index.changes[1], { added: 1, modified: 2, removed: 5, hardlinks: 0, symlinks: 0, bytes: 2160 });
    const hidden = index.hidden.map((h) => `${h.kind} ${h.path} ${h.bytes} stored@${h.layer} by@${h.by}`).sort();
    assert.deepEqual(hidden, [
      "deleted /data/a 1000 stored@0 by@1",
      "deleted /data/sub/c 300 stored@0 by@1",
      "deleted /opq/x 400 stored@0 by@1",
      "deleted /opq/y 500 stored@0 by@1",
      "overwritten /data/b 2000 stored@0 by@1",
      "rewritten /etc/config 100 stored@1 by@1",
    ]);
  });

  it("sums waste by family without counting a byte twice", async () => {
    const { index } = await build(base, changes);
    const waste = analyzeWaste(index);
    assert.equal(waste.hiddenBytes, 4300);
    assert.equal(waste.avoidableBytes, 0);
    assert.equal(waste.duplicateBytes, 0);
    assert.deepEqual(waste.byKind, { deleted: 2200, overwritten: 2000, rewritten: 100 });
    const deleted = waste.items.filter((i) => i.kind === "deleted").map((i) => `${i.path} ${i.bytes} ${i.files}`).sort();
    // Grouped by top-level directory, named by their deepest common directory.
    assert.deepEqual(deleted, ["/data 1300 2", "/opq 900 2"]);
  });

  it("lists the symlinks still visible: not deleted, overwritten or under a removed directory", async () => {
    const { index } = await build(
      [
        { path: "a", type: "symlink", linkname: "x" },
        { path: "b", type: "symlink", linkname: "x" },
        { path: "c", type: "symlink", linkname: "x" },
        { path: "d/" },
        { path: "d/e", type: "symlink", linkname: "../x" },
        { path: "f", type: "symlink", linkname: "x" },
      ],
      [{ path: ".wh.a" }, { path: "b", content: 5 }, { path: ".wh.d" }, { path: "f", type: "symlink", linkname: "y" }],
    );
    assert.deepEqual(index.symlinks().map((n) => `${n.path} -> ${n.link}`).sort(), ["/c -> x", "/f -> y"]);
  });

  it("finds identical content at several paths, but not hardlinks", async () => {
    const same = bytes(4096, 9);
    const { index } = await build(
      [{ path: "a/one", content: same }, { path: "a/hard", type: "link", linkname: "a/one" }, { path: "b/other", content: bytes(4096, 10) }],
      // Two contents of one size: each copy joins its own original.
      [{ path: "c/two", content: same }, { path: "c/three", content: same }, { path: "d/again", content: bytes(4096, 10) }, { path: "d/unique", content: bytes(4096, 11) }],
    );
    const waste = analyzeWaste(index);
    assert.equal(waste.duplicateBytes, 12288);
    assert.deepEqual(
      waste.items.map((i) => ({ kind: i.kind, path: i.path, bytes: i.bytes, files: i.files, layer: i.layer, sameAs: i.sameAs })),
      [
        { kind: "duplicate", path: "/c/three", bytes: 8192, files: 2, layer: 1, sameAs: "/a/one" },
        { kind: "duplicate", path: "/d/again", bytes: 4096, files: 1, layer: 1, sameAs: "/b/other" },
      ],
    );
  });

  it("classifies visible but avoidable bytes", async () => {
    const { index } = await build([
      { path: "var/lib/apt/lists/deb.debian.org_Packages", content: 700 },
      { path: "root/.cache/pip/http/ab/cd", content: 300 },
      { path: "usr/local/lib/python3.11/site-packages/pkg/__init__.py", content: 10 },
      { path: "usr/local/lib/python3.11/site-packages/pkg/__pycache__/x.pyc", content: 20 },
      { path: "usr/local/lib/python3.11/site-packages/pkg/tests/test_x.py", content: 30 },
      { path: "app/__pycache__/main.cpython-311.pyc", content: 40 },
      { path: "usr/include/python3.11/Python.h", content: 50 },
      { path: "usr/bin/x86_64-linux-gnu-gcc-12", content: 60 },
      { path: "usr/share/doc/pkg/copyright", content: 70 },
    ]);
    const waste = analyzeWaste(index);
    const got = waste.items.map((i) => `${i.kind} ${i.path} ${i.bytes}`).sort();
    assert.deepEqual(got, [
      "bytecode /app/__pycache__ 40",
      "docs /usr/share/doc 70",
      "package-cache /var/lib/apt/lists 700",
      "pip-cache /root/.cache/pip 300",
      "tests /usr/local/lib/python3.11/site-packages/pkg/tests 30",
      "toolchain /usr/bin/x86_64-linux-gnu-gcc-12 60",
      "toolchain /usr/include 50",
    ]);
    assert.equal(waste.avoidableBytes, 1250);
  });
});

describe("avoidable bytes", () => {
  it("classifies every file as its whole path would be, though each directory is scanned once", async () => {
    const paths = [
      "usr/lib/gcc",
      "usr/lib/gcc-x/y",
      "usr/lib/llvm-15",
      "usr/lib/libz.a",
      "usr/local/lib/python3.11/config/libpython.a",
      "app/mod.pyc",
      "app/a/__pycache__/b.cpython-311.pyc",
      "usr/lib/python3.11/json/__pycache__/x.pyc",
      "bin/cc",
      "usr/bin/gcc-12",
      "usr/bin/python3",
      "opt/conda/pkgs/x/y",
      "var",
      "etc/apk/cache/z",
      "home/u/.cache/uv/q",
      "src/tests/t.py",
      "usr/lib/python3/dist-packages/p/tests/t.py",
      "usr/share/man/man1/x.1",
      "usr/libexec/gcc/cc1",
      "srv/bin/tool",
    ];
    const { index } = await build(paths.map((path, i) => ({ path, content: bytes(10 + i, i) })));
    const expected = new Map<string, number>();
    paths.forEach((path, i) => {
      const cls = classifyAvoidable(`/${path}`);
      if (cls) expected.set(`${cls.kind} ${cls.anchor}`, (expected.get(`${cls.kind} ${cls.anchor}`) ?? 0) + 10 + i);
    });
    assert.ok(expected.size >= 10, "the paths cover most families");
    const got = analyzeWaste(index).items.map((i) => `${i.kind} ${i.path} ${i.bytes}`);
    assert.deepEqual(got.sort(), [...expected].map(([k, b]) => `${k} ${b}`).sort());
  });
});

describe("dive efficiency", () => {
  it("matches dive's arithmetic on whiteouts, directory whiteouts and rewrites", async () => {
    const { entries } = await build(base, changes);
    const dive = diveEfficiency(entries);
    // min per path: /keep 0, /data/a 0, /data/sub 300 (dir whiteout sized from below), /data/b 2000,
    // /etc/config 100, plus single copies 300+400+500+60 -> 3660; all copies -> 6810.
    assert.equal(dive.efficiency, 3660 / 6810);
    assert.equal(dive.wastedBytes, 50 + 1000 + 4000 + 200);
    assert.equal(dive.sizeBytes, 6510);
    assert.equal(dive.userSizeBytes, 2160);
    assert.equal(dive.userWastedPercent, 5250 / 2160);
    assert.deepEqual(
      dive.inefficiencies.map((i) => [i.path, i.cumulativeBytes, i.count]),
      [["/data/b", 4000, 2], ["/data/a", 1000, 2], ["/etc/config", 200, 2], ["/keep", 50, 2]],
    );
  });

  it("counts one node per path and layer, as dive's layer trees do, in layers without whiteouts", async () => {
    const { entries } = await build(
      [{ path: "a", content: bytes(100, 1) }, { path: "d/" }, { path: "d/x", content: bytes(200, 2) }, { path: "e/" }],
      // The second /a replaces the first in dive's tree; /opq is a leaf (its marker adds no node).
      [{ path: "a", content: bytes(150, 3) }, { path: "a", content: bytes(170, 4) }, { path: "d/x", content: bytes(200, 2) }, { path: "opq/" }, { path: "opq/.wh..wh..opq" }],
      [{ path: "d/x", content: bytes(50, 5) }],
    );
    const dive = diveEfficiency(entries);
    // min per path: /a 100, /d/x 50, /e 0, /opq 0 -> 150; all copies: /a 100+170, /d/x 200+200+50 -> 720.
    assert.equal(dive.efficiency, 150 / 720);
    assert.equal(dive.wastedBytes, 720);
    assert.equal(dive.sizeBytes, 870);
    assert.equal(dive.userWastedPercent, 720 / 570);
    assert.deepEqual(
      dive.inefficiencies.map((i) => [i.path, i.cumulativeBytes, i.count]),
      [["/d/x", 450, 3], ["/a", 270, 2]],
    );
  });

  it("joins a path of a layer after the last whiteout to its records from the layers below", async () => {
    const { entries } = await build(
      [{ path: "x", content: bytes(10, 1) }, { path: "y", content: bytes(5, 2) }],
      [{ path: ".wh.y" }],
      [{ path: "x", content: bytes(20, 3) }],
    );
    const dive = diveEfficiency(entries);
    // /x: 10 then 20; /y: 5 then 0 (deleted) -> min 10 + 0 of 35.
    assert.equal(dive.efficiency, 10 / 35);
    assert.equal(dive.wastedBytes, 35);
    assert.equal(dive.userWastedPercent, 35 / 20);
    assert.deepEqual(
      dive.inefficiencies.map((i) => [i.path, i.cumulativeBytes, i.count]),
      [["/x", 30, 2], ["/y", 5, 2]],
    );
  });

  it("scores a single layer 1 with no user bytes instead of NaN", async () => {
    const { entries } = await build([{ path: "a", content: 10 }]);
    const dive = diveEfficiency(entries);
    assert.equal(dive.efficiency, 1);
    assert.equal(dive.userWastedPercent, null);
  });

  it("stops a layer's walk at a whiteout of a path no lower layer has, as dive does", async () => {
    const { entries } = await build(
      [{ path: "x", content: 10 }],
      // Visited in name order: /.wh.ghost (absent below) comes before /x, so /x is never counted.
      [{ path: ".wh.ghost" }, { path: "x", content: 10 }],
    );
    const dive = diveEfficiency(entries);
    assert.equal(dive.wastedBytes, 0);
    assert.equal(dive.efficiency, 1);
  });
});
