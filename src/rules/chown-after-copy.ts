import type { Instruction, SimpleCommand, Stage, Word } from "../dockerfile/model.js";
import { inheritedInstructions, workdirAt } from "../dockerfile/query.js";
import { invocation } from "../shell/invocation.js";
import { pythonOp, installsProject } from "../shell/python.js";
import { systemPackageOp } from "../shell/packages.js";
import { copyDestination, copyParts, fromContext, isWholeContext, SYSTEM_DIRS, within, type CopyParts } from "./lib/paths.js";
import { resolvePath } from "./lib/python-env.js";
import { deleteInstruction } from "./lib/run-edit.js";
import { defineCheck, type CheckContext, type Fix, type TextEdit } from "./types.js";

interface Copied {
  ins: Instruction;
  parts: CopyParts;
  dest: string;
  intoDir: boolean;
}

/** A `chown`/`chmod` command, its owner or mode and the paths it changes. */
interface Change {
  tool: "chown" | "chmod";
  value: Word;
  paths: Word[];
  recursive: boolean;
}

const CHOWN_FLAGS = new Set(["-R", "--recursive", "-h", "--no-dereference", "-v", "--verbose", "-c", "--changes", "-f", "--silent", "--quiet", "-H", "-L", "-P"]);
const CHMOD_FLAGS = new Set(["-R", "--recursive", "-v", "--verbose", "-c", "--changes", "-f", "--silent", "--quiet"]);

function parseChange(cmd: SimpleCommand): Change | undefined {
  const inv = invocation(cmd);
  if (inv.tool !== "chown" && inv.tool !== "chmod") return undefined;
  const known = inv.tool === "chown" ? CHOWN_FLAGS : CHMOD_FLAGS;
  let recursive = false;
  const rest: Word[] = [];
  for (const w of inv.args) {
    if (known.has(w.text) || (inv.tool === "chown" ? /^-[RhvcfHLP]+$/ : /^-[Rvcf]+$/).test(w.text)) {
      if (w.text === "--recursive" || (/^-[A-Za-z]+$/.test(w.text) && w.text.includes("R"))) recursive = true;
      continue;
    }
    // --from, --reference and friends change what is touched: leave such commands alone.
    if (w.text.startsWith("--")) return undefined;
    rest.push(w);
  }
  if (rest.length < 2) return undefined;
  return { tool: inv.tool, value: rest[0], paths: rest.slice(1), recursive };
}

/** Does changing `path` touch files the COPY brought in? */
function touches(path: string, recursive: boolean, copy: Copied): boolean {
  if (!copy.intoDir) {
    if (recursive) return within(copy.dest, path);
    // A single source without an extension is often a directory (`COPY --from=build /opt/venv /opt/venv`): changing
    // only the directory itself rewrites no file, so speak up only for what looks like a file.
    return path === copy.dest && /\.[^/]+$/.test(copy.parts.sources[0]?.text ?? "");
  }
  if (recursive && within(copy.dest, path)) return true;
  return path !== copy.dest && within(path, copy.dest);
}

/** Commands that, run inside a directory, do not write into it. */
const CWD_SAFE = new Set(["useradd", "adduser", "groupadd", "addgroup", "usermod", "echo", "true", "set", "export", "ln", "chown", "chmod", "id", "ls", "cat"]);

const pathLike = (t: string) => t.startsWith("/") || t.startsWith(".") || t.startsWith("~") || t.includes("/");

/**
 * What earlier instructions left under `path` besides the COPY: nothing ("none", the COPY creates it), only the
 * directory itself ("dir": WORKDIR, mkdir, a COPY of top-level files the whole-context COPY copies again), or other
 * files ("files": a chown there changes more than the COPY brought, so moving it to the COPY is not exact).
 */
