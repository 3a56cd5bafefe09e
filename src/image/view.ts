import type { CaptureRule } from "./layer-reader.js";
import type { FsNode, PathIndex } from "./path-index.js";
import type { SourceLayer } from "./sources/types.js";

/**
 * The final filesystem plus the few small files whose contents inspection reads (package
 * databases, dist-info records, pyvenv.cfg, passwd, os-release). Only those are kept while streaming.
 */
export interface ImageView {
  index: PathIndex;
  /** Contents of a visible file, when it is one of the captured kinds. */
  read(node: FsNode): Buffer | undefined;
}

const MB = 1024 * 1024;

/**
 * Where rpm keeps its database: SQLite (rpm 4.16+: RHEL 9, Fedora), rpm's own ndb (SUSE Linux Enterprise 15,
 * openSUSE), then the Berkeley DB of older releases.
 */
export const RPM_DATABASES = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/Packages.db", "/var/lib/rpm/Packages.db", "/var/lib/rpm/Packages"];
const RPM_DATABASE_PATHS = new Set(RPM_DATABASES);

const DIST_META = /\.(?:dist-info\/(?:RECORD|METADATA|top_level\.txt)|egg-info\/(?:PKG-INFO|top_level\.txt|installed-files\.txt))$/;

export const captureRule: CaptureRule = (path, size) => {
  // The plain search first: the regex would scan every path of the image.
  if (path.includes("-info/") && DIST_META.test(path)) return size <= 8 * MB;
  if (path.endsWith("/pyvenv.cfg")) return size <= MB;
  if (RPM_DATABASE_PATHS.has(path)) return size <= 128 * MB;
  switch (path) {
    case "/var/lib/dpkg/status":
    case "/lib/apk/db/installed":
      return size <= 128 * MB;
    case "/etc/passwd":
    case "/etc/os-release":
    case "/usr/lib/os-release":
      return size <= MB;
  }
  return path.startsWith("/var/lib/dpkg/status.d/") && size <= MB;
};

export function imageView(index: PathIndex, layers: SourceLayer[]): ImageView {
  return {
    index,
    read(node) {
      if (!node.blob) return undefined;
      return layers[node.blob.layer]?.record.captured.get(node.path);
    },
  };
}

/** Reads a visible file by path, following symlinks (os-release is usually one). */
export function readPath(view: ImageView, path: string): Buffer | undefined {
  const node = view.index.resolve(path);
  return node ? view.read(node) : undefined;
}
