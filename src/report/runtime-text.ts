import type { RuntimeReport } from "../build/runtime-bench.js";

const ms = (n: number) => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ms`;
const ratio = (n: number) => `${n.toFixed(2)}x`;

/** One row per image, times as medians and relative to the first image; what each column measures below it. */
export function runtimeToText(report: RuntimeReport): string {
  const header = ["image", "python", "build", "start-up", "workload", "vs first (start-up, workload)"];
  const rows = report.results.map((r) => [
    r.image,
    `${r.python.implementation === "cpython" ? "" : `${r.python.implementation} `}${r.python.version}`,
    [r.python.pgo ? "PGO" : "", r.python.lto ? "LTO" : ""].filter(Boolean).join("+") || "not stated",
    ms(r.startupMs),
    ms(r.totalWorkMs),
    r === report.results[0] ? "baseline" : `${ratio(r.relative.startup)}, ${ratio(r.relative.work)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const details = report.results.map((r) => `  ${r.image}: ${Object.entries(r.workMs).map(([w, t]) => `${w} ${ms(t)}`).join(", ")}${r.python.compiler ? ` (${r.python.compiler})` : ""}`);
  return [
    line(header),
    ...rows.map(line),
    "",
    `Medians of ${report.runs} runs inside each image. start-up: \`python -c pass\`; workload: function calls, dict and string`,
    "work, JSON, regular expressions and float arithmetic in pure Python. build: the optimisations the interpreter's",
    "configure flags ask for (profile-guided, link-time); \"not stated\" when they name none, as distribution builds do.",
    ...details,
    "",
  ].join("\n");
}
