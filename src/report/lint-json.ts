import type { Finding } from "../rules/types.js";
import type { Range, SourceText } from "../text/source.js";

export interface LintFileReport {
  path: string;
  source: SourceText;
  findings: Finding[];
  /** Set when the file could not be read or is not a Dockerfile. */
  error?: string;
}

export interface JsonFinding {
  rule: string;
  category: Finding["category"];
  categories?: Finding["category"][];
  severity: Finding["severity"];
  message: string;
  range: Range;
  impact?: Finding["impact"];
  fix?: { kind: "safe" | "suggestion"; description: string; edits: Array<{ path?: string; range?: Range; start: number; end: number; text: string }> };
  hadolint?: string[];
}

/** The versioned JSON document of `whittle lint --format json` (schema in README). */
export function lintToJson(files: LintFileReport[]): { version: 1; files: Array<{ path: string; error?: string; findings: JsonFinding[] }> } {
  return {
    version: 1,
    files: files.map((f) => ({
      path: f.path,
      ...(f.error ? { error: f.error } : {}),
      findings: f.findings.map((x) => toJsonFinding(x, f.source)),
    })),
  };
}

export function toJsonFinding(f: Finding, source: SourceText): JsonFinding {
  const out: JsonFinding = {
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    message: f.message,
    range: source.rangeOf(f.span),
  };
  if (f.alsoCategories?.length) out.categories = [f.category, ...f.alsoCategories];
  if (f.impact) out.impact = f.impact;
  if (f.fix) {
    out.fix = {
      kind: f.fix.kind,
      description: f.fix.description,
      edits: f.fix.edits.map((e) =>
        e.path ? { path: e.path, start: e.start, end: e.end, text: e.text } : { range: source.rangeOf(e), start: e.start, end: e.end, text: e.text },
      ),
    };
  }
  if (f.hadolint?.length) out.hadolint = f.hadolint;
  return out;
}
