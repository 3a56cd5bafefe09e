import { findFlag, hasFlag, type Invocation } from "../shell/invocation.js";
import { insertJsonAfter } from "./lib/edits.js";
import { appInvocation, imageEnv, startCommands } from "./lib/start.js";
import { scriptCommands, scriptEdit, scriptLocation } from "./lib/start-script.js";
import { defineCheck, type Fix } from "./types.js";

const FLAG = ["--worker-tmp-dir", "/dev/shm"];

export default defineCheck({
  meta: {
    id: "gunicorn-worker-tmp",
    title: "gunicorn heartbeat files on a disk-backed /tmp",
    category: "runtime",
    severity: "warning",
    fix: "safe",
    docs:
      "Each gunicorn worker signals that it is alive by updating a temporary file (in /tmp unless told otherwise) every " +
      "few seconds. In a container /tmp is part of the overlay filesystem, often on a network or throttled disk: when " +
      "that write blocks, the arbiter believes the worker hung and kills it after --timeout, and requests fail in bursts " +
      "for no visible reason. `--worker-tmp-dir /dev/shm` puts the heartbeat in memory (Docker mounts a 64 MB tmpfs " +
      "there). The check reads gunicorn's command line in the final CMD/ENTRYPOINT and GUNICORN_CMD_ARGS; it stays " +
      "silent when a config file is given (-c/--config) or the build context has a gunicorn.conf.py, which gunicorn " +
      "reads by default and which may set worker_tmp_dir. gunicorn started from a shell script the start command runs " +
      "(an entrypoint.sh the build copies in or writes with a heredoc) is read there too, and the fix adds the flag in the script.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    if (imageEnv(stage, "GUNICORN_CMD_ARGS")?.includes("--worker-tmp-dir")) return;
    if (ctx.project.exists("gunicorn.conf.py")) return;
    const seen = new Set<number>();
    for (const sc of startCommands(ctx.file, stage)) {
      const inv = appInvocation(sc.cmd);
      if (!lacksFlag(inv) || seen.has(inv.toolWord.span.start)) continue;
      seen.add(inv.toolWord.span.start);
      const word = inv.toolWord;
      let fix: Fix | undefined;
      if (sc.exec) {
        const ins = ctx.file.instructions.find((i) => i.span.start <= word.span.start && word.span.end <= i.span.end)!;
        const own = sc.cmd.words.filter((w) => w.span.start >= ins.span.start && w.span.end <= ins.span.end);
        fix = { kind: "safe", description: DESCRIPTION, edits: [insertJsonAfter(own, word, FLAG)] };
      } else if (ctx.file.source.slice(word.span) === word.raw) {
        fix = { kind: "safe", description: DESCRIPTION, edits: [{ start: word.span.end, end: word.span.end, text: ` ${FLAG.join(" ")}` }] };
      }
      ctx.report(word, { message: MESSAGE, instruction: sc.ins, fix });
    }
    for (const c of scriptCommands(ctx.file, stage, ctx.project)) {
      const inv = appInvocation(c.cmd);
      if (!lacksFlag(inv) || /GUNICORN_CMD_ARGS=[^\n]*--worker-tmp-dir/.test(c.script.source.text)) continue;
      const word = inv.toolWord;
      const edit = c.script.source.slice(word.span) === word.raw ? scriptEdit(c.script, word.span.end, word.span.end, ` ${FLAG.join(" ")}`) : undefined;
      ctx.report(c.script.word, {
        message: `${scriptLocation(c)}: ${MESSAGE}`,
        instruction: c.script.via.ins,
        fix: edit && { kind: "safe", description: `${DESCRIPTION} in ${c.script.source.path}`, edits: [edit] },
      });
    }
  },
});

const DESCRIPTION = "add --worker-tmp-dir /dev/shm";
const MESSAGE = "gunicorn keeps worker heartbeat files in /tmp on the container's disk, where a slow write gets workers killed: add --worker-tmp-dir /dev/shm";

/** gunicorn started with neither --worker-tmp-dir nor a config file that may set it. */
function lacksFlag(inv: Invocation): boolean {
  if (inv.tool !== "gunicorn") return false;
  if (hasFlag(inv.args, "--worker-tmp-dir", "--config") || findFlag(inv.args, "-c")?.text === "-c") return false;
  return !inv.env.GUNICORN_CMD_ARGS?.includes("--worker-tmp-dir");
}
