import type { DockerfileModel, Instruction, Stage } from "../dockerfile/model.js";
import type { Finding } from "../rules/types.js";
import type { Analysis } from "./analyze.js";
import { parseCreatedBy, type Command } from "./history.js";
import type { HiddenKind } from "./path-index.js";
import type { AvoidableKind } from "./waste.js";

/**
 * Joins the Dockerfile view to the image view: instruction -> history entry -> layer, and for a lint
 * finding, the bytes the image really holds for it. A check's rule id names what to measure
 * (RULE_MEASURES); rules not listed still get their layer and its size.
 */

interface Measure {
  /** Directory globs ("**" any depth, "*" within a name): the bytes under them that the layer stores. */
  paths?: string[];
  /** Waste families of the layer: hidden bytes it stores or hid, avoidable bytes it stores. */
  kinds?: Array<HiddenKind | AvoidableKind>;
  /** For a finding on the final stage's FROM: the bytes of the base image's layers. */
  base?: true;
  basis: string;
}

const PY_CACHES = ["**/.cache/pip", "**/.cache/uv"];

export const RULE_MEASURES: Record<string, Measure> = {
  "package-cache": {
    paths: ["/var/lib/apt/lists", "/var/cache/apt", "/var/cache/apk", "/etc/apk/cache", "/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp"],
    basis: "package lists and caches this instruction's layer stores",
  },
  "pip-cache": { paths: PY_CACHES, basis: "pip/uv cache files this instruction's layer stores" },
  "uv-cache": { paths: ["**/.cache/uv"], basis: "uv cache files this instruction's layer stores" },
  "poetry-cache": { paths: ["**/.cache/pypoetry"], basis: "poetry cache files this instruction's layer stores" },
  "pipenv-cache": { paths: ["**/.cache/pipenv"], basis: "pipenv cache files this instruction's layer stores" },
  "conda-cache": { paths: ["**/pkgs"], basis: "conda package cache this instruction's layer stores" },
  "chown-after-copy": { kinds: ["rewritten"], basis: "files this instruction's layer stores again only to change owner or mode" },
  "cleanup-later-layer": { kinds: ["deleted"], basis: "bytes deleted by a later layer that stay stored in the one that created them" },
  "build-toolchain": { kinds: ["toolchain"], basis: "compilers, headers and static libraries this instruction's layer stores" },
  "bytecode-and-tests": { kinds: ["bytecode", "tests"], basis: "bytecode and test suites this instruction's layer stores" },
  "venv-pip-setuptools": {
    paths: [
      "**/site-packages/pip",
      "**/site-packages/pip-*.dist-info",
      "**/site-packages/setuptools",
      "**/site-packages/setuptools-*.dist-info",
      "**/site-packages/pkg_resources",
      "**/site-packages/_distutils_hack",
      "**/site-packages/wheel",
      "**/site-packages/wheel-*.dist-info",
    ],
    basis: "pip, setuptools and wheel files this instruction's layer stores",
  },
  "heavy-base": { base: true, basis: "bytes of the layers the base image brings, before the Dockerfile's first" },
  "context-bloat": {
    paths: ["**/.git", "**/__pycache__", "**/*.pyc", "**/.venv", "**/venv", "**/node_modules", "**/.tox", "**/.pytest_cache", "**/.mypy_cache", "**/.ruff_cache"],
    basis: "version-control, cache and environment files this COPY brought in",
  },
};

