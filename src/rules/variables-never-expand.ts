import type { Instruction, Word } from "../dockerfile/model.js";
import { inheritedInstructions } from "../dockerfile/query.js";
import { isShellWrapper } from "./lib/start.js";
import { defineCheck, type CheckContext, type TextEdit } from "./types.js";

const VARIABLE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,.\/${}-]+$/;
const EVALUATED_LATER = new Set(["PS1", "PS2", "PS4", "PROMPT_COMMAND"]);

/** `["gunicorn", "-b", ":$PORT"]` -> `["sh", "-c", "exec gunicorn -b :$PORT"]`. */
function viaShell(json: Word[], span: { start: number; end: number }): TextEdit {
  const script = json.map((w) => (SHELL_SAFE.test(w.text) ? w.text : `"${w.text.replace(/["\\`]/g, "\\$&")}"`)).join(" ");
  return { ...span, text: `["sh", "-c", ${JSON.stringify(`exec ${script}`)}]` };
}

function execForm(ctx: CheckContext, ins: Instruction): void {
  const json = ins.json;
  if (!json || json.length === 0 || isShellWrapper(json) || !ins.argsSpan) return;
  const word = json.find((w) => VARIABLE.test(w.text));
  if (!word) return;
  const variable = VARIABLE.exec(word.text)![0];
  // Rewriting is safe only when this instruction alone forms the command line.
  const stage = ins.stage;
  const other = ins.keyword === "CMD" ? "ENTRYPOINT" : "CMD";
  const alone = ins.keyword !== "RUN" && stage !== undefined && !inheritedInstructions(stage).some((i) => i.keyword === other);
  const span = { start: ins.argsSpan.start, end: ins.argsSpan.start + ctx.file.source.slice(ins.argsSpan).trimEnd().length };
  ctx.report(word, {
    message: `${variable} in exec-form ${ins.keyword} is passed literally: no shell expands it; use ["sh", "-c", "exec ..."] or read the variable in the program`,
    instruction: ins,
    fix: alone ? { kind: "suggestion", description: "run the command through sh -c with exec", edits: [viaShell(json, span)] } : undefined,
  });
}

function commandSubstitutions(ctx: CheckContext, ins: Instruction): void {
  for (const p of ins.properties) {
    if (!p.valueSpan || EVALUATED_LATER.has(p.name)) continue;
    const raw = ctx.file.source.slice(p.valueSpan);
    if (raw.startsWith("'")) continue; // single quotes: the literal text is wanted
    if (!/\$\(|`/.test(raw)) continue;
    ctx.report(p.valueSpan, {
      message: `${ins.keyword} ${p.name} holds the literal text ${raw.includes("$(") ? "$(...)" : "`...`"}: Docker does not run commands in ${ins.keyword} values; compute it in a RUN step or at container start`,
      instruction: ins,
    });
  }
}

const UPPER_NAME = /^[A-Z][A-Z0-9_]+$/;

/** `ENV A 1 B 2`: the legacy form makes "1 B 2" the value of A, where several variables were evidently meant. */
function legacyForm(ctx: CheckContext, ins: Instruction): void {
  const [name, ...rest] = ins.args;
  if (!name || name.text.includes("=") || rest.length < 2 || !ins.argsSpan) return;
  let pairs: string[] | undefined;
  if (rest.slice(1).every((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text))) {
    pairs = [`${name.raw}=${rest[0].raw}`, ...rest.slice(1).map((w) => w.raw)];
  } else if (rest.length % 2 === 1 && rest.every((w, i) => i % 2 === 0 || UPPER_NAME.test(w.text))) {
    pairs = [`${name.raw}=${rest[0].raw}`];
    for (let i = 1; i < rest.length; i += 2) pairs.push(`${rest[i].raw}=${rest[i + 1].raw}`);
  }
  if (!pairs) return;
  const span = { start: rest[0].span.start, end: rest.at(-1)!.span.end };
  ctx.report(span, {
    message: `ENV ${name.text} <value> takes the rest of the line as one value ("${rest.map((w) => w.text).join(" ")}"): use ENV ${pairs.join(" ")}`,
    instruction: ins,
    fix: { kind: "suggestion", description: "use key=value pairs", edits: [{ start: name.span.start, end: span.end, text: pairs.join(" ") }] },
  });
}

export default defineCheck({
  meta: {
    id: "variables-never-expand",
    title: "variables and commands that are never expanded",
    category: "correctness",
    severity: "warning",
    fix: "suggestion",
    buildkit: ["LegacyKeyValueFormat"],
    docs:
      "Three Dockerfile constructs look like shell but are not. In exec (JSON) form CMD, ENTRYPOINT and RUN, no shell runs, " +
      "so `[\"gunicorn\", \"-b\", \":$PORT\"]` passes the five characters `$PORT` to gunicorn; write `[\"sh\", \"-c\", " +
      "\"exec gunicorn -b :$PORT app:app\"]` or let the program read the variable. Docker substitutes $VAR in ENV and ARG " +
      "values but never runs commands, so `ENV BUILD_DATE=$(date)` stores the text `$(date)`. And the legacy `ENV NAME " +
      "value` form takes the whole rest of the line as the value: `ENV PYTHONUNBUFFERED 1 PYTHONDONTWRITEBYTECODE 1` sets " +
      "one variable to \"1 PYTHONDONTWRITEBYTECODE 1\". Each case builds fine and misbehaves at run time.",
  },
  check(ctx) {
    for (const ins of ctx.file.instructions) {
      if (ins.keyword === "CMD" || ins.keyword === "ENTRYPOINT" || ins.keyword === "RUN") execForm(ctx, ins);
      else if (ins.keyword === "ENV" || ins.keyword === "ARG") {
        commandSubstitutions(ctx, ins);
        if (ins.keyword === "ENV") legacyForm(ctx, ins);
      }
    }
  },
});
