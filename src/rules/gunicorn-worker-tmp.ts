import { findFlag, hasFlag } from "../shell/invocation.js";
import { insertJsonAfter } from "./lib/edits.js";
import { appInvocation, imageEnv, startCommands } from "./lib/start.js";
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
      "reads by default and which may set worker_tmp_dir.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    if (imageEnv(stage, "GUNICORN_CMD_ARGS")?.includes("--worker-tmp-dir")) return;
    if (ctx.project.exists("gunicorn.conf.py")) return;
    const seen = new Set<number>();
    for (const sc of startCommands(ctx.file, stage)) {
      const inv = appInvocation(sc.cmd);
      if (inv.tool !== "gunicorn" || seen.has(inv.toolWord.span.start)) continue;
      seen.add(inv.toolWord.span.start);
      if (hasFlag(inv.args, "--worker-tmp-dir", "--config") || findFlag(inv.args, "-c")?.text === "-c") continue;
      if (inv.env.GUNICORN_CMD_ARGS?.includes("--worker-tmp-dir")) continue;
      const word = inv.toolWord;
      let fix: Fix | undefined;
      if (sc.exec) {
        const ins = ctx.file.instructions.find((i) => i.span.start <= word.span.start && word.span.end <= i.span.end)!;
        const own = sc.cmd.words.filter((w) => w.span.start >= ins.span.start && w.span.end <= ins.span.end);
        fix = { kind: "safe", description: "add --worker-tmp-dir /dev/shm", edits: [insertJsonAfter(own, word, FLAG)] };
      } else if (ctx.file.source.slice(word.span) === word.raw) {
        fix = { kind: "safe", description: "add --worker-tmp-dir /dev/shm", edits: [{ start: word.span.end, end: word.span.end, text: ` ${FLAG.join(" ")}` }] };
      }
      ctx.report(word, {
        message: "gunicorn keeps worker heartbeat files in /tmp on the container's disk, where a slow write gets workers killed: add --worker-tmp-dir /dev/shm",
        instruction: sc.ins,
        fix,
      });
    }
  },
});
