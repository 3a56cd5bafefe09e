import type { Instruction } from "../dockerfile/model.js";
import { inheritedInstructions } from "../dockerfile/query.js";
import { parseShell, type ShellScript } from "../shell/parser.js";
import { defineCheck } from "./types.js";

const MARKER = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/;
const SHELL_NAME = /^(\/(usr\/)?bin\/)?(ba|da|a|z)?sh$/;
const ERREXIT_FLAGS = /^-[a-zA-Z]*e/;

/** Does the SHELL in effect run with errexit (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`)? */
function shellHasErrexit(ins: Instruction): boolean {
  if (!ins.stage) return false;
  const shell = inheritedInstructions(ins.stage, ins).filter((i) => i.keyword === "SHELL").at(-1);
  return shell?.json?.slice(1).some((w) => ERREXIT_FLAGS.test(w.text)) ?? false;
}

function setsErrexit(script: ShellScript): boolean {
  return script.commands.some((c) => {
    if (c.nested || c.name !== "set") return false;
    const args = c.words.slice(1).map((w) => w.text);
    return args.some((a, i) => ERREXIT_FLAGS.test(a) || (/^-[a-zA-Z]*o$/.test(a) && args[i + 1] === "errexit"));
  });
}

export default defineCheck({
  meta: {
    id: "heredoc-set-e",
    title: "heredoc RUN script without set -e",
    category: "correctness",
    severity: "warning",
    fix: "safe",
    docs:
      "A heredoc RUN (`RUN <<EOF ... EOF`) runs its lines as one shell script, and a shell script goes on after a failing " +
      "command: only the exit status of the last line decides whether the step fails. A failed `apt-get install` or " +
      "`pip install` in the middle leaves a broken layer that the build caches as a success, and the error surfaces " +
      "later, at run time. Start the script with `set -e` (or `set -eux`, `set -o errexit`, a `#!/bin/bash -e` shebang, or " +
      "a SHELL instruction with -e), or join the commands with &&. The fix inserts `set -e` as the first line of the body, " +
      "after a shebang. Scripts for other interpreters (`RUN python3 <<EOF`) are not shell and are left alone.",
  },
  check(ctx) {
    for (const ins of ctx.file.instructions) {
      if (ins.keyword !== "RUN" || ins.heredocs.length !== 1 || !ins.argsSpan) continue;
      const doc = ins.heredocs[0];
      if (!doc.contentSpan) continue;
      const text = ctx.file.source.text;
      const lineEnd = text.indexOf("\n", ins.argsSpan.start);
      const firstLine = text.slice(ins.argsSpan.start, lineEnd < 0 ? ins.span.end : lineEnd);
      const marker = MARKER.exec(firstLine);
      if (!marker) continue;
      const runner = firstLine.replace(MARKER, "").trim().split(/\s+/).filter(Boolean);
      if (runner.length === 0) {
        if (shellHasErrexit(ins)) continue;
      } else if (!SHELL_NAME.test(runner[0]) || runner.slice(1).some((f) => ERREXIT_FLAGS.test(f) || !f.startsWith("-"))) continue;
      let bodyStart = doc.contentSpan.start;
      let body = doc.content;
      if (body.startsWith("#!")) {
        const shebang = body.slice(0, body.indexOf("\n") >>> 0);
        if (!/\b(ba|da|a|z)?sh\b/.test(shebang) || /\s-[a-zA-Z]*e/.test(shebang)) continue;
        if (!body.includes("\n")) continue;
        bodyStart += shebang.length + 1;
        body = body.slice(shebang.length + 1);
      }
      const script = parseShell(body, (o) => bodyStart + o);
      if (script.topLevelStatements < 2 || setsErrexit(script)) continue;
      const at = ins.argsSpan.start + marker.index;
      ctx.report({ start: at, end: at + marker[0].length }, {
        message: `this heredoc runs ${script.topLevelStatements} commands without set -e: a failing one does not fail the build`,
        instruction: ins,
        fix: { kind: "safe", description: "add set -e as the first line", edits: [{ start: bodyStart, end: bodyStart, text: "set -e\n" }] },
      });
    }
  },
});
