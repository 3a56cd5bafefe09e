import { posix } from "node:path";
import { normalizeDistName } from "../project/context.js";
import type { Blob, FsNode } from "./path-index.js";
import type { ImageView } from "./view.js";

/** What Python the image carries: interpreters, virtual environments, and every installed distribution. */

export interface Interpreter {
  path: string;
  version: string;
  /** Symlinks (outside venvs) that lead to it: /usr/bin/python3 -> python3.11. */
  links: string[];
  bytes: number;
}

export interface Venv {
  path: string;
  /** From pyvenv.cfg: version or version_info. */
  version?: string;
  /** The base interpreter's directory (pyvenv.cfg `home`). */
  home?: string;
  systemSitePackages: boolean;
  bytes: number;
}

export interface Distribution {
  name: string;
  version?: string;
  /** The site-packages (or dist-packages) directory holding it. */
  location: string;
  bytes: number;
  files: number;
  /** How the files were found: the RECORD, installed-files.txt, or the top-level names. */
  basis: "RECORD" | "installed-files" | "top-level";
}

export interface SiteDir {
  path: string;
  bytes: number;
  distributions: number;
  venv?: string;
}

export interface PythonInfo {
  interpreters: Interpreter[];
  venvs: Venv[];
  sitePackages: SiteDir[];
  /** Largest first. */
  distributions: Distribution[];
}

const INTERPRETER = /\/bin\/python(\d)\.(\d+)$/;
const PYTHON_NAME = /\/bin\/python[\d.]*$/;
const SITE_DIR = /\/(?:site|dist)-packages$/;

export function analyzePython(view: ImageView): PythonInfo {
  const { index } = view;
  const interpreterFiles: FsNode[] = [];
  const pythonLinks: FsNode[] = [];
  const venvCfgs: FsNode[] = [];
  const siteDirs: FsNode[] = [];
  // Everything looked for is a directory or a name in one: a few tests per directory cost far less
  // than a string test per file.
  const visit = (dir: FsNode) => {
    const path = dir.path;
    if (path.endsWith("-packages") && SITE_DIR.test(path)) siteDirs.push(dir);
    const cfg = index.child(dir, "pyvenv.cfg");
    if (cfg?.kind === "file") venvCfgs.push(cfg);
    if (!path.endsWith("/bin")) return;
    for (const node of dir.children!.values()) {
      if (!node.path.startsWith("python", path.length + 1)) continue;
      if (node.kind === "file" && INTERPRETER.test(node.path) && node.blob && node.blob.size > 0) interpreterFiles.push(node);
      else if (node.kind === "symlink" && PYTHON_NAME.test(node.path)) pythonLinks.push(node);
    }
  };
  visit(index.root);
  for (const dir of index.directories()) visit(dir);

  const venvs = venvCfgs.map((cfg) => readVenv(view, cfg)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const inVenv = (path: string) => venvs.find((v) => path.startsWith(`${v.path}/`))?.path;

  const interpreters: Interpreter[] = interpreterFiles
    .filter((n) => !inVenv(n.path))
    .map((n) => {
      const m = INTERPRETER.exec(n.path)!;
      return { path: n.path, version: `${m[1]}.${m[2]}`, links: [], bytes: n.blob!.size };
    });
  for (const link of pythonLinks) {
    if (inVenv(link.path)) continue;
    const target = index.resolve(link.path);
    const interp = interpreters.find((i) => target && index.get(i.path) === target);
    interp?.links.push(link.path);
  }
  interpreters.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const i of interpreters) i.links.sort();

  const distributions: Distribution[] = [];
  const sitePackages: SiteDir[] = [];
  for (const site of siteDirs) {
    let count = 0;
    for (const child of site.children!.values()) {
      if (child.kind !== "dir" || !/\.(dist|egg)-info$/.test(child.path)) continue;
      distributions.push(readDistribution(view, site, child));
      count++;
    }
    sitePackages.push({ path: site.path, bytes: index.bytesUnder(site), distributions: count, venv: inVenv(site.path) });
  }
  distributions.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  sitePackages.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { interpreters, venvs, sitePackages, distributions };
}

function readVenv(view: ImageView, cfg: FsNode): Venv {
  const dir = posix.dirname(cfg.path);
  const text = view.read(cfg)?.toString("utf8") ?? "";
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) values[m[1].toLowerCase()] = m[2];
  }
  const venvDir = view.index.get(dir);
  return {
    path: dir,
    version: values.version ?? values.version_info,
    home: values.home,
    systemSitePackages: values["include-system-site-packages"]?.toLowerCase() === "true",
    bytes: venvDir ? view.index.bytesUnder(venvDir) : 0,
  };
}

function readDistribution(view: ImageView, site: FsNode, info: FsNode): Distribution {
  const { index } = view;
  const file = (name: string) => {
    const n = index.child(info, name);
    return n ? view.read(n)?.toString("utf8") : undefined;
  };
  const isDist = info.path.endsWith(".dist-info");
  const meta = headers(file(isDist ? "METADATA" : "PKG-INFO") ?? "");
  const base = posix.basename(info.path).replace(/\.(dist|egg)-info$/, "");
  const dash = base.indexOf("-");
  const name = meta.name ?? (dash > 0 ? base.slice(0, dash) : base);
  const version = meta.version ?? (dash > 0 ? base.slice(dash + 1).replace(/-py\d.*$/, "") : undefined);

  // RECORD lists the dist-info files too: count each file and each stored blob once.
  const seen = new Set<FsNode>();
  const blobs = new Set<Blob>();
  const count = (node: FsNode | undefined) => {
    if (!node) return;
    for (const n of node.children ? index.walk(node) : [node]) {
      if (n.kind === "dir" || seen.has(n)) continue;
      seen.add(n);
      if (n.blob) blobs.add(n.blob);
    }
  };
  const record = isDist ? file("RECORD") : undefined;
  const installed = isDist ? undefined : file("installed-files.txt");
  let basis: Distribution["basis"];
  if (record || installed) {
    basis = record ? "RECORD" : "installed-files";
    const from = record ? site.path : info.path;
    for (const line of (record ?? installed)!.split(/\r?\n/)) {
      const rel = record ? firstCsvField(line) : line.trim();
      if (rel) count(index.get(posix.normalize(posix.join(from, rel))));
    }
    count(info);
  } else {
    basis = "top-level";
    const tops = (file("top_level.txt") ?? "").split(/\s+/).filter(Boolean);
    const names = tops.length ? tops : [normalizeDistName(name).replace(/-/g, "_")];
    for (const top of names) {
      count(index.child(site, top));
      for (const child of site.children!.values()) {
        const b = posix.basename(child.path);
        if (child.kind !== "dir" && (b === `${top}.py` || b.startsWith(`${top}.cpython-`) || b.startsWith(`${top}.abi3`))) count(child);
      }
    }
    count(info);
  }
  let bytes = 0;
  for (const b of blobs) bytes += b.size;
  return { name, version, location: site.path, bytes, files: seen.size, basis };
}

/** RFC 822-style headers of METADATA / PKG-INFO, up to the first blank line. */
function headers(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    const m = /^(Name|Version):\s*(.*?)\s*$/i.exec(line);
    if (m) out[m[1].toLowerCase() as "name" | "version"] ??= m[2];
  }
  return out;
}

/** RECORD is CSV: the path is the first field, quoted when it holds a comma or quote. */
function firstCsvField(line: string): string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(",");
    return comma < 0 ? line : line.slice(0, comma);
  }
  let out = "";
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') {
        out += '"';
        i++;
      } else break;
    } else out += line[i];
  }
  return out;
}
