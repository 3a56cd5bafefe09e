import { posix } from "node:path";
import { InputError } from "../errors.js";
import type { LayerEntry } from "./layer-reader.js";

/**
 * The image's filesystem as the layers build it up, applied in order with OCI semantics
 * (whiteouts and opaque directories act on lower layers, then the layer's own entries land).
 * Whenever bytes stored in a layer stop being visible, that is recorded as hidden bytes: this is
 * where "deleted in a later layer", "overwritten" and "rewritten only to change owner or mode" come from.
 */

/** Stored content. Hardlinked names share one blob, so bytes stay visible while any name does. */
export interface Blob {
  size: number;
  hash?: number;
  /** Layer that stores the bytes. */
  layer: number;
  names: number;
}

/**
 * A path of the filesystem. A regular file's node is also the Blob of the bytes it stores (its hard
 * links point to it): a file costs one object, not two. Other nodes keep size 0 and no names.
 */
export interface FsNode extends Blob {
  path: string;
  /** The directory holding it ("" below the root): the layer entries' string, shared by siblings. */
  dir: string;
  kind: "file" | "dir" | "symlink" | "other";
  /** Layer that last wrote this path (for a file, the layer that stores its bytes). */
  layer: number;
  link?: string;
  blob?: Blob;
  hardlink?: boolean;
  /** A directory's entries, keyed by their paths (the layer entries' strings: no name sliced per file). */
  children?: Map<string, FsNode>;
}

export type HiddenKind = "deleted" | "overwritten" | "rewritten";

export interface HiddenBytes {
  kind: HiddenKind;
  /** The file whose bytes are hidden. */
  path: string;
  bytes: number;
  /** Layer storing the wasted bytes. For "rewritten", the layer that stored the same content again. */
  layer: number;
  /** Layer whose change hid them (the deleting, overwriting or rewriting layer). */
  by: number;
  /** For deletions: the path the whiteout or opaque marker named. */
  root?: string;
}

export interface LayerChanges {
  /** Non-directory paths new to the image. */
  added: number;
  /** Non-directory paths that replace something. */
  modified: number;
  /** Non-directory paths deleted (whiteouts count every file below a deleted directory). */
  removed: number;
  hardlinks: number;
  symlinks: number;
  /** Content bytes the layer stores. */
  bytes: number;
}

const MAX_HOPS = 40;

/** All fields set at creation, so every node has one shape (hundreds of thousands of them). */
function newNode(path: string, dir: string, kind: FsNode["kind"], layer: number): FsNode {
  return { path, dir, kind, layer, size: 0, hash: undefined, names: 0, link: undefined, blob: undefined, hardlink: false, children: kind === "dir" ? new Map() : undefined };
}

export class PathIndex {
  readonly root: FsNode = newNode("/", "", "dir", 0);
  readonly hidden: HiddenBytes[] = [];
  readonly changes: LayerChanges[] = [];
  /** Every symlink node ever added, visible or not: symlink checks need not walk the whole tree. */
  private readonly links: FsNode[] = [];
  // Tar entries come grouped by directory: remember the last parent looked up.
  private lastDirPath = "";
  private lastDir: FsNode | undefined;
  private everything: FsNode[] | undefined;
  private everyDir: FsNode[] | undefined;

  /** Applies one layer's entries on top of what is there. */
  apply(layer: number, entries: LayerEntry[]): LayerChanges {
    const changes: LayerChanges = { added: 0, modified: 0, removed: 0, hardlinks: 0, symlinks: 0, bytes: 0 };
    this.lastDir = undefined;
    this.everything = undefined;
    this.everyDir = undefined;
    for (const e of entries) {
      if (e.kind === "whiteout") {
        const node = this.get(e.path);
        if (node && node !== this.root) {
          changes.removed += this.detach(node, "deleted", layer, e.path);
        }
      } else if (e.kind === "opaque") {
        const dir = this.get(e.path);
        if (dir?.children) {
          for (const child of dir.children.values()) changes.removed += this.release(child, "deleted", layer, e.path);
          dir.children.clear();
        }
      }
    }
    for (const e of entries) {
      if (e.kind === "whiteout" || e.kind === "opaque" || e.kind === "marker") continue;
      this.add(layer, e, changes);
    }
    this.changes[layer] = changes;
    return changes;
  }

