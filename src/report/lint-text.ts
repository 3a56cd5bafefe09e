import pc from "picocolors";
import type { Finding, Severity } from "../rules/types.js";
import { formatBytes, formatSeconds } from "./format.js";
import type { LintFileReport } from "./lint-json.js";

type Colors = ReturnType<typeof pc.createColors>;

const SEVERITY_ORDER: Severity[] = ["error", "warning", "info"];

function impactText(f: Finding): string {
  const parts: string[] = [];
  if (f.impact?.bytes) parts.push(`~${formatBytes(f.impact.bytes)}`);
  if (f.impact?.seconds) parts.push(`~${formatSeconds(f.impact.seconds)}`);
  return parts.join(", ");
}

/** Grouped by file; each finding with its source line and a marker under the range. */
export function lintToText(files: LintFileReport[], color: boolean): string {
  const c: Colors = pc.createColors(color);
  const sev = (s: Severity) => (s === "error" ? c.red(s) : s === "warning" ? c.yellow(s) : c.blue(s));
  const out: string[] = [];
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let fixable = 0;
  for (const file of files) {
    if (file.error) {
      out.push(`${c.bold(file.path)}`, `  ${c.red("error")}  ${file.error}`, "");
      continue;
    }
    if (file.findings.length === 0) continue;
    out.push(c.bold(c.underline(file.path)));
    for (const f of file.findings) {
      totals[f.severity]++;
      if (f.fix?.kind === "safe") fixable++;
      const r = file.source.rangeOf(f.span);
      const impact = impactText(f);
      out.push(
        `  ${c.dim(`${r.start.line}:${r.start.column}`.padEnd(7))} ${sev(f.severity).padEnd(color ? 17 : 7)} ${f.message}${impact ? c.dim(` (${impact})`) : ""}  ${c.dim(f.rule)}`,
      );
      const line = file.source.line(r.start.line);
      if (line.trim() !== "") {
        const width = r.end.line === r.start.line ? Math.max(1, r.end.column - r.start.column) : Math.max(1, line.length - r.start.column + 1);
        out.push(`    ${c.dim("|")} ${line}`);
        out.push(`    ${c.dim("|")} ${" ".repeat(r.start.column - 1)}${c.red("^".repeat(width))}`);
      }
    }
    out.push("");
  }
  const total = totals.error + totals.warning + totals.info;
  if (total === 0 && !files.some((f) => f.error)) {
    out.push(c.green(`${files.length} file${files.length === 1 ? "" : "s"} checked, no findings`));
  } else if (total > 0) {
    const summary = SEVERITY_ORDER.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${s}${totals[s] === 1 ? "" : "s"}`).join(", ");
    out.push(c.bold(`${total} finding${total === 1 ? "" : "s"} (${summary})${fixable ? `, ${fixable} fixable with \`whittle fix\`` : ""}`));
  }
  return out.join("\n") + "\n";
}
