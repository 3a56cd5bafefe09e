import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../dockerfile/model.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import type { ResolvedConfig } from "../config.js";
import type { ProjectContext } from "../project/context.js";
import type { Check, CheckContext, Finding, ReportOptions } from "../rules/types.js";
import type { Span } from "../text/source.js";
import { byCodeUnit, partitionPoint } from "../text/order.js";

export interface LintInput {
  path: string;
  text: string;
  project: ProjectContext;
  config: ResolvedConfig;
  target?: string;
  /** The checks to run (the CLI passes every check of src/rules/all.ts; tests pass one). */
  checks: Check[];
}

export interface LintResult {
  path: string;
  model: DockerfileModel;
  findings: Finding[];
}

const DEV_STAGE = /(^|[-_.])(dev|devel|develop|development|test|tests|testing|ci|debug|local|lint)($|[-_.])/i;

/** Is the target stage evidently a development, test or CI image? */
export function isDevTarget(stage: Stage | undefined): boolean {
  return stage?.name !== undefined && DEV_STAGE.test(stage.name);
}

function spanOf(at: Span | Word | Instruction | SimpleCommand): Span {
  return "span" in at ? at.span : at;
}

/** The instruction holding a span's start (instructions are in file order): a binary search, as a long file has many findings. */
function instructionAt(model: DockerfileModel, span: Span): Instruction | undefined {
  const list = model.instructions;
  const ins = list[partitionPoint(list.length, (i) => list[i].span.end >= span.start)];
  return ins && ins.span.start <= span.start ? ins : undefined;
}

export function lintModel(model: DockerfileModel, input: Omit<LintInput, "text" | "path">): Finding[] {
  const findings: Finding[] = [];
  const dev = isDevTarget(model.target);
  for (const check of input.checks) {
    const { meta } = check;
    if (input.config.disabled.has(meta.id)) continue;
    if (dev && meta.productionOnly) continue;
    const ctx: CheckContext = {
      file: model,
      project: input.project,
      target: model.target,
      report(at, options: ReportOptions) {
        const span = spanOf(at);
        findings.push({
          rule: meta.id,
          category: meta.category,
          alsoCategories: options.alsoCategories ?? meta.alsoCategories,
          severity: input.config.severities.get(meta.id) ?? options.severity ?? meta.severity,
          message: options.message,
          span,
          impact: options.impact,
          fix: options.fix,
          hadolint: meta.hadolint,
          instruction: options.instruction ?? ("keyword" in at ? (at as Instruction) : instructionAt(model, span)),
        });
      },
    };
    check.check(ctx);
  }
  return applyIgnores(model, findings, input.checks).sort(
    (a, b) => a.span.start - b.span.start || byCodeUnit(a.rule, b.rule),
  );
}

export function lint(input: LintInput): LintResult {
  const model = parseDockerfile(input.path, input.text, { target: input.target });
  return { path: input.path, model, findings: lintModel(model, input) };
}

/** Drops findings silenced by `# whittle ignore=`, `# hadolint ignore=` or `# check=skip=`. */
function applyIgnores(model: DockerfileModel, findings: Finding[], checks: Check[]): Finding[] {
  if (model.ignores.length === 0) return findings;
  const meta = new Map(checks.map((c) => [c.meta.id, c.meta]));
  const silences = (ids: string[], source: string, rule: string): boolean => {
    const m = meta.get(rule);
    if (ids.includes("all") && source !== "hadolint") return true;
    if (source === "whittle") return ids.includes(rule);
    if (source === "hadolint") return (m?.hadolint ?? []).some((h) => ids.includes(h));
    return (m?.buildkit ?? []).some((b) => ids.some((id) => id.toLowerCase() === b.toLowerCase()));
  };
  return findings.filter(
    (f) =>
      !model.ignores.some(
        (ig) => (ig.instruction === undefined || ig.instruction === f.instruction) && silences(ig.ids, ig.source, f.rule),
      ),
  );
}
