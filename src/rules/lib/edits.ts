import type { DockerfileModel, Stage, Word } from "../../dockerfile/model.js";
import { insertLinesAfter } from "./moves.js";
import type { TextEdit } from "../types.js";

/**
 * Sets an environment variable in a stage: its value replaced where the stage sets it already, else appended to the stage's own ENV that already sets PYTHON* variables (so
 * related settings stay together), else a new `ENV` line right after the stage's FROM.
 */
export function setEnvEdit(file: DockerfileModel, stage: Stage, name: string, value: string): TextEdit {
  const own = stage.instructions
    .filter((i) => i.keyword === "ENV" && i.args[0]?.text.includes("="))
    .flatMap((i) => i.properties)
    .filter((p) => p.name === name)
    .at(-1);
  if (own) return own.valueSpan ? { ...own.valueSpan, text: value } : { start: own.span.end, end: own.span.end, text: value };
  const host = stage.instructions.find(
    (i) => i.keyword === "ENV" && i.args[0]?.text.includes("=") && i.properties.some((p) => p.name.startsWith("PYTHON")),
  );
  if (host) {
    const last = host.properties.at(-1)!;
    const startLine = file.source.positionAt(host.span.start).line;
    const lastLine = file.source.positionAt(last.span.start).line;
    if (lastLine === startLine) return { start: last.span.end, end: last.span.end, text: ` ${name}=${value}` };
    const indent = /^\s*/.exec(file.source.line(lastLine))![0];
    return { start: last.span.end, end: last.span.end, text: ` ${file.escape}\n${indent}${name}=${value}` };
  }
  return insertLinesAfter(file.source, stage.from, [`ENV ${name}=${value}`]);
}

/** Inserts JSON strings into an exec-form array right after `after`. */
export function insertJsonAfter(json: Word[], after: Word, values: string[]): TextEdit {
  const items = values.map((v) => JSON.stringify(v));
  const next = json[json.indexOf(after) + 1];
  if (next) return { start: next.span.start, end: next.span.start, text: items.map((i) => `${i}, `).join("") };
  return { start: after.span.end, end: after.span.end, text: items.map((i) => `, ${i}`).join("") };
}

/** Removes one string (and its comma) from an exec-form array. */
export function removeJsonElement(json: Word[], word: Word): TextEdit {
  const i = json.indexOf(word);
  const next = json[i + 1];
  if (next) return { start: word.span.start, end: next.span.start, text: "" };
  const prev = json[i - 1];
  return prev ? { start: prev.span.end, end: word.span.end, text: "" } : { start: word.span.start, end: word.span.end, text: "" };
}

/** Removes a shell word and the blank before it. */
export function removeShellWord(file: DockerfileModel, word: Word): TextEdit {
  let start = word.span.start;
  while (start > 0 && /[ \t]/.test(file.source.text[start - 1])) start--;
  return { start, end: word.span.end, text: "" };
}
