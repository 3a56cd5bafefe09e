import type { DockerfileModel, Instruction } from "../../dockerfile/model.js";
import type { SourceText } from "../../text/source.js";
import type { TextEdit } from "../types.js";

/** Offset of the start of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset just past the newline that ends the line holding `offset` (the end of the text on the last line). */
export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The whole lines an instruction occupies, indentation and final newline included. */
export function instructionLines(source: SourceText, ins: Instruction): { start: number; end: number; text: string } {
  const start = lineStartOf(source.text, ins.span.start);
  const end = lineEndOf(source.text, Math.max(ins.span.end - 1, ins.span.start));
  let text = source.text.slice(start, end);
  if (!text.endsWith("\n")) text += "\n";
  return { start, end, text };
}

/** Leading whitespace of the instruction's first line. */
export function indentOf(source: SourceText, ins: Instruction): string {
  const start = lineStartOf(source.text, ins.span.start);
  return source.text.slice(start, ins.span.start).match(/^[ \t]*/)![0];
}

/** The offset where new lines go after an instruction (the start of the next line), and the text to prepend. */
function afterInstruction(source: SourceText, ins: Instruction): { at: number; lead: string } {
  const end = lineEndOf(source.text, Math.max(ins.span.end - 1, ins.span.start));
  return { at: end, lead: source.text.slice(0, end).endsWith("\n") || end === 0 ? "" : "\n" };
}

/**
 * Edits that move instructions (whole lines, in their order) to just before `before`, or to just after `after`.
 * Comments and blank lines around them stay where they are.
 */
export function moveInstructions(
  source: SourceText,
  moved: Instruction[],
  to: { before: Instruction } | { after: Instruction },
): TextEdit[] {
  const edits: TextEdit[] = moved.map((ins) => {
    const { start, end } = instructionLines(source, ins);
    return { start, end, text: "" };
  });
  const block = moved.map((ins) => instructionLines(source, ins).text).join("");
  if ("before" in to) {
    const at = lineStartOf(source.text, to.before.span.start);
    edits.push({ start: at, end: at, text: block });
  } else {
    const { at, lead } = afterInstruction(source, to.after);
    edits.push({ start: at, end: at, text: lead + block });
  }
  return edits;
}

/** An edit that inserts whole lines before an instruction's first line. */
export function insertLinesBefore(source: SourceText, ins: Instruction, lines: string[]): TextEdit {
  const at = lineStartOf(source.text, ins.span.start);
  const indent = indentOf(source, ins);
  return { start: at, end: at, text: lines.map((l) => indent + l + "\n").join("") };
}

/** An edit that inserts whole lines after an instruction's last line. */
export function insertLinesAfter(source: SourceText, ins: Instruction, lines: string[]): TextEdit {
  const { at, lead } = afterInstruction(source, ins);
  const indent = indentOf(source, ins);
  return { start: at, end: at, text: lead + lines.map((l) => indent + l + "\n").join("") };
}

/** Is every heredoc of the instruction closed by its delimiter line? */
export function heredocsClosed(source: SourceText, ins: Instruction): boolean {
  const last = ins.heredocs.at(-1);
  if (!last) return true;
  return source.slice(ins.span).split(/\r?\n/).at(-1)!.trim() === last.name;
}

/** Rewrites are unsafe in a file with an unclosed heredoc: whatever they add after it becomes part of its body. */
export function fileEditable(file: DockerfileModel): boolean {
  return file.instructions.every((i) => heredocsClosed(file.source, i));
}

/** The first line of an instruction, without a trailing line continuation, shortened for messages. */
export function instructionHead(source: SourceText, ins: Instruction, max = 60): string {
  const text = source.slice(ins.span).split(/\r?\n/)[0].replace(/\s*[\\`]$/, "");
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
