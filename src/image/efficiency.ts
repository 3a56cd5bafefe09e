import type { LayerEntry } from "./layer-reader.js";

/**
 * dive's efficiency score and wasted bytes, computed the way dive computes them
 * (wagoodman/dive, filetree/efficiency.go and image analysis), so users can compare numbers:
 *
 * - Each layer is a tree of its tar entries (parents created implicitly, `.wh..wh.*` markers dropped).
 *   Only its leaves are visited. A leaf adds its tar size to its path's record; a whiteout leaf adds
 *   0, or, when the path was a directory in the stack of the layers below (dive's own stacking, which
 *   ignores opaque markers), the sizes of everything under it. A whiteout of a path absent below ends
 *   dive's walk of that layer, and here too.
 * - efficiency = sum over paths of the smallest size seen / sum of all sizes seen (1 when nothing seen).
 * - wastedBytes = sum of all sizes seen for every path seen in two or more layers (the kept copy included).
 * - userWastedPercent = wastedBytes / bytes of every layer but the first. dive divides by zero for a
 *   single-layer image (NaN, which passes its gate); whittle reports null instead, and its gate then
 *   judges the whole image rather than letting it through.
 */

export interface DiveInefficiency {
  path: string;
  cumulativeBytes: number;
  count: number;
}

export interface DiveResult {
  efficiency: number;
  wastedBytes: number;
  /** null when the layers after the first hold no bytes (dive: NaN). */
  userWastedPercent: number | null;
  sizeBytes: number;
  userSizeBytes: number;
  /** Paths seen in two or more layers, largest first. */
  inefficiencies: DiveInefficiency[];
}

/** A tar entry's size and type, as dive keeps them per node (the entry itself: no copy per path). */
type DInfo = Pick<LayerEntry, "size" | "kind">;

interface DNode {
  info: DInfo | null;
  children: Map<string, DNode> | undefined;
}

/** One layer's nodes keyed by dive's path (whiteouts keep their `.wh.` name); implicit parents map to null. */
interface LayerTree {
  nodes: Map<string, DInfo | null>;
  parents: Set<string>;
  whiteouts: boolean;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

function layerTree(entries: LayerEntry[]): LayerTree {
  const nodes = new Map<string, DInfo | null>();
  const parents = new Set<string>();
  let whiteouts = false;
  let lastParent = "";
  const ensureAncestors = (path: string) => {
    const first = parentOf(path);
    // Entries of one directory come together: its ancestors are already in.
    if (first === lastParent) return;
    lastParent = first;
    for (let p = first; p !== "/" && !parents.has(p); p = parentOf(p)) {
      parents.add(p);
      if (!nodes.has(p)) nodes.set(p, null);
    }
  };
  for (const e of entries) {
    if (e.kind === "opaque" || e.kind === "marker") {
      // dive's AddPath creates the directories leading to a `.wh..wh.` name, then stops.
      if (e.path === "/") continue;
      if (!nodes.has(e.path)) nodes.set(e.path, null);
      ensureAncestors(e.path);
      continue;
    }
    let key = e.path;
    if (e.kind === "whiteout") {
      whiteouts = true;
      const slash = e.path.lastIndexOf("/");
      key = `${e.path.slice(0, slash)}/.wh.${e.path.slice(slash + 1)}`;
    }
    nodes.set(key, e);
    ensureAncestors(key);
  }
  return { nodes, parents, whiteouts };
}

const isWhiteoutKey = (key: string) => key.startsWith(".wh.", key.lastIndexOf("/") + 1);
const whiteoutTarget = (key: string) => {
  const slash = key.lastIndexOf("/");
  return key.slice(0, slash + 1) + key.slice(slash + 5);
};

/** dive visits children sorted by name, depth first, a parent after its children; this orders paths the same way. */
function diveSorted(keys: Iterable<string>): string[] {
  const split = [...keys].map((k) => ({ k, parts: k.split("/") }));
  split.sort((a, b) => {
    const pa = a.parts;
    const pb = b.parts;
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
    }
    return pb.length - pa.length;
  });
  return split.map((x) => x.k);
}

/** The stack of lower layers as dive builds it to size a deleted directory. */
class StackedTree {
  private root: DNode = { info: null, children: new Map() };

  get(path: string): DNode | undefined {
    let node: DNode | undefined = this.root;
    for (const name of path.split("/")) {
      if (!name) continue;
      node = node.children?.get(name);
      if (!node) return undefined;
    }
    return node;
  }

