import type { ShellScript, SimpleCommand, Word } from "../shell/parser.js";
import type { SourceText, Span } from "../text/source.js";

export type { Word, SimpleCommand, ShellScript };

export interface Flag {
  name: string;
  value: string | null;
  span: Span;
  nameSpan: Span;
  valueSpan?: Span;
  /** `--mount=type=cache,target=/x` -> {type: "cache", target: "/x"} */
  options: Record<string, string>;
}

export interface Heredoc {
  name: string;
  /** Content between the opening line and the delimiter. */
  contentSpan?: Span;
  content: string;
}

export interface ImageRef {
  /** As written, variables unexpanded. */
  raw: string;
  /** As expanded with the ARGs in scope (best effort). */
  expanded: string;
  registry?: string;
  /** Repository path without registry, e.g. "python", "library/python", "myorg/base". */
  repository: string;
  tag?: string;
  digest?: string;
  span: Span;
  tagSpan?: Span;
  /** Set when FROM names an earlier stage. */
  stage?: Stage;
  scratch: boolean;
}

export interface Mount {
  type: string;
  target?: string;
  options: Record<string, string>;
  flag: Flag;
}

export interface Instruction {
  keyword: string;
  span: Span;
  keywordSpan: Span;
  /** 1-based line of the keyword. */
  line: number;
  flags: Flag[];
  /** Words after the flags, split at blanks (quotes do not group), escapes applied; heredoc bodies excluded. */
  args: Word[];
  argsSpan?: Span;
  /** Exec (JSON) form strings, when the instruction uses that form. */
  json?: Word[];
  heredocs: Heredoc[];
  /** ENV/ARG/LABEL key=value pairs. */
  properties: Array<{ name: string; value: string | null; span: Span; nameSpan: Span; valueSpan?: Span }>;
  stage?: Stage;
  index: number;
  /** RUN only: the shell program, parsed. */
  shell?: ShellScript;
  /** RUN only. */
  mounts: Mount[];
}

export interface Stage {
  index: number;
  name?: string;
  nameSpan?: Span;
  from: Instruction;
  image: ImageRef;
  /** Instructions after FROM up to the next FROM. */
  instructions: Instruction[];
  /** FROM chain: the stage this one builds on, when FROM names a stage. */
  parent?: Stage;
  /** Built when the target is built (referenced by the target directly or indirectly). */
  built: boolean;
  /** Its filesystem is part of the final image: the target or one of its FROM ancestors. */
  shipped: boolean;
  isTarget: boolean;
}

export interface ParseProblem {
  message: string;
  span: Span;
}

export interface Directives {
  syntax?: string;
  escape?: string;
  /** BuildKit `# check=skip=A,B` names. */
  checkSkip: string[];
}

export interface InlineIgnore {
  /** Rule ids or foreign ids (hadolint DLxxxx, BuildKit check names). */
  ids: string[];
  /** The instruction the ignore applies to; undefined for file-wide ignores. */
  instruction?: Instruction;
  source: "whittle" | "hadolint" | "buildkit";
}

export interface DockerfileModel {
  source: SourceText;
  escape: string;
  directives: Directives;
  /** Every instruction in order, including global ARGs before the first FROM. */
  instructions: Instruction[];
  globalArgs: Instruction[];
  stages: Stage[];
  target: Stage | undefined;
  ignores: InlineIgnore[];
  problems: ParseProblem[];
  /** Evidence that the file is built with BuildKit (RUN --mount, heredocs, # syntax=, COPY --chmod/--link). */
  buildkit: boolean;
}
