import type { LayerEntry } from "./layer-reader.js";
import { repeatedKeys } from "./repeated.js";

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

const FNV_OFFSET = 0x811c9dc5 | 0;

/**
 * FNV-1a over the path's UTF-16 units from `from`, continuing from `h` (the hash of what precedes):
 * cheap, and only ever a hint that two paths may be equal.
 */
function pathHash(path: string, h = FNV_OFFSET, from = 0): number {
  for (let i = from; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

function layerTree(entries: LayerEntry[], parents: Set<string>): LayerTree {
  const nodes = new Map<string, DInfo | null>();
  let whiteouts = false;
  for (const e of entries) {
    if (e.kind === "opaque" || e.kind === "marker") {
      // dive's AddPath creates the directories leading to a `.wh..wh.` name, then stops.
      if (e.path !== "/" && !nodes.has(e.path)) nodes.set(e.path, null);
      continue;
    }
    let key = e.path;
    if (e.kind === "whiteout") {
      whiteouts = true;
      const slash = e.path.lastIndexOf("/");
      key = `${e.path.slice(0, slash)}/.wh.${e.path.slice(slash + 1)}`;
    }
    nodes.set(key, e);
  }
  for (const p of parents) if (!nodes.has(p)) nodes.set(p, null);
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

/** A path seen in two or more layers: the sightings before the latest, and the latest (which its layer may still replace). */
interface Sightings {
  sum: number;
  min: number;
  count: number;
  layer: number;
  size: number;
}

/** Most paths are seen once: then a bare number, size * LAYER_SLOTS + layer, stands for the record. */
const LAYER_SLOTS = 4096;
const MAX_PACKED = Math.floor(Number.MAX_SAFE_INTEGER / LAYER_SLOTS);

class Records {
  readonly map = new Map<string, number | Sightings>();

  /**
   * A leaf of layer k: dive's layer tree holds one node per path, so a second entry for a path in the
   * same layer replaces the first (`replace`) or, for a directory dive only creates, leaves it be.
   */
  see(path: string, size: number, k: number, replace = true): void {
    const r = this.map.get(path);
    if (r === undefined) {
      this.map.set(path, size <= MAX_PACKED && k < LAYER_SLOTS ? size * LAYER_SLOTS + k : { sum: 0, min: Infinity, count: 0, layer: k, size });
      return;
    }
    const s = typeof r === "number" ? { sum: 0, min: Infinity, count: 0, layer: r % LAYER_SLOTS, size: Math.floor(r / LAYER_SLOTS) } : r;
    if (s.layer === k) {
      if (replace) s.size = size;
    } else {
      s.sum += s.size;
      s.min = Math.min(s.min, s.size);
      s.count++;
      s.layer = k;
      s.size = size;
    }
    if (s !== r) this.map.set(path, s.count === 0 ? s.size * LAYER_SLOTS + k : s);
  }
}

/** What one pass over a layer's entries finds (the passes that follow touch as few entries as they can). */
interface Scan {
  /** The directories above every entry's path (dive's parents: never leaves). */
  parents: Set<string>;
  /** Their path hashes, and that of "/" when an entry names it (never a leaf either). */
  parentHashes: Set<number>;
  /** Each entry's path hash. */
  hashes: Int32Array;
  /** Sum of the entries' sizes. */
  bytes: number;
  /** Sum of the sizes dive gives the entries' nodes (a `.wh..wh.` marker's directory gets none). */
  diveBytes: number;
  whiteouts: boolean;
}

const isDirOnly = (e: LayerEntry) => e.kind === "opaque" || e.kind === "marker";

function scan(entries: LayerEntry[]): Scan {
  const parents = new Set<string>();
  const parentHashes = new Set<number>();
  const hashes = new Int32Array(entries.length);
  let bytes = 0;
  let diveBytes = 0;
  let whiteouts = false;
  let lastParent = "";
  let lastHash = FNV_OFFSET;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const path = e.path;
    bytes += e.size;
    if (!isDirOnly(e)) diveBytes += e.size;
    if (path === "/") parentHashes.add(pathHash(path));
    if (e.kind === "whiteout") whiteouts = true;
    const parent = e.dir;
    if (parent === "") {
      hashes[i] = pathHash(path);
      continue;
    }
    // Entries of one directory come together: its ancestors are added, and its path hashed, once;
    // each entry's hash goes on from there.
    if (parent !== lastParent) {
      lastParent = parent;
      lastHash = pathHash(parent);
      for (let p = parent; p !== "/" && !parents.has(p); p = parentOf(p)) {
        parents.add(p);
        parentHashes.add(pathHash(p));
      }
    }
    hashes[i] = pathHash(path, lastHash, parent.length);
  }
  return { parents, parentHashes, hashes, bytes, diveBytes, whiteouts };
}

/**
 * A layer's leaves (entries no other entry lies below, "/" aside): their indexes, their path hashes,
 * and the sum of their sizes. Only entries whose hash is a parent's are looked at again.
 */
function leavesOf(entries: LayerEntry[], { parents, parentHashes, hashes, diveBytes }: Scan): { at: Int32Array; hashes: Int32Array; bytes: number } {
  const at = new Int32Array(entries.length);
  let n = 0;
  let bytes = diveBytes;
  for (let i = 0; i < entries.length; i++) {
    const h = hashes[i];
    if (parentHashes.has(h)) {
      const e = entries[i];
      if (e.path === "/" || parents.has(e.path)) {
        if (!isDirOnly(e)) bytes -= e.size;
        continue;
      }
    }
    at[n] = i;
    hashes[n++] = h;
  }
  return { at: at.subarray(0, n), hashes: hashes.subarray(0, n), bytes };
}

export function diveEfficiency(layers: LayerEntry[][]): DiveResult {
  const records = new Records();
  const scans = layers.map(scan);
  // Only whiteouts need the stack of lower layers: keep layer trees only up to the last of them.
  let lastWhiteout = -1;
  scans.forEach((s, k) => s.whiteouts && (lastWhiteout = k));
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
    // Layers after the last whiteout are read straight from their entries, below.
    if (k > lastWhiteout) return;
    const tree = layerTree(entries, scans[k].parents);
    trees[k] = tree;
    if (!tree.whiteouts) {
      for (const [key, info] of tree.nodes) if (!tree.parents.has(key)) records.see(key, info?.size ?? 0, k);
      return;
    }
    const below = stackFor(k);
    let leaves = diveSorted([...tree.nodes.keys()].filter((key) => !tree.parents.has(key)));
    const cut = leaves.findIndex((key) => isWhiteoutKey(key) && !below.get(whiteoutTarget(key)));
    if (cut >= 0) leaves = leaves.slice(0, cut);
    for (const key of leaves) {
      if (!isWhiteoutKey(key)) {
        records.see(key, tree.nodes.get(key)?.size ?? 0, k);
        continue;
      }
      const previous = below.get(whiteoutTarget(key))!;
      records.see(whiteoutTarget(key), previous.info?.kind === "dir" ? below.sizeUnder(previous) : 0, k);
    }
  });

  // Neither stacked below a whiteout nor holding one: their leaves come straight from the entries.
  // Most paths are seen once; a hash of every leaf's path finds the few that may repeat (or
  // collide), and only those (and paths the layers above already recorded) take a record.
  const rest = layers.slice(lastWhiteout + 1);
  const leaves = rest.map((entries, i) => leavesOf(entries, scans[lastWhiteout + 1 + i]));
  const repeated = repeatedKeys(...leaves.map((l) => l.hashes));
  let minimum = 0;
  let discovered = 0;
  // Paths recorded above must be looked up; otherwise only leaves of a repeated hash are read.
  const recordedAbove = records.map.size > 0;
  rest.forEach((entries, i) => {
    const k = lastWhiteout + 1 + i;
    const { at, hashes, bytes } = leaves[i];
    let unrecorded = bytes;
    for (let j = 0; j < at.length && (repeated.size > 0 || recordedAbove); j++) {
      const hit = repeated.has(hashes[j]);
      if (!hit && !recordedAbove) continue;
      const e = entries[at[j]];
      if (!hit && !records.map.has(e.path)) continue;
      const dirOnly = isDirOnly(e);
      const size = dirOnly ? 0 : e.size;
      records.see(e.path, size, k, !dirOnly);
      unrecorded -= size;
    }
    minimum += unrecorded;
    discovered += unrecorded;
  });

  let wasted = 0;
  const inefficiencies: DiveInefficiency[] = [];
  for (const [path, r] of records.map) {
    if (typeof r === "number") {
      const size = Math.floor(r / LAYER_SLOTS);
      minimum += size;
      discovered += size;
      continue;
    }
    const cumulative = r.sum + r.size;
    minimum += Math.min(r.min, r.size);
    discovered += cumulative;
    wasted += cumulative;
    inefficiencies.push({ path, cumulativeBytes: cumulative, count: r.count + 1 });
  }
  inefficiencies.sort((a, b) => b.cumulativeBytes - a.cumulativeBytes || (a.path < b.path ? -1 : 1));
  const layerSizes = scans.map((s) => s.bytes);
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
