import { diveEfficiency, type DiveResult } from "./efficiency.js";
import { formatCommand, layerOrigins, type LayerOrigin } from "./history.js";
import type { Compression } from "./layer-reader.js";
import { osPackages, osRelease, type OsPackages, type OsRelease } from "./packages.js";
import { PathIndex, type LayerChanges } from "./path-index.js";
import { analyzePython, type PythonInfo } from "./python.js";
import { formatPlatform } from "./sources/oci.js";
import type { LoadedImage } from "./sources/types.js";
import { checkSymlinks, compilers, runUser, type Compiler, type UserInfo } from "./system.js";
import { imageView } from "./view.js";
import { analyzeWaste, type WasteSummary } from "./waste.js";

/** source -> layers -> path index -> analyses: everything a report shows, computed once here. */

export interface LayerReport {
  index: number;
  /** Blob digest as the source stores it. */
  digest?: string;
  /** Digest of the uncompressed tar (config rootfs.diff_ids). */
  diffId?: string;
  compression: Compression;
  /** Content bytes of the files the layer stores. */
  bytes: number;
  /** Uncompressed tar size. */
  tarBytes: number;
  /** Blob size as stored (compressed when compressed). */
  blobBytes: number;
  /** The instruction that made it, from the image history ("" when unknown). */
  command: string;
  keyword: string;
  history?: number;
  created?: string;
  changes: LayerChanges;
  /** Waste whose bytes this layer stores. */
  wasteBytes: number;
}

export interface ImageReport {
  source: { kind: string; name: string; platform?: string; manifestDigest?: string; configDigest?: string };
  os?: OsRelease;
  /** Sum of the layers' content bytes (what dive and `docker images` call the size, near enough). */
  totalBytes: number;
  /** Sum of the uncompressed layer tars. */
  tarBytes: number;
  /** Sum of the blobs as stored. */
  blobBytes: number;
  layers: LayerReport[];
  waste: WasteSummary;
  dive: DiveResult;
  python: PythonInfo;
  packages: OsPackages[];
  user: UserInfo;
  compilers: Compiler[];
  config: { entrypoint?: string[] | null; cmd?: string[] | null; workdir?: string; env: string[] };
  symlinks: number;
}

export interface Analysis {
  report: ImageReport;
  index: PathIndex;
  image: LoadedImage;
  origins: LayerOrigin[];
}

export function analyzeImage(image: LoadedImage): Analysis {
  // dive's pass first: its maps are garbage before the path index exists, which keeps the peak lower.
  const dive = diveEfficiency(image.layers.map((l) => l.record.entries));
  const index = new PathIndex();
  image.layers.forEach((layer, i) => index.apply(i, layer.record.entries));
  const view = imageView(index, image.layers);
  const symlinks = checkSymlinks(view);
  const waste = analyzeWaste(index);
  const origins = layerOrigins(image.config, image.layers.length);
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  const wasteByLayer = new Map<number, number>();
  for (const item of waste.items) wasteByLayer.set(item.layer, (wasteByLayer.get(item.layer) ?? 0) + item.bytes);
  const layers: LayerReport[] = image.layers.map((l, i) => ({
    index: i,
    digest: l.digest ?? diffIds[i],
    diffId: diffIds[i],
    compression: l.record.compression,
    bytes: index.changes[i].bytes,
    tarBytes: l.record.tarBytes,
    blobBytes: l.record.blobBytes,
    command: formatCommand(origins[i].command),
    keyword: origins[i].command.keyword,
    history: origins[i].history,
    created: origins[i].created,
    changes: index.changes[i],
    wasteBytes: wasteByLayer.get(i) ?? 0,
  }));
  const sum = (f: (l: LayerReport) => number) => layers.reduce((s, l) => s + f(l), 0);
  const cfg = image.config.config ?? {};
  const report: ImageReport = {
    source: {
      kind: image.kind,
      name: image.name,
      platform: image.platform ? formatPlatform(image.platform) : image.config.os && image.config.architecture ? formatPlatform({ os: image.config.os, architecture: image.config.architecture, variant: image.config.variant }) : undefined,
      manifestDigest: image.manifestDigest,
      configDigest: image.configDigest,
    },
    os: osRelease(view),
    totalBytes: sum((l) => l.bytes),
    tarBytes: sum((l) => l.tarBytes),
    blobBytes: sum((l) => l.blobBytes),
    layers,
    waste,
    dive,
    python: analyzePython(view),
    packages: osPackages(view),
    user: runUser(image.config, view),
    compilers: compilers(view),
    config: { entrypoint: cfg.Entrypoint, cmd: cfg.Cmd, workdir: cfg.WorkingDir, env: cfg.Env ?? [] },
    symlinks,
  };
  return { report, index, image, origins };
}
