import type { Instruction, Word } from "../dockerfile/model.js";
import { inheritedInstructions } from "../dockerfile/query.js";
import { commandForm, pythonApp, startInstructions, underInit } from "./lib/start.js";
import { scriptEdit, scriptLocation, startScripts, type StartScript } from "./lib/start-script.js";
import { defineCheck, type CheckContext, type Fix } from "./types.js";

/** Unquoted characters that mean the same to sh and in a JSON string. */
const PLAIN = /^[A-Za-z0-9_@%+=:,.\/-]*$/;

/** A word the shell passes on exactly as written (quotes removed), so a JSON string can stand for it. */
function plainWord(w: Word): boolean {
  if (!w.literal) return false;
  const unquoted = w.raw.replace(/'[^']*'|"(?:[^"\\$`]|\\["\\$`])*"/g, "");
  return PLAIN.test(unquoted);
}

/** Between the words only blanks and line continuations. */
function onlyWords(ctx: CheckContext, words: Word[], start: number, end: number): boolean {
  const text = ctx.file.source.text;
  const gap = (a: number, b: number) => text.slice(a, b).split(ctx.file.escape + "\n").join("").split(ctx.file.escape + "\r\n").join("");
  let pos = start;
  for (const w of words) {
    if (!/^\s*$/.test(gap(pos, w.span.start))) return false;
    pos = w.span.end;
  }
  return /^\s*$/.test(gap(pos, end));
}

/** `CMD ['gunicorn', 'app:app']`: single quotes are not JSON, so Docker runs the text through the shell. */
function singleQuotedArray(text: string): string[] | undefined {
  if (!/^\[.*\]$/s.test(text) || text.includes('"')) return undefined;
  try {
    const arr = JSON.parse(text.replace(/'/g, '"')) as unknown;
    return Array.isArray(arr) && arr.every((s) => typeof s === "string") ? (arr as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export default defineCheck({
  meta: {
    id: "shell-form-cmd",
    title: "CMD/ENTRYPOINT in shell form",
    category: "runtime",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3025"],
    buildkit: ["JSONArgsRecommended"],
    docs:
      "A CMD or ENTRYPOINT written as plain text runs as `/bin/sh -c \"...\"`: the shell is PID 1, and `docker stop` sends " +
      "SIGTERM to the shell, which does not pass it on. The app never shuts down gracefully (open requests are cut, " +
      "Celery tasks are lost) and is killed after the 10 s grace period, which also slows every deploy. A shell-form " +
      "ENTRYPOINT also ignores CMD and `docker run` arguments. Use the JSON (exec) form; when the command needs the " +
      "shell (variables, &&), end it with `exec app ...` so the app replaces the shell. The safe fix rewrites plain " +
      "commands (words without expansions, globs, redirects or operators) into JSON; a command with expansions gets an " +
      "`exec` suggestion. Silent when the command already ends in `exec`, and when a SHELL instruction chose another " +
      "shell on purpose. The same goes for a shell script the start command runs (an entrypoint.sh the build copies in): " +
      "when its last command starts the Python app (or `\"$@\"`, the CMD) without exec, the script's shell stays PID 1; " +
      "silent when the last command is conditional or tini/dumb-init starts the script.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    for (const script of startScripts(ctx.file, stage, ctx.project)) reportScript(ctx, script);
    if (inheritedInstructions(stage).some((i) => i.keyword === "SHELL")) return;
    const instructions = startInstructions(stage);
    const shellEntrypoint = instructions.some((i) => i.keyword === "ENTRYPOINT" && !i.json);
    for (const ins of instructions) {
      if (ins.json || !ins.argsSpan) continue;
      if (ins.keyword === "CMD" && shellEntrypoint) continue;
      report(ctx, ins);
    }
  },
});

function report(ctx: CheckContext, ins: Instruction): void {
  const form = commandForm(ctx.file, ins);
  if (!form?.script || !form.shellSpan) return;
  const raw = ctx.file.source.text.slice(form.shellSpan.start, form.shellSpan.end).trimEnd();
  const span = { start: form.shellSpan.start, end: form.shellSpan.start + raw.length };
  const extra = ins.keyword === "ENTRYPOINT" ? ", and CMD and `docker run` arguments are ignored" : "";
  const quoted = singleQuotedArray(raw);
  if (quoted) {
    ctx.report(span, {
      message: `${ins.keyword} is not valid JSON (single quotes), so Docker runs the text through /bin/sh as one command: use double quotes`,
      fix: { kind: "safe", description: "use double quotes", edits: [{ ...span, text: `[${quoted.map((q) => JSON.stringify(q)).join(", ")}]` }] },
    });
    return;
  }
  const top = form.script.commands.filter((c) => !c.nested);
  const last = top.at(-1);
  if (!last || form.script.errors.length > 0) return;
  if (last.name === "exec" && last.separator !== "|" && last.separator !== "||") return;
  let fix: Fix | undefined;
  const simple =
    top.length === 1 && form.script.commands.length === 1 && last.assignments.length === 0 && form.script.topLevelStatements === 1;
  if (simple && last.words.every(plainWord) && onlyWords(ctx, last.words, span.start, span.end)) {
    fix = { kind: "safe", description: "use the JSON form", edits: [{ ...span, text: `[${last.words.map((w) => JSON.stringify(w.text)).join(", ")}]` }] };
  } else if (simple) {
    fix = { kind: "suggestion", description: "prefix the command with exec", edits: [{ start: last.span.start, end: last.span.start, text: "exec " }] };
  }
  ctx.report(span, {
    message: `${ins.keyword} in shell form runs under /bin/sh -c: the shell is PID 1 and SIGTERM never reaches ${last.name}${extra}; use the JSON form${fix?.kind === "suggestion" ? " or start with exec" : ""}`,
    instruction: ins,
    fix,
  });
}

/**
 * A start script whose last command runs the app without exec: the script's shell stays PID 1 and the app never
 * sees SIGTERM (a trap would not help: the shell runs it only after the foreground command ends). Silent when an init
 * process starts the script or the last command runs only under a condition.
 */
function reportScript(ctx: CheckContext, script: StartScript): void {
  const last = script.commands.at(-1);
  if (!last || last.exec || last.conditional || last.cmd.separator === "|" || underInit(script.via.cmd)) return;
  const handsOver = /^\$(@|\{@\})$/.test(last.cmd.words[0]?.text ?? "");
  const passed = script.via.cmd.words.slice(script.via.cmd.words.indexOf(script.word) + 1);
  const app = handsOver ? (passed.length > 0 ? `the command given as arguments (${passed.map((w) => w.text).join(" ")})` : undefined) : pythonApp(last.cmd, ctx.project)?.tool;
  if (!app) return;
  const edit = scriptEdit(script, last.cmd.words[0].span.start, last.cmd.words[0].span.start, "exec ");
  ctx.report(script.word, {
    message: `${scriptLocation(last)}: ${app} runs as a child of the script's shell, which stays PID 1 and does not pass SIGTERM on; start it with exec`,
    instruction: script.via.ins,
    fix: { kind: "suggestion", description: `prefix the last command of ${script.source.path} with exec`, edits: edit ? [edit] : [] },
  });
}
