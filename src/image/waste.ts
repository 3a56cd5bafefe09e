import type { Blob, FsNode, HiddenBytes, HiddenKind, PathIndex } from "./path-index.js";
import { repeatedKeys } from "./repeated.js";

/**
 * Waste, in four families that never count the same byte twice:
 *  - hidden: bytes stored in a layer that the final filesystem cannot see (deleted or overwritten by a
 *    later layer, whole directories and opaque directories included), and copies stored again only
 *    to change owner, mode or timestamps ("rewritten");
 *  - avoidable: visible bytes a runtime image does not need (caches, bytecode outside the
 *    interpreter's trees, test suites, toolchains and headers, docs, man pages and translations);
 *  - duplicate: visible identical content stored at several paths (hardlinks excluded), every copy
 *    after the first; files already counted as avoidable are not counted again.
 */

export type AvoidableKind =
  | "package-cache"
  | "pip-cache"
  | "uv-cache"
  | "poetry-cache"
  | "pipenv-cache"
  | "conda-cache"
  | "bytecode"
  | "tests"
  | "toolchain"
  | "docs";

export type WasteKind = HiddenKind | "duplicate" | AvoidableKind;

const HIDDEN_KINDS: readonly HiddenKind[] = ["deleted", "overwritten", "rewritten"];
export interface WasteItem {
  kind: WasteKind;
  /** The directory (or file) the bytes sit under. */
  path: string;
  bytes: number;
  files: number;
  /** Layer that stores the bytes. */
  layer: number;
  /** Hidden bytes: the layer whose change hid them. */
  by?: number;
  /** Duplicates: the copy that is kept. */
  sameAs?: string;
}

export interface WasteSummary {
  bytes: number;
  hiddenBytes: number;
  avoidableBytes: number;
  duplicateBytes: number;
  byKind: Partial<Record<WasteKind, number>>;
  /** Largest first. */
  items: WasteItem[];
}

interface Rule {
  kind: AvoidableKind;
  /** Cheap test first: most paths match no rule, and the regexes are the cost of a 200k-file image. */
  needle: (path: string) => boolean;
  /** Group 1 is the path the item is reported under. */
  re: RegExp;
}

const PY_LIB = /\/lib\/python\d(?:\.\d+)?\//;
const has = (s: string) => (path: string) => path.includes(s);