/** A directory glob as a regex matching that path or anything below it; group 1 is the matched directory. */
export function globRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith("**/", i)) {
      re += "(?:.*/)?";
      i += 2;
    } else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^(${re})(?:/.*)?$`);
}

// ---- instruction <-> history alignment ----

/** Instructions whose filesystem reaches the target, oldest first (the target and its FROM ancestors). */
function shippedInstructions(model: DockerfileModel): Instruction[] {
  const chain: Stage[] = [];
  for (let s = model.target; s; s = s.parent) chain.unshift(s);
  return chain.flatMap((s) => s.instructions.filter((i) => i.keyword !== "FROM"));
}

function normalize(text: string): string {
  return text.replace(/\\\r?\n/g, " ").replace(/\s+/g, " ").trim();
}

function tokens(text: string): Set<string> {
  return new Set(normalize(text).split(" ").filter(Boolean));
}

function similarity(a: string, b: string): number {
  const na = normalize(a);
  const nb = normalize(b);
  if (na === nb) return 1;
  const ta = tokens(na);
  const tb = tokens(nb);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / Math.max(1, ta.size + tb.size - common);
}

function instructionText(model: DockerfileModel, ins: Instruction): string {
  return ins.argsSpan ? model.source.text.slice(ins.argsSpan.start, ins.argsSpan.end) : "";
}

function matchScore(model: DockerfileModel, ins: Instruction, cmd: Command): number {
  if (!cmd.keyword || cmd.keyword !== ins.keyword) return -1;
  const text = instructionText(model, ins);
  if (ins.keyword === "COPY" || ins.keyword === "ADD") {
    // The legacy builder records "file:<hash> in /dest": only the destination survives.
    const dest = (s: string) => normalize(s).split(" ").pop() ?? "";
    const sameDest = dest(text) === dest(cmd.text) ? 0.5 : 0;
    return 1 + Math.max(sameDest, similarity(text, cmd.text));
  }
  return 1 + similarity(text, cmd.text);
}

/**
 * Aligns the shipped instructions with the history (an order-preserving best match, base image entries
 * left unmatched), preferring the latest history entries when two alignments score the same.
 * Returns instruction -> history index.
 */
export function alignHistory(model: DockerfileModel, history: Array<{ created_by?: string }>): Map<Instruction, number> {
  const ins = shippedInstructions(model);
  const cmds = history.map((h) => parseCreatedBy(h.created_by));
  const n = ins.length;
  const m = cmds.length;
  const score: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const pair = (i: number, j: number) => matchScore(model, ins[i], cmds[j]);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = pair(i - 1, j - 1);
      score[i][j] = Math.max(score[i - 1][j], score[i][j - 1], s > 0 ? score[i - 1][j - 1] + s : -Infinity);
    }
  }
  const out = new Map<Instruction, number>();
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const s = pair(i - 1, j - 1);
    if (s > 0 && score[i][j] === score[i - 1][j - 1] + s) {
      out.set(ins[i - 1], j - 1);
      i--;
      j--;
    } else if (score[i][j] === score[i][j - 1]) j--;
    else i--;
  }
  return out;
}

/** For each layer, the Dockerfile instruction that produced it (undefined for base-image layers). */
export function layerInstructions(analysis: Analysis, model: DockerfileModel, aligned = alignHistory(model, analysis.image.config.history ?? [])): Array<Instruction | undefined> {
  const byHistory = new Map<number, Instruction>();
  for (const [ins, h] of aligned) byHistory.set(h, ins);
  return analysis.origins.map((o) => (o.history !== undefined ? byHistory.get(o.history) : undefined));
}

// ---- findings -> measured bytes ----

export interface MeasuredPath {
  path: string;
  bytes: number;
}

/**
 * Where a finding's instruction lands in the image: a layer, the image config only (ENV, CMD...: no
 * layer), the base image (the final stage's FROM), nowhere found in the history, or a stage that does not ship.
 */
export type Placement = "layer" | "config" | "base" | "unmatched" | "not-shipped";

export interface FindingMeasure {
  finding: Finding;
  placement: Placement;
  /** The layer the finding's instruction produced, when it ships and the history says which. */
  layer?: number;
  layerBytes?: number;
  /** Whether the instruction is in a stage whose filesystem reaches the image. */
  ships: boolean;
  measured?: { bytes: number; files: number; paths: MeasuredPath[]; basis: string };
}

export function measureFindings(analysis: Analysis, model: DockerfileModel, findings: Finding[]): FindingMeasure[] {
  const { report } = analysis;
  const history = analysis.image.config.history ?? [];
  const aligned = alignHistory(model, history);
  const byLayer = layerInstructions(analysis, model, aligned);
  const layerOf = new Map<Instruction, number>();
  byLayer.forEach((ins, layer) => ins && layerOf.set(ins, layer));
  const shipped = new Set(shippedInstructions(model));
  let root = model.target;
  while (root?.parent) root = root.parent;
  // The base image's layers: those before the first layer an instruction of the Dockerfile made.
  const mapped = byLayer.findIndex((i) => i !== undefined);
  const baseLayers = report.layers.slice(0, mapped < 0 ? report.layers.length : mapped);
  return findings.map((finding) => {
    const ins = finding.instruction;
    const measure = RULE_MEASURES[finding.rule];
    if (ins !== undefined && ins === root?.from) {
      const out: FindingMeasure = { finding, placement: "base", ships: true };
      if (measure?.base) {
        out.measured = {
          bytes: baseLayers.reduce((sum, l) => sum + l.bytes, 0),
          files: baseLayers.reduce((sum, l) => sum + l.changes.added, 0),
          paths: [],
          basis: measure.basis,
        };
      }
      return out;
    }
    const ships = ins !== undefined && shipped.has(ins);
    const layer = ins ? layerOf.get(ins) : undefined;
    if (layer === undefined) {
      const h = ins ? aligned.get(ins) : undefined;
      const placement = !ships ? "not-shipped" : h !== undefined && history[h].empty_layer ? "config" : "unmatched";
      return { finding, placement, ships };
    }
    const out: FindingMeasure = { finding, placement: "layer", ships };
    out.layer = layer;
    out.layerBytes = report.layers[layer].bytes;
    if (measure && !measure.base) out.measured = measureLayer(analysis, layer, measure);
    return out;
  });
}

function measureLayer(analysis: Analysis, layer: number, measure: Measure): FindingMeasure["measured"] {
  const byPath = new Map<string, number>();
  let files = 0;
  const add = (path: string, bytes: number, count: number) => {
    byPath.set(path, (byPath.get(path) ?? 0) + bytes);
    files += count;
  };
  if (measure.kinds) {
    const kinds = new Set<string>(measure.kinds);
    for (const item of analysis.report.waste.items) {
      // Hidden bytes belong both to the layer storing them and to the layer that hid them.
      if (kinds.has(item.kind) && (item.layer === layer || item.by === layer)) add(item.path, item.bytes, item.files);
    }
  } else if (measure.paths) {
    const globs = measure.paths.map(globRegex);
    for (const e of analysis.image.layers[layer].record.entries) {
      if (e.kind !== "file" || e.size === 0) continue;
      for (const re of globs) {
        const m = re.exec(e.path);
        if (m) {
          add(m[1], e.size, 1);
          break;
        }
      }
    }
  }
  const paths = [...byPath].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return { bytes: paths.reduce((s, p) => s + p.bytes, 0), files, paths: paths.slice(0, 5), basis: measure.basis };
}
