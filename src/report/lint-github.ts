import type { LintFileReport } from "./lint-json.js";

const LEVEL = { error: "error", warning: "warning", info: "notice" } as const;

/** GitHub's workflow command syntax escapes %, CR and LF in data, and also : and , in properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function lintToGithub(files: LintFileReport[]): string {
  const out: string[] = [];
  for (const file of files) {
    if (file.error) {
      out.push(`::error file=${escapeProperty(file.path)}::${escapeData(file.error)}`);
      continue;
    }
    for (const f of file.findings) {
      const r = file.source.rangeOf(f.span);
      const props = [
        `file=${escapeProperty(file.path)}`,
        `line=${r.start.line}`,
        `col=${r.start.column}`,
        `endLine=${r.end.line}`,
        `endColumn=${r.end.column}`,
        `title=${escapeProperty(`whittle ${f.rule}`)}`,
      ].join(",");
      out.push(`::${LEVEL[f.severity]} ${props}::${escapeData(f.message)}`);
    }
  }
  return out.length ? out.join("\n") + "\n" : "";
}
