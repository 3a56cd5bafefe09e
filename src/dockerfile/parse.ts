import {
  DockerfileParser,
  type Flag as AstFlag,
  type Instruction as AstInstruction,
  type Heredoc as AstHeredoc,
} from "dockerfile-ast";
type AstRange = ReturnType<AstInstruction["getRange"]>;

import { parseShell, type OffsetMap, type ShellScript } from "../shell/parser.js";
import { SourceText, type Span } from "../text/source.js";
import type {
  DockerfileModel,
  Directives,
  Flag,
  ImageRef,
  InlineIgnore,
  Instruction,
  Mount,
  ParseProblem,
  Stage,
  Word,
} from "./model.js";

const KEYWORDS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]);

const JSON_FORM = new Set(["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME"]);

export interface ParseOptions {
  /** Name or index of the stage to treat as the final image (docker build --target). */
  target?: string;
}

/** Parses Dockerfile text into whittle's model. Never throws on bad syntax: problems are collected. */
export function parseDockerfile(path: string, text: string, options: ParseOptions = {}): DockerfileModel {
  const source = new SourceText(path, text);
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const problems: ParseProblem[] = [];
  const span = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): Span => ({
    start: source.offsetOf(r.start.line, r.start.character),
    end: source.offsetOf(r.end.line, r.end.character),
  });

  const directives: Directives = { checkSkip: [] };
  for (const d of ast.getDirectives()) {
    const name = d.getName().toLowerCase();
    if (name === "syntax") directives.syntax = d.getValue();
    else if (name === "escape") directives.escape = d.getValue();
    else if (name === "check") {
      const m = /(?:^|;)\s*skip\s*=\s*([^;]*)/i.exec(d.getValue());
      if (m) directives.checkSkip = m[1].split(",").map((s) => s.trim()).filter(Boolean);
    }
  }

  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  let current: Stage | undefined;

  for (const [index, ai] of ast.getInstructions().entries()) {
    const keyword = ai.getKeyword().toUpperCase();
    const ins = toInstruction(ai, keyword, index, source, span, problems);
    instructions.push(ins);
    if (!KEYWORDS.has(keyword)) {
      problems.push({ message: `unknown instruction "${ai.getInstruction()}"`, span: ins.keywordSpan });
      continue;
    }
    if (keyword === "FROM") {
      current = makeStage(ins, stages, globalArgs, problems);
      stages.push(current);
      ins.stage = current;
      continue;
    }
    if (!current) {
      if (keyword === "ARG") globalArgs.push(ins);
      else problems.push({ message: `${keyword} before the first FROM`, span: ins.keywordSpan });
      continue;
    }
    ins.stage = current;
    current.instructions.push(ins);
    if (keyword === "RUN") {
      try {
        ins.shell = parseRunBody(ins, source, escape);
      } catch (err) {
        problems.push({ message: `could not parse RUN body: ${(err as Error).message}`, span: ins.span });
      }
    }
  }

  if (stages.length === 0 && instructions.length > 0) {
    problems.push({ message: "no FROM instruction", span: { start: 0, end: Math.min(text.length, 1) } });
  }

  const target = pickTarget(stages, options.target);
  if (options.target !== undefined && !target) {
    problems.push({ message: `target stage "${options.target}" not found`, span: { start: 0, end: 0 } });
  }
  markReachability(stages, target);

  const buildkit =
    directives.syntax !== undefined ||
    instructions.some(
      (i) =>
        i.heredocs.length > 0 ||
        (i.keyword === "RUN" && i.flags.some((f) => f.name === "mount" || f.name === "network" || f.name === "security")) ||
        ((i.keyword === "COPY" || i.keyword === "ADD") && i.flags.some((f) => f.name === "chmod" || f.name === "link")),
    );

  return {
    source,
    escape,
    directives,
    instructions,
    globalArgs,
    stages,
    target,
    ignores: collectIgnores(source, instructions, directives),
    problems,
    buildkit,
  };
}