function earlierContent(stage: Stage, run: Instruction, path: string, copy: Copied): "none" | "dir" | "files" {
  // A recursive change over a system directory reaches files no COPY brought.
  if (SYSTEM_DIRS.has(path)) return "files";
  let result: "none" | "dir" = "none";
  for (const ins of inheritedInstructions(stage, run)) {
    if (ins === copy.ins || !ins.stage) continue;
    if (ins.keyword === "WORKDIR" && ins.args[0]) {
      const dir = resolvePath(ins.stage, ins, ins.args[0].text);
      if (dir === path) result = "dir";
      else if (within(dir, path)) return "files";
      continue;
    }
    const parts = copyParts(ins);
    if (parts) {
      const dest = copyDestination(ins, parts);
      if (!dest) return "files";
      if (!within(dest.path, path) && !within(path, dest.path)) continue;
      // `COPY requirements.txt .` before `COPY . .` into the same directory: the second copy brings those files again.
      const recopied =
        dest.path === copy.dest && dest.intoDir && fromContext(ins, parts) && fromContext(copy.ins, copy.parts) &&
        copy.parts.sources.some((s) => isWholeContext(s.text)) && parts.sources.every((s) => !s.text.replace(/^\.\//, "").includes("/") && !/[*?[]/.test(s.text));
      if (!recopied) return "files";
      result = "dir";
      continue;
    }
    if (ins.keyword !== "RUN" || !ins.shell) continue;
    const runsInside = within(workdirAt(ins.stage, ins) ?? "", path);
    for (const cmd of ins.shell.commands) {
      const inv = invocation(cmd);
      if (runsInside && !CWD_SAFE.has(inv.tool) && !systemPackageOp(cmd)) {
        const op = pythonOp(cmd);
        if (!op || installsProject(op)) return "files";
      }
      for (const w of inv.args) {
        if (!pathLike(w.text) || w.text.startsWith("-")) continue;
        const p = resolvePath(ins.stage, ins, w.text);
        if (!within(p, path)) continue;
        if (p === path && inv.tool === "mkdir") result = "dir";
        else return "files";
      }
    }
  }
  return result;
}

/** Was the path made after the COPY (mkdir earlier in the same RUN or in a RUN between)? Then no copied file. */
function madeAfterCopy(stage: Stage, run: Instruction, cmd: SimpleCommand, path: string, copy: Copied): boolean {
  const runs = stage.instructions.filter((i) => i.keyword === "RUN" && i.index > copy.ins.index && i.index <= run.index);
  return runs.some((r) =>
    (r.shell?.commands ?? []).some((c) => {
      if (r === run && c.span.start >= cmd.span.start) return false;
      const inv = invocation(c);
      return (inv.tool === "mkdir" || inv.tool === "touch") && inv.args.some((w) => !w.text.startsWith("-") && resolvePath(stage, r, w.text) === path);
    }),
  );
}

/** The safe rewrite: `--chown=`/`--chmod=` on the COPY, the RUN deleted (or kept for the pre-existing directory alone). */
function exactFix(ctx: CheckContext, run: Instruction, change: Change, copy: Copied, path: string): TextEdit[] | undefined {
  const shell = run.shell!;
  if (shell.commands.length !== 1 || run.json || run.heredocs.length > 0 || run.flags.length > 0 || change.paths.length !== 1) return undefined;
  if (path !== copy.dest || /[*?[]/.test(change.paths[0].text)) return undefined;
  if (!change.value.literal) return undefined;
  if (change.tool === "chown" && (change.value.text.includes(".") && !change.value.text.includes(":"))) return undefined;
  if (change.tool === "chmod" && (!/^[0-7]{3,4}$/.test(change.value.text) || !ctx.file.buildkit)) return undefined;
  if (copy.ins.flags.some((f) => f.name === change.tool)) return undefined;
  // Anything between the COPY and the RUN that writes files could be touched by the change too.
  const between = run.stage!.instructions.filter((i) => i.index > copy.ins.index && i.index < run.index);
  if (between.some((i) => i.keyword === "RUN" || i.keyword === "COPY" || i.keyword === "ADD")) return undefined;
  const earlier = earlierContent(run.stage!, run, path, copy);
  if (earlier === "files") return undefined;
  const flag: TextEdit = { start: copy.ins.keywordSpan.end, end: copy.ins.keywordSpan.end, text: ` --${change.tool}=${change.value.text}` };
  if (earlier === "none") return [flag, deleteInstruction(ctx.file, run)];
  // The directory existed before the COPY, which leaves its owner and mode alone: keep the change for it alone.
  const text = ctx.file.source.text;
  return [flag, { start: run.argsSpan!.start, end: run.span.end, text: `${change.tool} ${change.value.text} ${text.slice(change.paths[0].span.start, change.paths[0].span.end)}` }];
}

export default defineCheck({
  meta: {
    id: "chown-after-copy",
    title: "chown/chmod in a RUN after the COPY that brought the files",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "Changing the owner or mode of a file in a later layer stores the whole file again: `COPY . /app` followed by " +
      "`RUN chown -R app:app /app` ships the application twice, `COPY --from=build /opt/venv` followed by a recursive " +
      "chown ships the venv twice (often 100 MB or more). COPY sets both at copy time: `COPY --chown=app:app` (any " +
      "builder) and `COPY --chmod=755` (BuildKit). The safe fix moves the owner or mode onto the COPY and drops the RUN " +
      "when the RUN is only that command over exactly the COPY's destination and nothing else wrote there; when the " +
      "destination directory existed before (WORKDIR), a non-recursive change of the directory itself stays, because " +
      "COPY leaves an existing directory's owner alone. --chmod is offered only when the file already uses BuildKit. " +
      "Silent in stages that do not reach the final image.",
  },
  check(ctx) {
    for (const stage of ctx.file.stages.filter((s) => s.shipped)) {
      const copies: Copied[] = [];
      for (const ins of stage.instructions) {
        const parts = copyParts(ins);
        if (parts) {
          const dest = copyDestination(ins, parts);
          if (dest) copies.push({ ins, parts, dest: dest.path, intoDir: dest.intoDir });
          continue;
        }
        if (ins.keyword !== "RUN" || !ins.shell || copies.length === 0) continue;
        for (const cmd of ins.shell.commands) {
          const change = parseChange(cmd);
          if (!change) continue;
          let hit: { copy: Copied; path: string } | undefined;
          for (const w of change.paths) {
            if (/[*?[]/.test(w.text) && !w.text.endsWith("/*")) continue;
            const path = resolvePath(stage, ins, w.text.replace(/\/\*$/, ""));
            if (path.includes("$")) continue;
            const recursive = change.recursive || w.text.endsWith("/*");
            const copy = [...copies].reverse().find((c) => touches(path, recursive, c));
            if (copy && !madeAfterCopy(stage, ins, cmd, path, copy)) {
              hit = { copy, path };
              break;
            }
          }
          if (!hit) continue;
          const { copy, path } = hit;
          const edits = exactFix(ctx, ins, change, copy, path);
          const flag = `--${change.tool}=${change.value.text}`;
          const fix: Fix = edits
            ? { kind: "safe", description: `${flag} on the COPY at line ${copy.ins.line}, no ${change.tool} layer`, edits }
            : { kind: "suggestion", description: `set the ${change.tool === "chown" ? "owner" : "mode"} on the COPY at line ${copy.ins.line} (${change.tool === "chmod" ? "COPY --chmod=<octal> needs BuildKit" : `COPY --chown=${change.value.text}`}) and drop this ${change.tool}`, edits: [] };
          const bulk = change.recursive || copy.intoDir;
          ctx.report(cmd, {
            message: `${change.tool} over files the ${copy.ins.keyword} at line ${copy.ins.line} brought in stores them a second time: set ${flag.replace(/=.*/, "")} on the ${copy.ins.keyword}`,
            impact: { basis: `the RUN layer holds a second copy of every file it changes: up to everything the ${copy.ins.keyword} at line ${copy.ins.line} brought in` },
            severity: bulk ? undefined : "info",
            fix,
            instruction: ins,
          });
        }
      }
    }
  },
});
