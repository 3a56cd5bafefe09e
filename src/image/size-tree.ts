import type { Blob, FsNode, PathIndex } from "./path-index.js";

/**
 * The final filesystem's bytes by directory, for pictures of where they are (the HTML report's treemap): every
 * directory's visible bytes, then only the directories and files that hold a noticeable share of the image, so the
 * picture stays readable and the tree small whatever the number of files.
 */

export interface SizeNode {
  path: string;
  /** Visible bytes at and below this path; bytes hard-linked under several names count at one of them. */
  bytes: number;
  /** Files at and below this path. */
  files: number;
  dir: boolean;
  /** Kept entries below, largest first; their bytes may sum to less than `bytes` (the rest is small things). */
  children: SizeNode[];
}

export interface SizeTreeOptions {
  /** Smallest share of the image an entry needs to be kept (directories and files alike). */
  minShare: number;
  maxDepth: number;
  /** Most entries kept in all: the largest win when more pass `minShare`. */
  maxNodes: number;
}

export const DEFAULT_SIZE_TREE: SizeTreeOptions = { minShare: 0.002, maxDepth: 12, maxNodes: 600 };

interface Totals {
  bytes: number;
  files: number;
}

export function sizeTree(index: PathIndex, options: SizeTreeOptions = DEFAULT_SIZE_TREE): SizeNode {
  const { totals, owners } = directoryTotals(index);
  const root = index.root;
  const rootTotals = totals.get(root)!;
  const floor = Math.max(1, rootTotals.bytes * options.minShare);
  // Largest first across the whole tree, so maxNodes keeps the entries a picture most needs.
  const candidates: Array<{ node: FsNode; bytes: number; files: number; depth: number; parent: SizeNode }> = [];
  const top: SizeNode = { path: "/", bytes: rootTotals.bytes, files: rootTotals.files, dir: true, children: [] };
  const made = new Map<FsNode, SizeNode>([[root, top]]);
  const consider = (dir: FsNode, parent: SizeNode, depth: number) => {
    if (depth > options.maxDepth) return;
    for (const child of dir.children!.values()) {
      const t = child.children ? totals.get(child)! : { bytes: ownBytes(child, owners), files: 1 };
      if (t.bytes >= floor) candidates.push({ node: child, bytes: t.bytes, files: t.files, depth, parent });
    }
  };
  consider(root, top, 1);
  let kept = 0;
  // Visiting the largest candidate first and then its children keeps parents before children and sizes in order.
  while (candidates.length > 0 && kept < options.maxNodes) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) {
      const a = candidates[i];
      const b = candidates[best];
      if (a.bytes > b.bytes || (a.bytes === b.bytes && a.node.path < b.node.path)) best = i;
    }
    const c = candidates[best];
    candidates[best] = candidates[candidates.length - 1];
    candidates.pop();
    const node: SizeNode = { path: c.node.path, bytes: c.bytes, files: c.files, dir: c.node.kind === "dir", children: [] };
    c.parent.children.push(node);
    made.set(c.node, node);
    kept++;
    if (c.node.children) consider(c.node, node, c.depth + 1);
  }
  for (const n of made.values()) n.children.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return top;
}

/** Visible bytes at and below every directory of the final filesystem, by path ("/" included). */
export function directorySizes(index: PathIndex): Map<string, number> {
  const out = new Map<string, number>();
  for (const [dir, t] of directoryTotals(index).totals) out.set(dir.path, t.bytes);
  return out;
}

/**
 * Visible bytes and files of every directory, in one pass from the deepest directories up, and for bytes with
 * several names the one name they count under.
 */
function directoryTotals(index: PathIndex): { totals: Map<FsNode, Totals>; owners: Map<Blob, FsNode> } {
  const totals = new Map<FsNode, Totals>();
  const owners = new Map<Blob, FsNode>();
  const dirs = [index.root, ...index.directories()];
  // directories() lists a directory before those below it: backwards, every child directory is done first.
  for (let i = dirs.length - 1; i >= 0; i--) {
    const dir = dirs[i];
    const t: Totals = { bytes: 0, files: 0 };
    for (const child of dir.children!.values()) {
      if (child.children) {
        const below = totals.get(child)!;
        t.bytes += below.bytes;
        t.files += below.files;
      } else {
        const blob = child.blob;
        if (blob && blob.names > 1 && !owners.has(blob)) owners.set(blob, child);
        t.bytes += ownBytes(child, owners);
        t.files++;
      }
    }
    totals.set(dir, t);
  }
  return { totals, owners };
}

/** The bytes a name brings: its blob's, when it is the name they count under. */
function ownBytes(n: FsNode, owners: Map<Blob, FsNode>): number {
  const blob = n.blob;
  if (!blob) return 0;
  return blob.names > 1 && owners.get(blob) !== n ? 0 : blob.size;
}
