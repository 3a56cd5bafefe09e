import { resolveConfig, type ResolvedConfig } from "../config.js";
import { lint } from "../lint/engine.js";
import { diskFiles, memoryFiles, projectContext, type FileSource } from "../project/context.js";
import type { Check, Finding, TextEdit } from "../rules/types.js";
import { applyFixes } from "./apply.js";

export interface FixInput {
  path: string;
  text: string;
  /** Build context: a directory on disk, or files in memory (tests). */
  contextDir?: string;
  files?: Record<string, string>;
  target?: string;
  config?: ResolvedConfig;
  /** Also apply suggestion fixes (structural rewrites). */
  suggestions?: boolean;
  checks: Check[];
}

export interface FixOutput {
  text: string;
  /** Context files the fixes created or changed, by relative path, with their new content. */
  files: Record<string, string>;
  passes: number;
  /** Fixes applied, by rule id. */
  applied: Record<string, number>;
  /** Findings with a fix that could not be applied (the result would not parse). */
  rejected: string[];
}

const MAX_PASSES = 10;

function overlay(base: FileSource | undefined, changed: Record<string, string>): FileSource {
  const mem = memoryFiles(changed);
  return {
    read: (rel) => mem.read(rel) ?? base?.read(rel),
    exists: (rel) => mem.exists(rel) || (base?.exists(rel) ?? false),
    entries: () => [...new Set([...(base?.entries() ?? []), ...mem.entries()])],
  };
}

function problemCount(result: ReturnType<typeof lint>): number {
  return (
    result.model.problems.length +
    result.model.instructions.reduce((n, i) => n + (i.shell?.errors.length ?? 0), 0)
  );
}

/** Applies fixes ESLint-style: non-overlapping fixes per pass, passes until nothing changes. */
export function fixText(input: FixInput): FixOutput {
  const base = input.contextDir ? diskFiles(input.contextDir) : input.files ? memoryFiles(input.files) : undefined;
  const config = input.config ?? resolveConfig({});
  const changed: Record<string, string> = {};
  const applied: Record<string, number> = {};
  const rejected: string[] = [];
  let text = input.text;
  let passes = 0;
  const run = (t: string) =>
    lint({
      path: input.path,
      text: t,
      project: projectContext(input.contextDir, overlay(base, changed)),
      config,
      target: input.target,
      checks: input.checks,
    });
  let current = run(text);
  const baseline = problemCount(current);
  while (passes < MAX_PASSES) {
    const fixable = current.findings.filter(
      (f): f is Finding & { fix: NonNullable<Finding["fix"]> } =>
        f.fix !== undefined && (f.fix.kind === "safe" || (input.suggestions === true && f.fix.edits.length > 0)),
    );
    if (fixable.length === 0) break;
    // Safe fixes first; within a kind, file order.
    fixable.sort((a, b) => (a.fix.kind === b.fix.kind ? a.span.start - b.span.start : a.fix.kind === "safe" ? -1 : 1));
    // One group per finding and file: a fix's edits to one file land together or wait together.
    const byPath = new Map<string, Array<{ rule: string; edits: TextEdit[] }>>();
    for (const f of fixable) {
      const perPath = new Map<string, TextEdit[]>();
      for (const e of f.fix.edits) {
        const list = perPath.get(e.path ?? "");
        if (list) list.push(e);
        else perPath.set(e.path ?? "", [e]);
      }
      for (const [path, edits] of perPath) {
        const groups = byPath.get(path);
        if (groups) groups.push({ rule: f.rule, edits });
        else byPath.set(path, [{ rule: f.rule, edits }]);
      }
    }
    let nextText = text;
    const nextChanged = { ...changed };
    let count = 0;
    for (const [path, groups] of byPath) {
      const before = path === "" ? text : (changed[path] ?? base?.read(path) ?? "");
      const result = applyFixes(before, groups.map((g) => g.edits));
      if (result.text === before) continue;
      count += result.applied.length;
      if (path === "") nextText = result.text;
      else nextChanged[path] = result.text;
      for (const i of result.applied) applied[groups[i].rule] = (applied[groups[i].rule] ?? 0) + 1;
    }
    if (count === 0) break;
    const prevChanged = { ...changed };
    Object.assign(changed, nextChanged);
    const next = run(nextText);
    if (problemCount(next) > baseline) {
      // A fix that breaks parsing is never kept.
      for (const k of Object.keys(changed)) if (!(k in prevChanged)) delete changed[k];
      Object.assign(changed, prevChanged);
      rejected.push(...fixable.map((f) => f.rule));
      break;
    }
    text = nextText;
    current = next;
    passes++;
  }
  return { text, files: changed, passes, applied, rejected: [...new Set(rejected)] };
}
