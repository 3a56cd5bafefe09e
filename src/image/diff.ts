import { normalizeDistName } from "../project/context.js";
import type { Analysis } from "./analyze.js";
import { directorySizes } from "./size-tree.js";

/**
 * What changed between a baseline image and this one, in the terms a size review uses: bytes, the directories
 * that grew or shrank, Python distributions and OS packages added, removed or changed, root and compilers. The
 * question it answers is "where did the megabytes since the last release come from".
 */

export interface DirectoryChange {
  path: string;
  before: number;
  after: number;
  delta: number;
}

export interface ItemChange {
  name: string;
  /** The OS package manager, or the site-packages directory of a distribution. */
  where: string;
  before?: { version?: string; bytes: number };
  after?: { version?: string; bytes: number };
  delta: number;
}

export interface ImageDiff {
  baseline: { name: string; totalBytes: number; blobBytes: number; layers: number; wasteBytes: number };
  /** This image's numbers minus the baseline's. */
  delta: { totalBytes: number; blobBytes: number; layers: number; wasteBytes: number };
  /** The deepest directories whose size changed by at least the floor, largest change first. */
  directories: DirectoryChange[];
  /** Changes below the floor are not listed; it is the larger of 64 KiB and 0.5% of the larger image. */
  floorBytes: number;
  distributions: ItemChange[];
  packages: ItemChange[];
  root: { before: boolean; after: boolean };
  compilers: { added: string[]; removed: string[] };
}

const MAX_DIRECTORIES = 25;

export function diffImages(baseline: Analysis, image: Analysis): ImageDiff {
  const a = baseline.report;
  const b = image.report;
  const floorBytes = Math.max(64 * 1024, Math.round(0.005 * Math.max(a.totalBytes, b.totalBytes)));
  const before = new Set(a.compilers.map((c) => c.path));
  const after = new Set(b.compilers.map((c) => c.path));
  return {
    baseline: { name: a.source.name, totalBytes: a.totalBytes, blobBytes: a.blobBytes, layers: a.layers.length, wasteBytes: a.waste.bytes },
    delta: { totalBytes: b.totalBytes - a.totalBytes, blobBytes: b.blobBytes - a.blobBytes, layers: b.layers.length - a.layers.length, wasteBytes: b.waste.bytes - a.waste.bytes },
    directories: directoryChanges(directorySizes(baseline.index), directorySizes(image.index), floorBytes),
    floorBytes,
    distributions: itemChanges(
      a.python.distributions.map((d) => ({ key: normalizeDistName(d.name), name: d.name, where: d.location, version: d.version, bytes: d.bytes })),
      b.python.distributions.map((d) => ({ key: normalizeDistName(d.name), name: d.name, where: d.location, version: d.version, bytes: d.bytes })),
    ),
    packages: itemChanges(
      a.packages.flatMap((m) => m.packages.map((p) => ({ key: p.name, name: p.name, where: m.manager, version: p.version, bytes: p.bytes ?? 0 }))),
      b.packages.flatMap((m) => m.packages.map((p) => ({ key: p.name, name: p.name, where: m.manager, version: p.version, bytes: p.bytes ?? 0 }))),
    ),
    root: { before: a.user.root, after: b.user.root },
    compilers: { added: [...after].filter((c) => !before.has(c)).sort(), removed: [...before].filter((c) => !after.has(c)).sort() },
  };
}

/**
 * Directories whose size changed by at least `floor` and hold no such directory below them: the most specific
 * places of a change (a grown site-packages shows as the distributions' directories that grew, not as /usr too).
 */
function directoryChanges(before: Map<string, number>, after: Map<string, number>, floor: number): DirectoryChange[] {
  const changed: DirectoryChange[] = [];
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(path) ?? 0;
    const a = after.get(path) ?? 0;
    if (Math.abs(a - b) >= floor) changed.push({ path, before: b, after: a, delta: a - b });
  }
  const withChangedChild = new Set<string>();
  for (const c of changed) {
    for (let p = parentOf(c.path); p !== undefined; p = parentOf(p)) withChangedChild.add(p);
  }
  return changed
    .filter((c) => !withChangedChild.has(c.path))
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.path < y.path ? -1 : 1))
    .slice(0, MAX_DIRECTORIES);
}

function parentOf(path: string): string | undefined {
  if (path === "/") return undefined;
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

interface Item {
  key: string;
  name: string;
  where: string;
  version?: string;
  bytes: number;
}

/** Items matched by key and place: added, removed, or changed in version or size; largest change first. */
function itemChanges(before: Item[], after: Item[]): ItemChange[] {
  const id = (i: Item) => `${i.where}\0${i.key}`;
  const old = new Map(before.map((i) => [id(i), i]));
  const now = new Map(after.map((i) => [id(i), i]));
  const out: ItemChange[] = [];
  for (const [k, b] of old) {
    const a = now.get(k);
    if (!a) out.push({ name: b.name, where: b.where, before: { version: b.version, bytes: b.bytes }, delta: -b.bytes });
    else if (a.version !== b.version || a.bytes !== b.bytes) {
      out.push({ name: a.name, where: a.where, before: { version: b.version, bytes: b.bytes }, after: { version: a.version, bytes: a.bytes }, delta: a.bytes - b.bytes });
    }
  }
  for (const [k, a] of now) if (!old.has(k)) out.push({ name: a.name, where: a.where, after: { version: a.version, bytes: a.bytes }, delta: a.bytes });
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.name < y.name ? -1 : 1));
}
