import type { Log, ReportingDescriptor, Result } from "sarif";
import type { LintFileReport } from "./lint-json.js";
import type { CheckMeta } from "../rules/types.js";

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

/** SARIF 2.1.0 for code scanning: every check as a rule with its docs, every finding with its region. */
export function lintToSarif(files: LintFileReport[], metas: CheckMeta[], toolVersion: string): Log {
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const rules: ReportingDescriptor[] = metas.map((m) => ({
    id: m.id,
    name: m.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: m.title },
    fullDescription: { text: m.docs },
    help: { text: m.docs, markdown: `**${m.title}**\n\n${m.docs}` },
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: {
      category: m.category,
      tags: [m.category, ...(m.alsoCategories ?? [])],
      fix: m.fix,
      ...(m.hadolint?.length ? { hadolint: m.hadolint } : {}),
    },
  }));
  const results: Result[] = [];
  const invocationNotes: Array<{ message: { text: string }; level: "error"; locations?: [] }> = [];
  for (const file of files) {
    if (file.error) {
      invocationNotes.push({ message: { text: `${file.path}: ${file.error}` }, level: "error" });
      continue;
    }
    for (const f of file.findings) {
      const r = file.source.rangeOf(f.span);
      results.push({
        ruleId: f.rule,
        ruleIndex: index.get(f.rule),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: file.path.replace(/\\/g, "/") },
              region: { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column },
            },
          },
        ],
        properties: f.impact ? { impact: f.impact } : undefined,
      });
    }
  }
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "whittle", version: toolVersion, informationUri: "https://www.npmjs.com/package/whittle", rules } },
        results,
        invocations: [{ executionSuccessful: invocationNotes.length === 0, toolExecutionNotifications: invocationNotes }],
      },
    ],
  };
}
