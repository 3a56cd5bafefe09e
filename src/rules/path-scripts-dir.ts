import type { Stage } from "../dockerfile/model.js";
import { insertLinesAfter } from "./lib/moves.js";
import { pathEntries, pythonEnvCopies, resolvePath, userInstalls, venvRoots, type PathEntry } from "./lib/python-env.js";
import { startCommands } from "./lib/start.js";
import { startScripts } from "./lib/start-script.js";
import { defineCheck, type CheckContext } from "./types.js";

function chainOf(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.unshift(s);
  return out;
}

export default defineCheck({
  meta: {
    id: "path-scripts-dir",
    title: "PATH misses the scripts directory of the Python environment",
    category: "correctness",
    severity: "error",
    fix: "safe",
    docs:
      "Console scripts (gunicorn, uvicorn, celery, your own entry points) and a venv's python live in a `bin` directory: " +
      "`~/.local/bin` for `pip install --user`, `<venv>/bin` for a virtual environment. A PATH entry that names " +
      "`~/.local` or the venv root finds nothing, and a venv copied from a builder stage whose `bin` is not on PATH is " +
      "never used: `python` and the console scripts resolve to the system interpreter, which lacks the installed " +
      "packages, or are not found at all. Setting VIRTUAL_ENV changes nothing by itself; only PATH (or absolute paths " +
      "such as /opt/venv/bin/python in CMD) select the environment. The fix corrects the PATH entry, or puts the copied " +
      "venv's bin first on PATH.",
  },
  check(ctx) {
    const target = ctx.target;
    if (!target) return;
    const chain = chainOf(target);
    const copies = chain.flatMap((s) => pythonEnvCopies(ctx.file, s));
    const entries = pathEntries(ctx.file, target);
    const resolved = (e: PathEntry) => resolvePath(target, undefined, e.entry);
    const onPath = new Set(entries.map(resolved));
    const userEnv = chain.some(userInstalls) || copies.some((c) => c.kind === "user");
    const venvs = new Set([...venvRoots(target), ...copies.filter((c) => c.kind === "venv").map((c) => c.dest)]);
    const reported = new Set<string>();
    for (const e of entries) {
      const path = resolved(e);
      const wrong = (userEnv && /\/\.local$/.test(path)) || venvs.has(path);
      if (!wrong || onPath.has(`${path}/bin`)) continue;
      reported.add(path);
      ctx.report(e, {
        message: `PATH names ${e.entry}, but the scripts are in ${e.entry}/bin: console scripts${venvs.has(path) ? " and the venv's python" : ""} will not be found`,
        instruction: e.ins,
        fix: { kind: "safe", description: `use ${e.entry}/bin`, edits: [{ start: e.end, end: e.end, text: "/bin" }] },
      });
    }
    const starts = startCommands(ctx.file, target);
    if (starts.length === 0) return;
    for (const copy of copies) {
      if (copy.kind !== "venv" || reported.has(copy.dest) || onPath.has(`${copy.dest}/bin`)) continue;
      if (starts.some((sc) => sc.cmd.words.some((w) => w.text.includes(`${copy.dest}/bin/`) || w.text.startsWith(`${copy.destWord.text.replace(/\/+$/, "")}/bin/`)))) continue;
      // A start script that activates the venv, puts it on PATH or calls its programs by path.
      if (startScripts(ctx.file, target, ctx.project).some((script) => script.source.text.includes(`${copy.dest}/bin`))) continue;
      ctx.report(copy.destWord, {
        message: `the venv copied to ${copy.dest} is not on PATH and the start command does not use ${copy.dest}/bin: python and console scripts resolve outside the venv (VIRTUAL_ENV alone does nothing)`,
        instruction: copy.ins,
        fix: { kind: "safe", description: `put ${copy.dest}/bin first on PATH`, edits: [pathEdit(ctx, copy.stage, copy.ins, `${copy.dest}/bin`)] },
      });
      reported.add(copy.dest);
    }
  },
});

/** Prepends a directory to the stage's own ENV PATH, or adds `ENV PATH=dir:$PATH` after the COPY. */
function pathEdit(ctx: CheckContext, stage: Stage, after: Parameters<typeof insertLinesAfter>[1], dir: string) {
  const own = pathEntries(ctx.file, stage).find((e) => e.ins.stage === stage && e.ins.index > after.index);
  if (own) return { start: own.start, end: own.start, text: `${dir}:` };
  return insertLinesAfter(ctx.file.source, after, [`ENV PATH="${dir}:$PATH"`]);
}