function toInstruction(
  ai: AstInstruction,
  keyword: string,
  index: number,
  source: SourceText,
  span: (r: AstRange) => Span,
  problems: ParseProblem[],
): Instruction {
  const withFlags = ai as AstInstruction & { getFlags?: () => AstFlag[] };
  const flags: Flag[] = (withFlags.getFlags?.() ?? []).map((f) => {
    const options: Record<string, string> = {};
    for (const o of f.getOptions()) options[o.getName().toLowerCase()] = o.getValue() ?? "";
    const valueRange = f.getValueRange();
    return {
      name: f.getName().toLowerCase(),
      value: f.getValue(),
      span: span(f.getRange()),
      nameSpan: span(f.getNameRange()),
      valueSpan: valueRange ? span(valueRange) : undefined,
      options,
    };
  });
  const argsRange = ai.getArgumentsRange();
  const args: Word[] = ai.getArguments().map((a) => {
    const s = span(a.getRange());
    const raw = source.slice(s);
    return { text: a.getValue(), raw, span: s, literal: !/[$`]/.test(raw) };
  });
  const ins: Instruction = {
    keyword,
    span: span(ai.getRange()),
    keywordSpan: span(ai.getInstructionRange()),
    line: ai.getRange().start.line + 1,
    flags,
    args,
    argsSpan: argsRange ? span(argsRange) : undefined,
    heredocs: [],
    properties: [],
    index,
    mounts: [],
  };
  if (JSON_FORM.has(keyword) && ins.argsSpan && source.slice(ins.argsSpan).trimStart().startsWith("[")) {
    const json = (ai as AstInstruction & { getJSONStrings?: () => Array<{ getJSONValue(): string; getValue(): string; getRange(): AstRange }> }).getJSONStrings?.();
    if (json && json.length > 0) {
      // dockerfile-ast drops the whitespace inside JSON strings ("apt-get update" -> "apt-getupdate"): decode the source.
      ins.json = json.map((j) => {
        const s = span(j.getRange());
        const raw = source.slice(s);
        return { text: decodeJsonString(raw) ?? j.getJSONValue(), raw, span: s, literal: true };
      });
    }
  }
  const withHeredocs = ai as AstInstruction & { getHeredocs?: () => AstHeredoc[] };
  if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
    let heredocs: AstHeredoc[] = [];
    try {
      heredocs = withHeredocs.getHeredocs?.() ?? [];
    } catch {
      // dockerfile-ast throws on some malformed heredoc markers: report them and read the rest of the file.
      problems.push({ message: "malformed heredoc", span: ins.span });
    }
    const last = heredocs.at(-1);
    if (last && source.slice(ins.span).split(/\r?\n/).at(-1)!.trim() !== last.getName()) {
      problems.push({ message: `heredoc <<${last.getName()} is never closed: every line after it belongs to it`, span: ins.keywordSpan });
    }
    ins.heredocs = heredocs.map((h) => {
      const r = h.getContentRange();
      const contentSpan = r ? span(r) : undefined;
      return { name: h.getName(), contentSpan, content: contentSpan ? source.slice(contentSpan) : "" };
    });
  }
  const withProps = ai as AstInstruction & {
    getProperties?: () => Array<{
      getName(): string;
      getValue(): string | null;
      getRange(): AstRange;
      getNameRange(): AstRange;
      getValueRange(): AstRange | null;
    }>;
  };
  if (keyword === "ENV" || keyword === "ARG" || keyword === "LABEL") {
    ins.properties = (withProps.getProperties?.() ?? []).map((p) => {
      const vr = p.getValueRange();
      return {
        name: p.getName(),
        value: p.getValue(),
        span: span(p.getRange()),
        nameSpan: span(p.getNameRange()),
        valueSpan: vr ? span(vr) : undefined,
      };
    });
  }
  if (keyword === "RUN") {
    ins.mounts = flags
      .filter((f) => f.name === "mount")
      .map((f): Mount => ({
        type: f.options.type || "bind",
        target: f.options.target ?? f.options.dst ?? f.options.destination,
        options: f.options,
        flag: f,
      }));
  }
  return ins;
}

function decodeJsonString(raw: string): string | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

function makeStage(
  from: Instruction,
  stages: Stage[],
  globalArgs: Instruction[],
  problems: ParseProblem[],
): Stage {
  const imageWord = from.args[0];
  let name: string | undefined;
  let nameSpan: Span | undefined;
  if (from.args.length >= 3 && from.args[1].text.toUpperCase() === "AS") {
    name = from.args[2].text;
    nameSpan = from.args[2].span;
  } else if (from.args.length > 1) {
    problems.push({ message: "FROM takes an image and an optional AS name", span: from.args[1].span });
  }
  const image = imageWord
    ? parseImageRef(imageWord, globalArgs, stages)
    : { raw: "", expanded: "", repository: "", span: from.keywordSpan, scratch: false };
  if (!imageWord) problems.push({ message: "FROM without an image", span: from.keywordSpan });
  return {
    index: stages.length,
    name,
    nameSpan,
    from,
    image,
    instructions: [],
    parent: image.stage,
    built: false,
    shipped: false,
    isTarget: false,
  };
}

export function expandArgs(value: string, globalArgs: Instruction[]): string {
  const defaults = new Map<string, string>();
  for (const arg of globalArgs) for (const p of arg.properties) if (p.value !== null) defaults.set(p.name, p.value);
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, dflt, b) => {
    const v = defaults.get(a ?? b);
    if (v !== undefined) return v;
    if (dflt !== undefined && m.includes("-")) return dflt;
    return m;
  });
}

function parseImageRef(word: Word, globalArgs: Instruction[], stages: Stage[]): ImageRef {
  const raw = word.text;
  const expanded = expandArgs(raw, globalArgs);
  const stage = stages.find((s) => s.name !== undefined && s.name.toLowerCase() === expanded.toLowerCase());
  let rest = expanded;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let tagSpan: Span | undefined;
  if (tag !== undefined && raw === expanded) {
    const idx = word.raw.lastIndexOf(":" + tag);
    if (idx >= 0) tagSpan = { start: word.span.start + idx + 1, end: word.span.start + idx + 1 + tag.length };
  }
  return {
    raw,
    expanded,
    registry,
    repository: rest.toLowerCase(),
    tag,
    digest,
    span: word.span,
    tagSpan,
    stage,
    scratch: rest.toLowerCase() === "scratch",
  };
}

function pickTarget(stages: Stage[], target: string | undefined): Stage | undefined {
  if (target === undefined) return stages.at(-1);
  return stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) ?? (/^\d+$/.test(target) ? stages[Number(target)] : undefined);
}

/** Stages an instruction reads from: FROM <stage>, COPY --from, RUN --mount=from=. */
export function stageDependencies(stage: Stage, stages: Stage[]): Stage[] {
  const deps: Stage[] = [];
  if (stage.parent) deps.push(stage.parent);
  const resolve = (ref: string): Stage | undefined =>
    /^\d+$/.test(ref) ? stages[Number(ref)] : stages.find((s) => s.name?.toLowerCase() === ref.toLowerCase());
  for (const ins of stage.instructions) {
    for (const f of ins.flags) {
      const ref = f.name === "from" ? f.value : f.name === "mount" ? f.options.from : undefined;
      if (!ref) continue;
      const dep = resolve(ref);
      if (dep && dep.index < stage.index) deps.push(dep);
    }
  }
  return deps;
}

function markReachability(stages: Stage[], target: Stage | undefined): void {
  if (!target) return;
  target.isTarget = true;
  for (let s: Stage | undefined = target; s; s = s.parent) s.shipped = true;
  const queue = [target];
  while (queue.length > 0) {
    const s = queue.pop()!;
    if (s.built) continue;
    s.built = true;
    queue.push(...stageDependencies(s, stages));
  }
}

const HEREDOC_MARKER = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

function parseRunBody(ins: Instruction, source: SourceText, escape: string): ShellScript | undefined {
  if (ins.json) {
    return execFormScript(ins.json);
  }
  if (!ins.argsSpan) return undefined;
  if (ins.heredocs.length > 0) {
    const firstLineEnd = source.text.indexOf("\n", ins.argsSpan.start);
    const firstLine = source.text.slice(ins.argsSpan.start, firstLineEnd < 0 ? undefined : firstLineEnd);
    if (firstLine.replace(HEREDOC_MARKER, "").trim() === "") {
      return mergeScripts(
        ins.heredocs
          .filter((h) => h.contentSpan && isShellScript(h.content))
          .map((h) => parseShell(h.content, (o) => h.contentSpan!.start + o)),
      );
    }
    // `RUN python3 <<EOF`: the heredoc is stdin of a command line; bash reads it the same way.
    const start = ins.argsSpan.start;
    return parseShell(source.text.slice(start, ins.span.end), (o) => start + o);
  }
  const { text, map } = logicalLine(source.text, ins.argsSpan.start, ins.span.end, escape);
  return parseShell(text, map);
}

function isShellScript(content: string): boolean {
  if (!content.startsWith("#!")) return true;
  const shebang = content.slice(0, content.indexOf("\n") >>> 0);
  return /\b(sh|bash|dash|ash)\b/.test(shebang);
}

function execFormScript(json: Word[]): ShellScript {
  const [first, flag, script] = json;
  if (first && /(^|\/)(ba|da)?sh$/.test(first.text) && flag?.text === "-c" && script) {
    // The JSON string's escapes make exact offsets approximate; map everything into the string's span.
    const base = script.span.start + 1;
    return parseShell(script.text, (o) => Math.min(base + o, script.span.end - 1));
  }
  return {
    commands: json.length
      ? [{ name: json[0].text, words: json, assignments: [], span: { start: json[0].span.start, end: json.at(-1)!.span.end }, separator: "start", nested: false }]
      : [],
    errors: [],
    topLevelStatements: json.length ? 1 : 0,
  };
}

function mergeScripts(scripts: ShellScript[]): ShellScript {
  return {
    commands: scripts.flatMap((s) => s.commands),
    errors: scripts.flatMap((s) => s.errors),
    topLevelStatements: scripts.reduce((n, s) => n + s.topLevelStatements, 0),
  };
}

/**
 * Joins a shell-form instruction's continuation lines the way the Dockerfile frontend does (escape+newline
 * removed, comment and blank lines inside the continuation dropped), remembering where each piece came from.
 */
export function logicalLine(text: string, start: number, end: number, escape: string): { text: string; map: OffsetMap } {
  const pieces: Array<{ at: number; from: number; length: number }> = [];
  let out = "";
  let pos = start;
  let first = true;
  while (pos < end) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0 || nl > end) nl = end;
    let lineEnd = nl;
    if (lineEnd > pos && text[lineEnd - 1] === "\r") lineEnd--;
    const line = text.slice(pos, lineEnd);
    const trimmed = line.trim();
    if (!first && (trimmed === "" || trimmed.startsWith("#"))) {
      pos = nl + 1;
      continue;
    }
    first = false;
    const body = line.replace(/[ \t]+$/, "");
    const continues = body.endsWith(escape) && nl < end;
    const keep = continues ? body.length - escape.length : line.length;
    pieces.push({ at: out.length, from: pos, length: keep });
    out += line.slice(0, keep);
    if (!continues) break;
    pos = nl + 1;
  }
  const map: OffsetMap = (o) => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].at <= o) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo];
    return p ? p.from + (o - p.at) : start;
  };
  return { text: out, map };
}

/**
 * Ignore comments, read from the raw lines: dockerfile-ast takes `# whittle ignore=x` at the top of a file for a
 * parser directive, which BuildKit does not (a directive key is one word).
 */
function collectIgnores(source: SourceText, instructions: Instruction[], directives: Directives): InlineIgnore[] {
  const ignores: InlineIgnore[] = [];
  if (directives.checkSkip.length > 0) ignores.push({ ids: directives.checkSkip, source: "buildkit" });
  const inHeredoc = (offset: number) =>
    instructions.some((i) => i.heredocs.some((h) => h.contentSpan && h.contentSpan.start <= offset && offset < h.contentSpan.end));
  for (let line = 1; line <= source.lineCount; line++) {
    const m = /^\s*#\s*(whittle|hadolint)\s+(global\s+)?ignore\s*[=:]\s*(.+)$/i.exec(source.line(line));
    if (!m || inHeredoc(source.lineStarts[line - 1])) continue;
    const ids = m[3].split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
    const tool = m[1].toLowerCase() as "whittle" | "hadolint";
    if (m[2]) {
      ignores.push({ ids, source: tool });
      continue;
    }
    const next = instructions.find((i) => i.line > line);
    if (next) ignores.push({ ids, instruction: next, source: tool });
  }
  return ignores;
}