  get(path: string): FsNode | undefined {
    if (path === "/") return this.root;
    let node: FsNode | undefined = this.root;
    let start = 1;
    while (node) {
      const slash = path.indexOf("/", start);
      node = node.children?.get(slash < 0 ? path : path.slice(0, slash));
      if (slash < 0) return node;
      start = slash + 1;
    }
    return undefined;
  }

  /** The entry `name` of a directory. */
  child(dir: FsNode, name: string): FsNode | undefined {
    return dir.children?.get(dir === this.root ? `/${name}` : `${dir.path}/${name}`);
  }

  /** Follows symlinks (in every component) to the node a path names; a loop is an input error. */
  resolve(path: string): FsNode | undefined {
    return this.follow(path, 0);
  }

  /** resolve(link.path) for a visible symlink, without walking down to it first. */
  resolveLink(link: FsNode): FsNode | undefined {
    return this.hop(link, "", 0);
  }

  private follow(path: string, hops: number): FsNode | undefined {
    const parts = path.split("/").filter(Boolean);
    const clean = `/${parts.join("/")}`;
    let node: FsNode = this.root;
    for (let i = 0, end = 0; i < parts.length; i++) {
      end += parts[i].length + 1;
      const child = node.children?.get(end === clean.length ? clean : clean.slice(0, end));
      if (!child) return undefined;
      if (child.kind === "symlink" && child.link !== undefined) return this.hop(child, parts.slice(i + 1).join("/"), hops);
      node = child;
    }
    return node;
  }

  /** Follows a symlink node reached by a walk, then the `rest` of the walk's path from where it leads. */
  private hop(link: FsNode, rest: string, hops: number): FsNode | undefined {
    if (hops >= MAX_HOPS) throw new InputError(`symlink loop at ${link.path} (more than ${MAX_HOPS} links followed)`);
    const target = link.link!.startsWith("/") ? link.link! : posix.join(posix.dirname(link.path), link.link!);
    return this.follow(posix.normalize(rest ? `${target}/${rest}` : target), hops + 1);
  }

