import type { DockerfileModel, Instruction, SimpleCommand } from "../../dockerfile/model.js";
import type { TextEdit } from "../types.js";
import { isShellWrapper } from "./start.js";

/** End of the instruction's text without trailing blanks. */
function trimmedEnd(file: DockerfileModel, ins: Instruction): number {
  let end = ins.span.end;
  while (end > ins.span.start && /\s/.test(file.source.text[end - 1])) end--;
  return end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The file's line break: CRLF files keep CRLF in the lines an edit adds. */
function eolOf(file: DockerfileModel): string {
  return file.source.text.includes("\r\n") ? "\r\n" : "\n";
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** How the continued lines of a shell-form RUN chain their commands. */
function chainStyle(lines: string[], escape: string): "leading" | "trailing" | "semicolon" {
  const continued = lines
    .slice(0, -1)
    .map((l) => l.replace(/\r$/, "").trimEnd())
    .filter((l) => l.endsWith(escape) && !l.trimStart().startsWith("#"))
    .map((l) => l.slice(0, -escape.length).trimEnd());
  if (continued.some((l) => l.endsWith("&&"))) return "trailing";
  if (lines.slice(1).some((l) => l.trimStart().startsWith("&&"))) return "leading";
  if (continued.some((l) => l.endsWith(";"))) return "semicolon";
  return "leading";
}

/**
 * An edit that runs `command` at the end of a RUN's shell program, in the file's own style: ` && command` on a single
 * line; a new continued line with the last line's indentation for a multi-line RUN (escape character from
 * `# escape=`); a new line before the delimiter of the heredoc that holds `near`; inside the script string of an
 * exec-form `["sh", "-c", "..."]`. Undefined when the end of the program cannot be found exactly (a trailing comment,
 * a body the shell grammar could not parse, a heredoc that is not the script).
 */
export function appendToRun(file: DockerfileModel, ins: Instruction, command: string, near?: SimpleCommand): TextEdit | undefined {
  const shell = ins.shell;
  if (!shell || shell.errors.length > 0 || shell.commands.length === 0) return undefined;
  const text = file.source.text;
  if (ins.json) {
    if (!isShellWrapper(ins.json) || /["\\]/.test(command)) return undefined;
    const script = ins.json[2];
    return { start: script.span.end - 1, end: script.span.end - 1, text: ` && ${command}` };
  }
  if (ins.heredocs.length > 0) {
    const doc = ins.heredocs.filter((h) => h.contentSpan && (!near || (near.span.start >= h.contentSpan.start && near.span.end <= h.contentSpan.end))).at(-1);
    // The content span stops before the line break that precedes the delimiter line.
    if (!doc?.contentSpan || !/^\r?\n/.test(text.slice(doc.contentSpan.end))) return undefined;
    const lines = doc.content.split("\n").filter((l) => l.trim() !== "");
    return { start: doc.contentSpan.end, end: doc.contentSpan.end, text: `${eolOf(file)}${indentOf(lines.at(-1) ?? "")}${command}` };
  }
  if (!ins.argsSpan) return undefined;
  const end = trimmedEnd(file, ins);
  const lastCommandEnd = Math.max(...shell.commands.map((c) => c.span.end));
  const tail = text.slice(lastCommandEnd, end);
  if (tail.includes("#") || /(^|[^&])&\s*$/.test(tail)) return undefined;
  const body = text.slice(ins.argsSpan.start, end);
  const endsWithSemicolon = body.endsWith(";");
  if (!body.includes("\n")) return { start: end, end, text: endsWithSemicolon ? ` ${command}` : ` && ${command}` };
  const lines = body.split("\n");
  const indent = indentOf(text.slice(lineStart(text, end), end));
  const esc = file.escape;
  const eol = eolOf(file);
  if (endsWithSemicolon) return { start: end, end, text: ` ${esc}${eol}${indent}${command}` };
  switch (chainStyle(lines, esc)) {
    case "trailing":
      return { start: end, end, text: ` && ${esc}${eol}${indent}${command}` };
    case "semicolon":
      return { start: end, end, text: `; ${esc}${eol}${indent}${command}` };
    default:
      return { start: end, end, text: ` ${esc}${eol}${indent}&& ${command}` };
  }
}

/** Removes an instruction's lines entirely (with their line breaks). */
export function deleteInstruction(file: DockerfileModel, ins: Instruction): TextEdit {
  const text = file.source.text;
  const start = lineStart(text, ins.span.start);
  const nl = text.indexOf("\n", ins.span.end);
  return { start, end: nl < 0 ? text.length : nl + 1, text: "" };
}

/**
 * Is the RUN a plain shell-form chain whose top-level commands are joined by `&&` (or pipes)? Joining two such RUNs
 * with `&&` keeps their meaning: the build still stops at the first failing command.
 */
export function isAndChain(ins: Instruction): boolean {
  if (ins.json || ins.heredocs.length > 0 || !ins.shell || ins.shell.errors.length > 0) return false;
  return ins.shell.commands.every((c) => c.nested || c.separator === "start" || c.separator === "&&" || c.separator === "|");
}

/**
 * Merges RUN `b` into the RUN `a` right above it: `a`'s body, then `b`'s body as a continued `&&` line. Undefined unless
 * both are plain `&&` chains with the same RUN flags, only blank lines separate them and `a` has no trailing comment.
 */
export function mergeRuns(file: DockerfileModel, a: Instruction, b: Instruction): TextEdit | undefined {
  if (!isAndChain(a) || !isAndChain(b) || !b.argsSpan) return undefined;
  const text = file.source.text;
  const flags = (i: Instruction) => i.flags.map((f) => text.slice(f.span.start, f.span.end)).sort().join(" ");
  if (flags(a) !== flags(b)) return undefined;
  if (text.slice(a.span.end, b.span.start).trim() !== "") return undefined;
  const end = trimmedEnd(file, a);
  const lastCommandEnd = Math.max(...a.shell!.commands.map((c) => c.span.end));
  if (text.slice(lastCommandEnd, end).includes("#")) return undefined;
  return { start: end, end: b.argsSpan.start, text: ` ${file.escape}${eolOf(file)}    && ` };
}
