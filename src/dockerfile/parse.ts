import { leadingFlags, parseJsonArray, splitQuotedWords, splitWords, unquote, type RawWord } from "./arguments.js";
import { joinContinuations, scanDockerfile, type InstructionSyntax, type LogicalLine } from "./syntax.js";
import { InputError } from "../errors.js";
import { parseShell, type OffsetMap, type ShellScript } from "../shell/parser.js";
import { SourceText, type Span } from "../text/source.js";
import { closest } from "../text/closest.js";
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

/**
 * Real Dockerfiles have a handful of stages, rarely a few dozen. Questions about a stage look through the stages it
 * builds on, so thousands of stages built on one another cost time and memory that grow with their square: such a
 * file is refused as input, not half-analysed or left to exhaust the memory.
 */
export const MAX_STAGES = 256;

/** Instructions whose leading `--name=value` words are options of the instruction, not arguments. */
const FLAGGED = new Set(["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]);

/** Flags BuildKit reads as strings: without `=value` it stops the build ("Missing a value on flag"). */
const VALUED_FLAGS: Record<string, ReadonlySet<string>> = {
  FROM: new Set(["platform"]),
  RUN: new Set(["mount", "network", "security", "device"]),
  COPY: new Set(["from", "chown", "chmod", "exclude"]),
  ADD: new Set(["chown", "chmod", "checksum", "exclude"]),
  HEALTHCHECK: new Set(["interval", "timeout", "start-period", "start-interval", "retries"]),
};

/** Flags BuildKit reads as booleans (`--link`, `--link=false`); any other name stops the build ("unknown flag"). */
const BOOLEAN_FLAGS: Record<string, ReadonlySet<string>> = {
  COPY: new Set(["link", "parents"]),
  ADD: new Set(["link", "keep-git-dir", "unpack"]),
};

export interface ParseOptions {
  /** Name or index of the stage to treat as the final image (docker build --target). */
  target?: string;
}

/** Parses Dockerfile text into whittle's model. Never throws on bad syntax: problems are collected. */
export function parseDockerfile(path: string, text: string, options: ParseOptions = {}): DockerfileModel {
  const source = new SourceText(path, text);
  const syntax = scanDockerfile(source);
  const escape = syntax.escape;
  const problems: ParseProblem[] = [...syntax.problems];

  const directives: Directives = { checkSkip: [] };
  for (const d of syntax.directives) {
    if (d.name === "syntax") directives.syntax = d.value;
    else if (d.name === "escape") directives.escape = d.value;
    else {
      const m = /(?:^|;)\s*skip\s*=\s*([^;]*)/i.exec(d.value);
      if (m) directives.checkSkip = m[1].split(",").map((s) => s.trim()).filter(Boolean);
    }
  }

  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  let current: Stage | undefined;

  for (const [index, raw] of syntax.instructions.entries()) {
    const keyword = raw.keyword.toUpperCase();
    const ins = toInstruction(raw, keyword, index, source, escape, problems);
    instructions.push(ins);
    if (!KEYWORDS.has(keyword)) {
      const shown = raw.keyword.length > 40 ? `${raw.keyword.slice(0, 40)}...` : raw.keyword;
      const meant = closest(keyword, KEYWORDS);
      problems.push({ message: `unknown instruction ${JSON.stringify(shown)}${meant ? ` (did you mean ${meant}?)` : ""}`, span: ins.keywordSpan });
      continue;
    }
    if (keyword === "ONBUILD") checkTrigger(ins, problems);
    if (keyword === "FROM") {
      if (stages.length === MAX_STAGES) throw new InputError(`${path}: more than ${MAX_STAGES} build stages, more than whittle analyses`);
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
        ins.shell = parseRunBody(ins, source, raw.logical);
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

/**
 * An ONBUILD's trigger: BuildKit refuses a missing one, ONBUILD, FROM and MAINTAINER when it reads this file; any other
 * word it does not know as an instruction fails every build that starts FROM the image instead.
 */
function checkTrigger(ins: Instruction, problems: ParseProblem[]): void {
  const word = ins.args[0];
  if (!word) {
    problems.push({ message: "ONBUILD without an instruction: BuildKit stops (\"ONBUILD requires at least one argument\")", span: ins.keywordSpan });
    return;
  }
  const trigger = word.text.toUpperCase();
  if (trigger === "ONBUILD") problems.push({ message: "ONBUILD ONBUILD: BuildKit stops (\"Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed\")", span: word.span });
  else if (trigger === "FROM" || trigger === "MAINTAINER") problems.push({ message: `${trigger} cannot be an ONBUILD trigger: BuildKit stops ("${trigger} isn't allowed as an ONBUILD trigger")`, span: word.span });
  else if (!KEYWORDS.has(trigger)) {
    const meant = closest(trigger, KEYWORDS);
    const shown = word.text.length > 40 ? `${word.text.slice(0, 40)}...` : word.text;
    problems.push({ message: `unknown instruction ${JSON.stringify(shown)} in ONBUILD${meant ? ` (did you mean ${meant}?)` : ""}: every build FROM this image fails on it`, span: word.span });
  }
}

function toInstruction(
  raw: InstructionSyntax,
  keyword: string,
  index: number,
  source: SourceText,
  escape: string,
  problems: ParseProblem[],
): Instruction {
  const { logical } = raw;
  const word = (w: RawWord): Word => {
    const span = logical.span(w.start, w.end);
    const text = source.slice(span);
    return { text: w.text, raw: text, span, literal: !text.includes("$") && !text.includes("`") };
  };
  let argsAt = raw.argsAt;
  let flags: Flag[] = [];
  if (FLAGGED.has(keyword)) {
    const leading = leadingFlags(logical.text, argsAt);
    flags = leading.flags.map((w) => toFlag(w, logical));
    argsAt = leading.argsAt;
    const valued = VALUED_FLAGS[keyword];
    const booleans = BOOLEAN_FLAGS[keyword] ?? new Set<string>();
    for (const f of flags) {
      if (valued.has(f.name) || booleans.has(f.name)) continue;
      const meant = closest(f.name, [...valued, ...booleans]);
      const hint = meant ? ` (did you mean --${meant}?)` : "";
      problems.push({ message: `${keyword} has no flag --${f.name}${hint}: BuildKit stops with "unknown flag: ${f.name}"`, span: f.span });
    }
    const missing = flags.find((f) => f.value === null && valued.has(f.name));
    if (missing) {
      // `COPY --from builder ...`: the next word is meant as the value; BuildKit takes it as an argument.
      const next = splitWords(logical.text, argsAt, escape)[0]?.text;
      const example = next !== undefined && !next.startsWith("-") ? next : "<value>";
      problems.push({ message: `--${missing.name} needs a value joined by "=" (--${missing.name}=${example}): BuildKit stops with "Missing a value on flag"`, span: missing.span });
    }
    if (leading.unclosed) {
      const span = logical.span(leading.unclosed.start, leading.unclosed.end);
      problems.push({ message: `unclosed quote in --${flags.at(-1)!.name}: the rest of the line belongs to the flag`, span });
    }
  }
  const words = splitWords(logical.text, argsAt, escape);
  const args = words.map(word);
  let argsSpan: Span | undefined;
  if (args.length > 0) {
    // With heredocs the arguments run on to the last delimiter, as the instruction does.
    let end = args.at(-1)!.span.end;
    if (raw.heredocs.length > 0) for (end = raw.span.end; end > args[0].span.end && /\s/.test(source.text[end - 1]); ) end--;
    argsSpan = { start: args[0].span.start, end };
  }
  const ins: Instruction = {
    keyword,
    span: raw.span,
    keywordSpan: raw.keywordSpan,
    line: raw.line,
    flags,
    args,
    argsSpan,
    heredocs: raw.heredocs.map((h) => ({ name: h.name, contentSpan: h.contentSpan, content: h.contentSpan ? source.slice(h.contentSpan) : "" })),
    properties: [],
    index,
    mounts: [],
  };
  const unclosed = raw.heredocs.find((h) => !h.closed);
  if (unclosed) problems.push({ message: `heredoc <<${unclosed.name} is never closed: every line after it belongs to it`, span: ins.keywordSpan });
  if (JSON_FORM.has(keyword) && words.length > 0) {
    const json = parseJsonArray(logical.text, words[0].start);
    if (json === "not-strings") {
      problems.push({ message: "a JSON array of arguments must hold strings only", span: argsSpan! });
    } else if (json) {
      ins.json = json.map((s) => {
        const span = logical.span(s.start, s.end);
        return { text: s.value, raw: source.slice(span), span, literal: true };
      });
    }
  }
  if (keyword === "ENV" || keyword === "ARG" || keyword === "LABEL") {
    ins.properties = properties(keyword, raw, escape);
    // Only ARG may declare a name without a value: the frontend rejects `ENV NAME` (it needs two arguments).
    const [only] = ins.properties;
    if (keyword !== "ARG" && ins.properties.length === 1 && only.value === null) {
      problems.push({ message: `${keyword} ${only.name} has no value: write ${only.name}=<value>`, span: only.span });
    }
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

/** `--name=value`; a value that holds `=` is also read as comma-separated options (`type=cache,target=/x`). */
function toFlag(w: RawWord, logical: LogicalLine): Flag {
  const eq = w.text.indexOf("=");
  const value = eq < 0 ? null : unquote(w.text.slice(eq + 1), "\\");
  const options: Record<string, string> = {};
  if (value?.includes("=")) {
    for (const option of value.split(",")) {
      if (option === "") continue;
      const at = option.indexOf("=");
      options[(at < 0 ? option : option.slice(0, at)).toLowerCase()] = at < 0 ? "" : option.slice(at + 1);
    }
  }
  return {
    name: unquote(eq < 0 ? w.text.slice(2) : w.text.slice(2, eq), "\\").toLowerCase(),
    value,
    span: logical.span(w.start, w.end),
    nameSpan: logical.span(w.start + 2, eq < 0 ? w.end : w.start + eq),
    valueSpan: eq < 0 ? undefined : logical.span(w.start + eq + 1, w.end),
    options,
  };
}

/**
 * ENV, LABEL and ARG pairs: `name=value` words (quotes group, and are removed from names and values), or the
 * legacy `ENV name value...` form, where everything after the name is the value.
 */
function properties(keyword: string, raw: InstructionSyntax, escape: string): Instruction["properties"] {
  const { logical } = raw;
  const words = splitQuotedWords(logical.text, raw.argsAt, escape);
  if (keyword !== "ARG" && words.length > 1 && !words[0].text.includes("=")) {
    const [name] = words;
    const nameSpan = logical.span(name.start, name.end);
    const valueSpan = logical.span(words[1].start, words.at(-1)!.end);
    return [
      {
        name: unquote(name.text, escape),
        value: unquote(logical.text.slice(words[1].start, words.at(-1)!.end), escape),
        span: { start: nameSpan.start, end: valueSpan.end },
        nameSpan,
        valueSpan,
      },
    ];
  }
  return words.map((w) => {
    const span = logical.span(w.start, w.end);
    const eq = w.text.indexOf("=");
    if (eq < 0) return { name: unquote(w.text, escape), value: null, span, nameSpan: span };
    return {
      name: unquote(w.text.slice(0, eq), escape),
      value: unquote(w.text.slice(eq + 1), escape),
      span,
      nameSpan: logical.span(w.start, w.start + eq),
      valueSpan: logical.span(w.start + eq + 1, w.end),
    };
  });
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

function parseRunBody(ins: Instruction, source: SourceText, logical: LogicalLine): ShellScript | undefined {
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
  const { text, map } = logical.tail(ins.argsSpan.start);
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
 * Joins a shell-form instruction's continuation lines from `start` to `end` the way the Dockerfile frontend does
 * (escape and line break removed, comment and blank lines inside the continuation dropped), with the map back to
 * file offsets.
 */
export function logicalLine(text: string, start: number, end: number, escape: string): { text: string; map: OffsetMap } {
  const { line } = joinContinuations(text, start, end, escape.charCodeAt(0));
  return { text: line.text, map: (o) => line.offset(o) };
}

/**
 * Ignore comments, read from the raw lines. `# whittle ignore=x` at the top of a file is one of them, not a parser
 * directive: a directive's key is one word.
 */
function collectIgnores(source: SourceText, instructions: Instruction[], directives: Directives): InlineIgnore[] {
  const ignores: InlineIgnore[] = [];
  if (directives.checkSkip.length > 0) ignores.push({ ids: directives.checkSkip, source: "buildkit" });
  const inHeredoc = (offset: number) =>
    instructions.some((i) => i.heredocs.some((h) => h.contentSpan && h.contentSpan.start <= offset && offset < h.contentSpan.end));
  const text = source.text;
  for (let line = 1; line <= source.lineCount; line++) {
    let at = source.lineStarts[line - 1];
    while (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9) at++;
    if (text.charCodeAt(at) !== 35 /* # */) continue;
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