  /** Every visible node below a directory (the root by default), depth first. */
  walk(from: FsNode = this.root): FsNode[] {
    if (from === this.root && this.everything) return this.everything;
    const out: FsNode[] = [];
    const dirs: FsNode[] = [];
    const stack: FsNode[] = [from];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.children) {
        for (const c of node.children.values()) stack.push(c);
        if (node !== from) dirs.push(node);
      }
      if (node !== from) out.push(node);
    }
    // Analyses walk the final tree several times; it only changes when a layer is applied.
    if (from === this.root) {
      this.everything = out;
      this.everyDir = dirs;
    }
    return out;
  }

  /** The visible directories (the root aside), in walk() order: a pass over them need not read every file's node. */
  directories(): FsNode[] {
    if (!this.everyDir) this.walk();
    return this.everyDir!;
  }

  /** The symlinks the final filesystem holds. */
  symlinks(): FsNode[] {
    return this.links.filter((n) => this.get(n.path) === n);
  }

  /** Visible bytes below (and including) a node, each blob counted once. */
  bytesUnder(node: FsNode): number {
    const shared = new Set<Blob>();
    let total = 0;
    // A stack of directories rather than walk(): no array of every node below a large directory.
    const dirs: FsNode[] = [];
    let n: FsNode | undefined = node;
    for (; n; n = dirs.pop()) {
      if (n.children) {
        for (const c of n.children.values()) {
          if (c.children) dirs.push(c);
          else total += this.ownBytes(c, shared);
        }
      } else total += this.ownBytes(n, shared);
    }
    return total;
  }

  private ownBytes(n: FsNode, shared: Set<Blob>): number {
    const blob = n.blob;
    if (!blob) return 0;
    if (blob.names > 1) {
      if (shared.has(blob)) return 0;
      shared.add(blob);
    }
    return blob.size;
  }

  private add(layer: number, e: LayerEntry, changes: LayerChanges): void {
    let parent = this.lastDir && e.dir === this.lastDirPath ? this.lastDir : undefined;
    if (!parent) {
      this.lastDirPath = e.dir;
      parent = this.ensureDir(e.dir || "/", layer);
      this.lastDir = parent;
    }
    const children = parent.children!;
    const existing = children.get(e.path);
    if (e.kind === "dir") {
      if (existing?.kind === "dir") {
        existing.layer = layer;
        return;
      }
      if (existing) {
        changes.modified++;
        this.release(existing, "overwritten", layer);
      }
      children.set(e.path, newNode(e.path, e.dir, "dir", layer));
      return;
    }
    const node = newNode(e.path, e.dir, e.kind === "symlink" ? "symlink" : e.kind === "other" ? "other" : "file", layer);
    if (e.kind === "symlink") {
      node.link = e.link;
      changes.symlinks++;
      this.links.push(node);
    } else if (e.kind === "hardlink") {
      changes.hardlinks++;
      node.hardlink = true;
      const target = e.link === e.path ? existing : this.get(e.link!);
      if (target?.blob) {
        node.blob = target.blob;
        target.blob.names++;
      }
    } else if (e.kind === "file") {
      node.size = e.size;
      node.hash = e.hash;
      node.names = 1;
      node.blob = node;
      changes.bytes += e.size;
    }
    if (existing) {
      changes.modified++;
      const old = existing.blob;
      if (old && node.blob && !node.hardlink && old.hash !== undefined && old.hash === node.blob.hash && old.size === node.blob.size && old.names === 1) {
        // Same bytes stored again: only owner, mode or timestamps changed.
        old.names = 0;
        this.hidden.push({ kind: "rewritten", path: e.path, bytes: e.size, layer, by: layer });
      } else if (node.blob !== old) {
        this.release(existing, "overwritten", layer);
      }
    } else changes.added++;
    children.set(e.path, node);
  }

  private ensureDir(path: string, layer: number): FsNode {
    if (path === "/") return this.root;
    let node = this.root;
    let start = 1;
    for (;;) {
      const slash = path.indexOf("/", start);
      const childPath = slash < 0 ? path : path.slice(0, slash);
      let child = node.children!.get(childPath);
      if (!child || child.kind !== "dir") {
        // A layer writing below a path that is not a directory replaces it (tar extraction does the same).
        if (child) this.release(child, "overwritten", layer);
        child = newNode(childPath, node === this.root ? "" : node.path, "dir", layer);
        node.children!.set(childPath, child);
      }
      node = child;
      if (slash < 0) return node;
      start = slash + 1;
    }
  }

  /** Removes a node from its parent and records what it hid; returns how many files went. */
  private detach(node: FsNode, kind: HiddenKind, by: number, root?: string): number {
    this.get(node.dir || "/")?.children?.delete(node.path);
    return this.release(node, kind, by, root);
  }

  /** Drops a subtree's names; bytes whose last name goes are hidden. */
  private release(node: FsNode, kind: HiddenKind, by: number, root?: string): number {
    // The remembered parent may be (or be below) what goes.
    this.lastDir = undefined;
    let files = 0;
    for (const n of node.children ? [node, ...this.walk(node)] : [node]) {
      if (n.kind === "dir") continue;
      files++;
      const blob = n.blob;
      if (!blob || blob.names === 0) continue;
      blob.names--;
      if (blob.names === 0 && blob.size > 0) this.hidden.push({ kind, path: n.path, bytes: blob.size, layer: blob.layer, by, ...(root ? { root } : {}) });
    }
    return files;
  }
}
