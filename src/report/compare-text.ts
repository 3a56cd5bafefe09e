import { basename } from "node:path";
import type { BuildMeasure, CompareReport } from "../build/compare.js";
import pc from "picocolors";
import { diffLines } from "./changes.js";
import { formatBytes, formatSeconds } from "./format.js";

type Row = [label: string, get: (m: BuildMeasure) => string, change?: (a: BuildMeasure, b: BuildMeasure) => string];

const ratio = (a?: number, b?: number): string =>
  a === undefined || b === undefined || a === 0 ? "" : `${b <= a ? "-" : "+"}${Math.abs(Math.round((1 - b / a) * 100))}%`;
const speedup = (a?: number, b?: number): string => (a === undefined || b === undefined || b === 0 ? "" : `${(a / b).toFixed(1)}x faster`);
const orDash = <T>(v: T | undefined | null, f: (x: T) => string): string => (v === undefined || v === null ? "-" : f(v));

const ROWS: Row[] = [
  ["image size", (m) => orDash(m.bytes, formatBytes), (a, b) => ratio(a.bytes, b.bytes)],
  ["layers", (m) => orDash(m.layers, String)],
  ["cold build", (m) => orDash(m.coldSeconds, formatSeconds), (a, b) => ratio(a.coldSeconds, b.coldSeconds)],
  ["warm rebuild", (m) => orDash(m.warmSeconds, formatSeconds), (a, b) => speedup(a.warmSeconds, b.warmSeconds)],
  ["OS packages", (m) => orDash(m.osPackages, String)],
  ["runs as root", (m) => orDash(m.runsAsRoot, (root) => (root ? "yes" : `no (${m.user})`))],
  ["compilers", (m) => orDash(m.compilers, (c) => (c.length ? c.join(", ") : "none"))],
  ["smoke test", (m) => orDash(m.smoke, (s) => (s.passed ? "pass" : "FAIL"))],
];

/** Side-by-side table of both builds, then any failure in full (the engine's error and the failing step). */
export function compareToText(report: CompareReport): string {
  const header = ["", `A: ${basename(report.a.dockerfile)}`, `B: ${basename(report.b.dockerfile)}`, "B vs A"];
  const rows = ROWS.map(([label, get, change]) => [label, get(report.a), get(report.b), change?.(report.a, report.b) ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push("", `warm rebuild: after a one-line edit to ${report.editedFile}; engine ${report.engine.server}, ${report.engine.buildkit ? "BuildKit" : "legacy builder"}`);
  for (const [side, m] of [["A", report.a], ["B", report.b]] as const) {
    if (m.failure) {
      out.push("", `${side} (${m.dockerfile}): the ${m.failure.phase} build failed${m.failure.step ? ` at ${m.failure.step}` : ""}`);
      out.push(`  ${m.failure.error}`);
      out.push(...m.failure.output.map((l) => `  | ${l}`));
    }
    if (m.smoke) {
      out.push(`${side} smoke: ${m.smoke.detail}`);
      if (!m.smoke.passed && m.smoke.output) out.push(...m.smoke.output.split("\n").map((l) => `  | ${l}`));
    }
  }
  if (report.changes) out.push("", ...diffLines(report.changes, NO_COLOR, 10));
  return out.join("\n") + "\n";
}

const NO_COLOR = pc.createColors(false);
