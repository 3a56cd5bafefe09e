import { InputError } from "../errors.js";
import type { ImageReport } from "./analyze.js";
import type { ImageDiff } from "./diff.js";

/**
 * The CI gate of `whittle inspect --ci`. dive's keys keep dive's meaning (so a `.dive-ci` carries
 * over), computed on dive's numbers; whittle's own keys judge whittle's waste, size, user and
 * compilers. A metric that cannot be computed fails its check rather than passing it.
 */

export interface GateConfig {
  /** dive: fail when efficiency is below (0..1). */
  lowestEfficiency?: number;
  /** dive: fail when dive's wasted bytes exceed. */
  highestWastedBytes?: number;
  /** dive: fail when wasted bytes / bytes of the layers after the first exceed (0..1). */
  highestUserWastedPercent?: number;
  maxImageSize?: number;
  maxWaste?: number;
  /** whittle's waste / total bytes (0..1). */
  maxWastePercent?: number;
  noRoot?: boolean;
  noCompilers?: boolean;
  /** Growth over the baseline image (`--baseline`), in bytes; judged only when there is a baseline. */
  maxGrowth?: number;
  /** Growth over the baseline image / the baseline's size (0..1); judged only when there is a baseline. */
  maxGrowthPercent?: number;
}

export type GateKey = keyof GateConfig;

/** dive's defaults for its keys, and whittle's waste share. */
export const DEFAULT_GATE: GateConfig = { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1, maxWastePercent: 0.1 };

const KINDS: Record<GateKey, "ratio" | "bytes" | "flag"> = {
  lowestEfficiency: "ratio",
  highestWastedBytes: "bytes",
  highestUserWastedPercent: "ratio",
  maxImageSize: "bytes",
  maxWaste: "bytes",
  maxWastePercent: "ratio",
  noRoot: "flag",
  noCompilers: "flag",
  maxGrowth: "bytes",
  maxGrowthPercent: "ratio",
};

const UNITS: Record<string, number> = {
  "": 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** "20MB" (SI, as dive reads it), "20MiB", "1.5 GB", 20000000. */
export function parseBytes(value: string | number, where: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(value));
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InputError(`${where}: "${value}" is not a size (use bytes, or a unit such as 20MB or 20MiB)`);
  return Math.round(Number(m[1]) * unit);
}

function parseRatio(value: string | number, where: string): number {
  const text = String(value).trim();
  const n = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InputError(`${where}: "${value}" must be a ratio between 0 and 1`);
  return n;
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const DISABLED = new Set(["", "off", "disabled", "false", "none"]);

/**
 * Reads gate settings (camelCase like dive, or kebab-case) from a config table. A key set to
 * "off"/"disabled" comes back as null: it switches a default off.
 */
export function parseGateConfig(raw: unknown, where: string): Partial<Record<GateKey, number | boolean | null>> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new InputError(`${where}: expected a table of gate settings`);
  const out: Partial<Record<GateKey, number | boolean | null>> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = camel(k) as GateKey;
    const kind = KINDS[key];
    const at = `${where}: ${k}`;
    if (!kind) throw new InputError(`${at}: unknown setting (known: ${Object.keys(KINDS).join(", ")})`);
    if (typeof v === "string" && DISABLED.has(v.trim().toLowerCase()) && kind !== "flag") {
      out[key] = null;
      continue;
    }
    if (kind === "flag") {
      if (typeof v !== "boolean") throw new InputError(`${at}: expected true or false`);
      out[key] = v;
    } else if (typeof v !== "number" && typeof v !== "string") throw new InputError(`${at}: expected a number or a string`);
    else out[key] = kind === "bytes" ? parseBytes(v, at) : parseRatio(v, at);
  }
  return out;
}

/** Layers of settings, later ones winning; null removes a setting. */
export function mergeGate(...layers: Array<Partial<Record<GateKey, number | boolean | null>>>): GateConfig {
  const out: Record<string, number | boolean> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === null) delete out[k];
      else if (v !== undefined) out[k] = v;
    }
  }
  return out as GateConfig;
}

