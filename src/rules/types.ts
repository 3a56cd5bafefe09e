import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../dockerfile/model.js";
import type { ProjectContext } from "../project/context.js";
import type { Span } from "../text/source.js";

export type Category = "size" | "cache" | "security" | "runtime" | "correctness";
export type Severity = "error" | "warning" | "info";
export type FixKind = "safe" | "suggestion" | "none";

/** A replacement of [start, end) in a file. `path` is absent for the Dockerfile itself. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /** Another file in the build context (".dockerignore"), relative to the context directory. */
  path?: string;
}

export interface Fix {
  kind: "safe" | "suggestion";
  description: string;
  edits: TextEdit[];
}

export interface Impact {
  bytes?: number;
  seconds?: number;
  basis: string;
}

export interface Finding {
  rule: string;
  category: Category;
  /** Additional categories when one finding is both (toolchain: size and security). */
  alsoCategories?: Category[];
  severity: Severity;
  message: string;
  span: Span;
  impact?: Impact;
  fix?: Fix;
  /** hadolint rules the check covers (for interop in JSON and SARIF). */
  hadolint?: string[];
  /** The instruction the finding is about, used for inline ignores and image measurements. */
  instruction?: Instruction;
}

export interface CheckMeta {
  id: string;
  title: string;
  category: Category;
  alsoCategories?: Category[];
  severity: Severity;
  fix: FixKind;
  /** One paragraph: why it matters, what it costs, what to do, when it does not apply. */
  docs: string;
  /** hadolint rules this check covers: `# hadolint ignore=DLxxxx` silences it. */
  hadolint?: string[];
  /** BuildKit check names this covers: `# check=skip=Name` silences it. */
  buildkit?: string[];
  /** Silent when the target is a development/test stage (toolchains, dev servers, dev dependencies). */
  productionOnly?: boolean;
}

export interface ReportOptions {
  message: string;
  /** Overrides the check's alsoCategories for this finding (`[]`: the main category only). */
  alsoCategories?: Category[];
  impact?: Impact;
  fix?: Fix;
  severity?: Severity;
  instruction?: Instruction;
}

export interface CheckContext {
  readonly file: DockerfileModel;
  readonly project: ProjectContext;
  readonly target: Stage | undefined;
  report(at: Span | Word | Instruction | SimpleCommand, options: ReportOptions): void;
}

export interface Check {
  meta: CheckMeta;
  check(ctx: CheckContext): void;
}

export function defineCheck(check: Check): Check {
  return check;
}