const RULES: Rule[] = [
  {
    kind: "package-cache",
    needle: (p) => p.startsWith("/var/") || p.startsWith("/etc/apk/"),
    re: /^(\/var\/lib\/apt\/lists|\/var\/cache\/apt|\/var\/cache\/apk|\/etc\/apk\/cache|\/var\/cache\/(?:yum|dnf|zypp|libdnf5))\//,
  },
  { kind: "pip-cache", needle: has("/.cache/pip/"), re: /^(.*?\/\.cache\/pip)\// },
  { kind: "uv-cache", needle: has("/.cache/uv/"), re: /^(.*?\/\.cache\/uv)\// },
  { kind: "poetry-cache", needle: has("/.cache/pypoetry/"), re: /^(.*?\/\.cache\/pypoetry)\// },
  { kind: "pipenv-cache", needle: has("/.cache/pipenv/"), re: /^(.*?\/\.cache\/pipenv)\// },
  { kind: "conda-cache", needle: has("/pkgs/"), re: /^(.*?\/(?:conda|miniconda3?|anaconda3?|miniforge3|mambaforge|\.conda)\/pkgs)\// },
  { kind: "tests", needle: has("/tests/"), re: /^(.*?\/(?:site|dist)-packages\/(?:[^/]+\/)*?tests)\// },
  { kind: "tests", needle: has("/test/"), re: /^(.*?\/lib\/python\d(?:\.\d+)?\/test)\// },
  {
    kind: "toolchain",
    needle: (p) => p.startsWith("/usr/") && (p.includes("include/") || p.includes("/gcc") || p.includes("/llvm-")),
    re: /^(\/usr\/(?:local\/)?include|\/usr\/lib\/gcc(?:-cross)?|\/usr\/libexec\/gcc|\/usr\/lib\/llvm-[^/]+)\//,
  },
  {
    kind: "toolchain",
    needle: has("bin/"),
    re: /^(\/(?:usr\/(?:local\/)?)?bin\/(?:[a-z0-9_]+-linux-gnu[a-z]*-)?(?:gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|gfortran|ld|ld\.bfd|ld\.gold|as)(?:-\d+(?:\.\d+)*)?)$/,
  },
  { kind: "docs", needle: has("/share/"), re: /^(\/usr\/(?:local\/)?share\/(?:doc|man|info|gtk-doc|help|locale))\// },
];

const STATIC_LIB = /^(\/usr\/(?:local\/)?lib\/(?:.*\/)?)[^/]+\.a$/;

/**
 * One scan that every avoidable path passes; the rest of the paths stop here. Every alternative but
 * the last two ends in "/" (or, for gcc and llvm- names directly in /usr/lib, decides nothing alone):
 * a file passes when its directory followed by "/" does, or when it ends in ".a" or ".pyc".
 */
const MAYBE = /\/\.cache\/|^\/var\/|^\/etc\/apk\/|\/pkgs\/|\/tests?\/|^\/usr\/(?:local\/)?include\/|^\/usr\/lib(?:exec)?\/(?:gcc|llvm-)|bin\/|\/share\/|\.a$|__pycache__\/|\.pyc$/;

/** The avoidable family a visible file belongs to, with the path to report it under. */
export function classifyAvoidable(path: string): { kind: AvoidableKind; anchor: string } | undefined {
  if (!MAYBE.test(path)) return undefined;
  for (const rule of RULES) {
    if (!rule.needle(path)) continue;
    const m = rule.re.exec(path);
    if (m) return { kind: rule.kind, anchor: m[1] };
  }
  if (path.endsWith(".a")) {
    const lib = STATIC_LIB.exec(path);
    if (lib) return { kind: "toolchain", anchor: `${lib[1]}*.a` };
  }
  const cache = path.indexOf("/__pycache__/");
  if ((cache >= 0 || path.endsWith(".pyc")) && !PY_LIB.test(path)) {
    return { kind: "bytecode", anchor: cache >= 0 ? path.slice(0, cache + "/__pycache__".length) : path };
  }
  return undefined;
}

/**
 * Groups per-file hidden records into items: same kind and layers under the same top-level directory,
 * reported under the files' deepest common directory (`chown -R /app` is one item, "/app").
 */
function groupHidden(hidden: HiddenBytes[]): WasteItem[] {
  const groups = new Map<string, WasteItem>();
  for (const h of hidden) {
    const slash = h.path.indexOf("/", 1);
    const top = slash < 0 ? "/" : h.path.slice(0, slash);
    const key = `${h.kind}\0${h.layer}\0${h.by}\0${top}`;
    const g = groups.get(key);
    if (g) {
      g.bytes += h.bytes;
      g.files++;
      g.path = commonDir(g.path, h.path);
    } else groups.set(key, { kind: h.kind, path: h.path, bytes: h.bytes, files: 1, layer: h.layer, by: h.by });
  }
  return [...groups.values()];
}

function commonDir(a: string, b: string): string {
  if (a === b) return a;
  const pa = a.split("/");
  const pb = b.split("/");
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return pa.slice(0, i).join("/") || "/";
}

export function analyzeWaste(index: PathIndex): WasteSummary {
  const items = groupHidden(index.hidden);
  const avoidable = new Map<string, WasteItem>();
  // Content candidates for duplicates, and their hashes' low 32 bits side by side.
  const walked = index.walk();
  const candidates: FsNode[] = [];
  const keys = new Int32Array(walked.length);
  const seen = new Set<Blob>();
  // Siblings come together: their directory is scanned once.
  let dir: string | undefined;
  let dirMaybe = false;
  const visit = (node: FsNode) => {
    const blob = node.blob!;
    if (blob.size === 0) return;
    if (blob.names > 1 || node.hardlink) {
      if (seen.has(blob)) return;
      seen.add(blob);
    }
    if (node.dir !== dir) {
      dir = node.dir;
      dirMaybe = MAYBE.test(`${dir}/`);
    }
    const path = node.path;
    const cls = dirMaybe || path.endsWith(".a") || path.endsWith(".pyc") ? classifyAvoidable(path) : undefined;
    if (cls) {
      const key = `${cls.kind}\0${cls.anchor}\0${blob.layer}`;
      const item = avoidable.get(key);
      if (item) {
        item.bytes += blob.size;
        item.files++;
      } else avoidable.set(key, { kind: cls.kind, path: cls.anchor, bytes: blob.size, files: 1, layer: blob.layer });
      return;
    }
    if (blob.hash === undefined) return;
    keys[candidates.length] = blob.hash | 0;
    candidates.push(node);
  };
  // A hardlinked blob is named by its original path while that is still visible.
  const links: FsNode[] = [];
  for (const node of walked) {
    if (!node.blob) continue;
    if (node.hardlink) links.push(node);
    else visit(node);
  }
  links.forEach(visit);
  items.push(...avoidable.values());
  for (const all of repeatedContent(candidates, keys)) {
    // The hash names the content; equal sizes confirm it.
    const group = all.filter((n) => n.blob!.size === all[0].blob!.size);
    if (group.length < 2) continue;
    group.sort((a, b) => a.blob!.layer - b.blob!.layer || (a.path < b.path ? -1 : 1));
    const [kept, ...copies] = group;
    // One item per content and storing layer, named by the first extra copy there.
    for (const layerCopies of groupBy(copies, (n) => n.blob!.layer)) {
      items.push({
        kind: "duplicate",
        path: layerCopies[0].path,
        bytes: layerCopies.reduce((s, n) => s + n.blob!.size, 0),
        files: layerCopies.length,
        layer: layerCopies[0].blob!.layer,
        sameAs: kept.path,
      });
    }
  }
  items.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.layer - b.layer));
  const byKind: Partial<Record<WasteKind, number>> = {};
  let hiddenBytes = 0;
  let avoidableBytes = 0;
  let duplicateBytes = 0;
  for (const item of items) {
    byKind[item.kind] = (byKind[item.kind] ?? 0) + item.bytes;
    if (item.kind === "duplicate") duplicateBytes += item.bytes;
    else if ((HIDDEN_KINDS as readonly string[]).includes(item.kind)) hiddenBytes += item.bytes;
    else avoidableBytes += item.bytes;
  }
  return { bytes: hiddenBytes + avoidableBytes + duplicateBytes, hiddenBytes, avoidableBytes, duplicateBytes, byKind, items };
}

/**
 * Nodes that share a hash, grouped (a group may hold one node). Most content is unique: the hashes'
 * low 32 bits find the few that may repeat, and only nodes holding those are grouped, by whole hash.
 */
function repeatedContent(nodes: FsNode[], keys: Int32Array): Iterable<FsNode[]> {
  const repeated = repeatedKeys(keys.subarray(0, nodes.length));
  const groups = new Map<number, FsNode[]>();
  if (repeated.size === 0) return groups.values();
  for (const node of nodes) {
    const hash = node.blob!.hash!;
    if (!repeated.has(hash | 0)) continue;
    const group = groups.get(hash);
    if (group) group.push(node);
    else groups.set(hash, [node]);
  }
  return groups.values();
}

function groupBy<T>(list: T[], key: (t: T) => number): T[][] {
  const m = new Map<number, T[]>();
  for (const t of list) {
    const k = key(t);
    const g = m.get(k);
    if (g) g.push(t);
    else m.set(k, [t]);
  }
  return [...m.values()];
}