export interface GateCheck {
  key: GateKey;
  threshold: number | boolean;
  actual: number | boolean | null;
  passed: boolean;
  message: string;
}

export interface GateResult {
  passed: boolean;
  checks: GateCheck[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const bytes = (x: number) => `${x} bytes`;

export function evaluateGate(report: ImageReport, gate: GateConfig, diff?: ImageDiff): GateResult {
  const checks: GateCheck[] = [];
  const { dive, waste } = report;
  const limit = (key: GateKey, actual: number | null, threshold: number, fails: (a: number) => boolean, show: (x: number) => string, what: string) => {
    const ok = actual !== null && Number.isFinite(actual) && !fails(actual);
    const message =
      actual === null || !Number.isFinite(actual)
        ? `${what} cannot be computed for this image: failing closed`
        : `${what} ${show(actual)} ${ok ? "within" : "exceeds"} the limit ${show(threshold)}`;
    checks.push({ key, threshold, actual, passed: ok, message });
  };
  if (gate.lowestEfficiency !== undefined) {
    const t = gate.lowestEfficiency;
    const ok = Number.isFinite(dive.efficiency) && dive.efficiency >= t;
    checks.push({ key: "lowestEfficiency", threshold: t, actual: dive.efficiency, passed: ok, message: `dive efficiency ${pct(dive.efficiency)} ${ok ? "at or above" : "below"} ${pct(t)}` });
  }
  if (gate.highestWastedBytes !== undefined) limit("highestWastedBytes", dive.wastedBytes, gate.highestWastedBytes, (a) => a > gate.highestWastedBytes!, bytes, "dive wasted bytes");
  if (gate.highestUserWastedPercent !== undefined) {
    // dive's ratio has no denominator for a single layer; judge the whole image then.
    const ratio = dive.userWastedPercent ?? (dive.sizeBytes > 0 ? dive.wastedBytes / dive.sizeBytes : null);
    limit("highestUserWastedPercent", ratio, gate.highestUserWastedPercent, (a) => a > gate.highestUserWastedPercent!, pct, dive.userWastedPercent === null ? "dive wasted share (whole image: no layer after the first holds bytes)" : "dive wasted share of user layers");
  }
  if (gate.maxImageSize !== undefined) limit("maxImageSize", report.totalBytes, gate.maxImageSize, (a) => a > gate.maxImageSize!, bytes, "image size");
  if (gate.maxWaste !== undefined) limit("maxWaste", waste.bytes, gate.maxWaste, (a) => a > gate.maxWaste!, bytes, "waste");
  if (gate.maxWastePercent !== undefined) {
    limit("maxWastePercent", report.totalBytes > 0 ? waste.bytes / report.totalBytes : 0, gate.maxWastePercent, (a) => a > gate.maxWastePercent!, pct, "wasted share");
  }
  if (gate.noRoot) {
    checks.push({ key: "noRoot", threshold: true, actual: report.user.root, passed: !report.user.root, message: report.user.root ? `runs as root (User "${report.user.configured}")` : `runs as ${report.user.configured}` });
  }
  if (gate.noCompilers) {
    const found = report.compilers.map((c) => c.path);
    checks.push({ key: "noCompilers", threshold: true, actual: found.length > 0, passed: found.length === 0, message: found.length ? `compilers present: ${found.join(", ")}` : "no compilers" });
  }
  if (diff) {
    const growth = diff.delta.totalBytes;
    const base = `growth over ${diff.baseline.name}`;
    if (gate.maxGrowth !== undefined) limit("maxGrowth", growth, gate.maxGrowth, (a) => a > gate.maxGrowth!, bytes, base);
    if (gate.maxGrowthPercent !== undefined) {
      limit("maxGrowthPercent", diff.baseline.totalBytes > 0 ? growth / diff.baseline.totalBytes : null, gate.maxGrowthPercent, (a) => a > gate.maxGrowthPercent!, pct, `${base}, as a share of it,`);
    }
  }
  return { passed: checks.every((c) => c.passed), checks };
}