  add(path: string, info: DInfo | null): void {
    let node = this.root;
    for (const name of path.split("/")) {
      if (!name) continue;
      node.children ??= new Map();
      let child = node.children.get(name);
      if (!child) {
        if (name.startsWith(".wh..wh.")) return;
        child = { info: null, children: undefined };
        node.children.set(name, child);
      }
      node = child;
    }
    node.info = info;
  }

  remove(path: string): void {
    const slash = path.lastIndexOf("/");
    const parent = this.get(path.slice(0, slash));
    parent?.children?.delete(path.slice(slash + 1));
  }

  /** Sizes of a node and everything below it. */
  sizeUnder(node: DNode): number {
    let total = node.info?.size ?? 0;
    if (node.children) for (const c of node.children.values()) total += this.sizeUnder(c);
    return total;
  }

  /** Grafts a layer on top: whiteouts remove, everything else (implicit parents too) replaces the payload. */
  stack(tree: LayerTree): void {
    for (const key of diveSorted(tree.nodes.keys())) {
      if (isWhiteoutKey(key)) this.remove(whiteoutTarget(key));
      else this.add(key, tree.nodes.get(key)!);
    }
  }
}

export function diveEfficiency(layers: LayerEntry[][]): DiveResult {
  // Most paths are seen once: a bare size until a second sighting makes it a record.
  const records = new Map<string, number | { cumulative: number; min: number; count: number }>();
  const record = (path: string, size: number) => {
    const r = records.get(path);
    if (r === undefined) records.set(path, size);
    else if (typeof r === "number") records.set(path, { cumulative: r + size, min: Math.min(r, size), count: 2 });
    else {
      r.cumulative += size;
      r.min = Math.min(r.min, size);
      r.count++;
    }
  };
  // Only whiteouts need the stack of lower layers: keep layer trees only up to the last of them.
  let lastWhiteout = -1;
  layers.forEach((entries, k) => entries.some((e) => e.kind === "whiteout") && (lastWhiteout = k));
  let stacked: StackedTree | undefined;
  let stackedUpTo = 0;
  const trees: Array<LayerTree | undefined> = [];
  const stackFor = (k: number): StackedTree => {
    // dive stacks layer 0 on a copy of itself, then layers 1..k-1.
    if (!stacked) {
      stacked = new StackedTree();
      const base = trees[0]!;
      for (const key of diveSorted(base.nodes.keys())) stacked.add(key, base.nodes.get(key)!);
    }
    for (; stackedUpTo < k; stackedUpTo++) {
      stacked.stack(trees[stackedUpTo]!);
      trees[stackedUpTo] = undefined;
    }
    return stacked;
  };

  layers.forEach((entries, k) => {
    const tree = layerTree(entries);
    if (k < lastWhiteout || (k === 0 && lastWhiteout >= 0)) trees[k] = tree;
    if (!tree.whiteouts) {
      for (const [key, info] of tree.nodes) if (!tree.parents.has(key)) record(key, info?.size ?? 0);
      return;
    }
    const below = stackFor(k);
    let leaves = diveSorted([...tree.nodes.keys()].filter((key) => !tree.parents.has(key)));
    const cut = leaves.findIndex((key) => isWhiteoutKey(key) && !below.get(whiteoutTarget(key)));
    if (cut >= 0) leaves = leaves.slice(0, cut);
    for (const key of leaves) {
      if (!isWhiteoutKey(key)) {
        record(key, tree.nodes.get(key)?.size ?? 0);
        continue;
      }
      const previous = below.get(whiteoutTarget(key))!;
      record(whiteoutTarget(key), previous.info?.kind === "dir" ? below.sizeUnder(previous) : 0);
    }
  });

  let minimum = 0;
  let discovered = 0;
  let wasted = 0;
  const inefficiencies: DiveInefficiency[] = [];
  for (const [path, r] of records) {
    if (typeof r === "number") {
      minimum += r;
      discovered += r;
      continue;
    }
    minimum += r.min;
    discovered += r.cumulative;
    if (r.count >= 2) {
      wasted += r.cumulative;
      inefficiencies.push({ path, cumulativeBytes: r.cumulative, count: r.count });
    }
  }
  inefficiencies.sort((a, b) => b.cumulativeBytes - a.cumulativeBytes || (a.path < b.path ? -1 : 1));
  const layerSizes = layers.map((entries) => entries.reduce((sum, e) => sum + e.size, 0));
  const sizeBytes = layerSizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (layerSizes[0] ?? 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes: wasted,
    userWastedPercent: userSizeBytes > 0 ? wasted / userSizeBytes : null,
    sizeBytes,
    userSizeBytes,
    inefficiencies,
  };
}
