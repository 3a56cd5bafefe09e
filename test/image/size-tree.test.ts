import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sizeTree, type SizeNode } from "../../src/image/size-tree.js";
import { bytes, type FileSpec } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

const indexOf = async (layers: FileSpec[][]) => (await analyzeLayers(layers)).index;

/** path -> [bytes, files, child paths] for every kept node. */
function flat(node: SizeNode, out: Record<string, [number, number, string[]]> = {}) {
  out[node.path] = [node.bytes, node.files, node.children.map((c) => c.path)];
  for (const c of node.children) flat(c, out);
  return out;
}

describe("size tree of the final filesystem", async () => {
  const index = await indexOf([
    [
      { path: "usr/lib/big.so", content: bytes(50_000, 1) },
      { path: "usr/lib/small.so", content: bytes(100, 2) },
      { path: "usr/bin/tool", content: bytes(20_000, 3) },
      { path: "app/data/a", content: bytes(10_000, 4) },
      { path: "app/data/b", type: "link", linkname: "app/data/a" },
      { path: "etc/x", content: bytes(10, 5) },
      { path: "tmp/gone", content: bytes(9_000, 6) },
    ],
    // A later layer deletes a file (its bytes are no longer visible) and adds one.
    [{ path: "tmp/.wh.gone" }, { path: "app/main.py", content: bytes(5_000, 7) }],
  ]);

  it("sums visible bytes per directory, hard-linked bytes once, and keeps what holds a noticeable share", () => {
    const tree = flat(sizeTree(index, { minShare: 0.01, maxDepth: 12, maxNodes: 100 }));
    assert.deepEqual(tree, {
      "/": [85_110, 7, ["/usr", "/app"]],
      "/usr": [70_100, 3, ["/usr/lib", "/usr/bin"]],
      "/usr/lib": [50_100, 2, ["/usr/lib/big.so"]],
      "/usr/lib/big.so": [50_000, 1, []],
      "/usr/bin": [20_000, 1, ["/usr/bin/tool"]],
      "/usr/bin/tool": [20_000, 1, []],
      "/app": [15_000, 3, ["/app/data", "/app/main.py"]],
      "/app/data": [10_000, 2, ["/app/data/a"]],
      "/app/data/a": [10_000, 1, []],
      "/app/main.py": [5_000, 1, []],
    });
  });

  it("keeps the largest entries when only a few may be kept, and stops at the depth asked", () => {
    assert.deepEqual(Object.keys(flat(sizeTree(index, { minShare: 0.01, maxDepth: 12, maxNodes: 3 }))), ["/", "/usr", "/usr/lib", "/usr/lib/big.so"]);
    assert.deepEqual(Object.keys(flat(sizeTree(index, { minShare: 0.01, maxDepth: 1, maxNodes: 100 }))), ["/", "/usr", "/app"]);
    // Everything above the floor: the small files appear too.
    assert.ok(Object.keys(flat(sizeTree(index, { minShare: 0, maxDepth: 12, maxNodes: 100 }))).includes("/etc/x"));
  });
});
