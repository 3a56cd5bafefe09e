import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../dockerfile/model.js";
import { cacheMountCovers, commandEnv, stagesOf, userAt, type RunCommand } from "../dockerfile/query.js";
import { findFlag } from "../shell/invocation.js";
import { systemPackageOp } from "../shell/packages.js";
import { pythonOp } from "../shell/python.js";
import { bootstrapsOnly, pythonInstall } from "./lib/build-steps.js";
import { removedPaths } from "./lib/cleanup.js";
import { estimates } from "./lib/estimates.js";
import { fileEditable } from "./lib/moves.js";
import { defineCheck, type Fix, type TextEdit } from "./types.js";

type Tool = "pip" | "uv" | "poetry" | "apt";

interface Need {
  tool: Tool;
  cmd: SimpleCommand;
  label: Word[];
  /** Mount options after type=cache, e.g. "target=/root/.cache/pip". */
  mounts: string[];
  /** Edits that stop the step from defeating the mount (--no-cache-dir, removing the lists it caches); undefined when that cannot be done safely. */
  edits: TextEdit[] | undefined;
  packages: number;
}

const APT_DIRS = ["/var/cache/apt", "/var/lib/apt"];

/**
 * Removes a word with the space before it; a word that starts a continuation line goes with the space after it
 * instead, so the line layout stays.
 */
function dropWord(source: string, cmd: SimpleCommand, word: Word): TextEdit {
  const i = cmd.words.indexOf(word);
  const prev = cmd.words[i - 1];
  const next = cmd.words[i + 1];
  if (prev && next && source.slice(prev.span.end, word.span.start).includes("\n")) return { start: word.span.start, end: next.span.start, text: "" };
  return { start: prev ? prev.span.end : word.span.start, end: word.span.end, text: "" };
}

/** Removes a whole command with the `&&`, `;` or newline that joins it to the one before. */
function dropCommand(ins: Instruction, cmd: SimpleCommand): TextEdit | undefined {
  const top = (ins.shell?.commands ?? []).filter((c) => !c.nested);
  const i = top.indexOf(cmd);
  if (i <= 0 || !["&&", ";", "newline"].includes(cmd.separator)) return undefined;
  return { start: top[i - 1].span.end, end: cmd.span.end, text: "" };
}

const underApt = (p: string) => APT_DIRS.some((d) => p === d || p.startsWith(d + "/"));

/** The apt cleanups a cache mount makes pointless (they would empty the cache on every build). */
function aptCleanups(source: string, ins: Instruction): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const cmd of ins.shell?.commands ?? []) {
    const op = systemPackageOp(cmd);
    const paths = removedPaths(cmd);
    const clean = op?.manager === "apt" && op.action === "clean";
    if (!clean && !paths.some(underApt)) continue;
    if (clean || paths.every(underApt)) {
      const e = dropCommand(ins, cmd);
      if (!e) return undefined;
      edits.push(e);
    } else {
      for (const w of cmd.words) if (underApt(w.text)) edits.push(dropWord(source, cmd, w));
    }
  }
  return edits;
}

function pythonNeed(source: string, rc: RunCommand): Need | undefined {
  const op = pythonOp(rc.cmd);
  if (!op || !op.verb) return undefined;
  let tool: Tool;
  let envOff: string;
  let envDir: string;
  let dir: string;
  let flags: string[];
  if (op.tool === "pip" && ["install", "wheel", "download"].includes(op.action)) {
    [tool, envOff, envDir, dir, flags] = ["pip", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "~/.cache/pip", ["--no-cache-dir"]];
  } else if ((op.tool === "uv-pip" && ["install", "sync", "compile"].includes(op.action)) || (op.tool === "uv" && ["sync", "add", "lock"].includes(op.action))) {
    [tool, envOff, envDir, dir, flags] = ["uv", "UV_NO_CACHE", "UV_CACHE_DIR", "~/.cache/uv", ["--no-cache", "-n"]];
  } else if (op.tool === "poetry" && ["install", "sync", "add", "lock", "update"].includes(op.action)) {
    [tool, envOff, envDir, dir, flags] = ["poetry", "POETRY_NO_CACHE", "POETRY_CACHE_DIR", "~/.cache/pypoetry", ["--no-cache"]];
  } else return undefined;
  // Offline installs download nothing; upgrading pip itself is not worth a mount.
  if (findFlag(op.args, "--no-index", "--offline")) return undefined;
  const inst = pythonInstall(rc.cmd);
  if (inst && (bootstrapsOnly(inst) || !inst.resolves)) return undefined;
  // Caching switched off through the environment is a deliberate choice; a flag on the command is what the mount replaces.
  if (commandEnv(rc, envOff) !== undefined) return undefined;
  const custom = commandEnv(rc, envDir);
  if (custom !== undefined && /[$`]/.test(custom)) return undefined;
  const target = (custom ?? dir).replace(/^~(?=\/|$)/, "/root");
  if (cacheMountCovers(rc.ins, target, rc.stage)) return undefined;
  const edits = op.args.filter((w) => flags.some((f) => w.text === f)).map((w) => dropWord(source, rc.cmd, w));
  return {
    tool,
    cmd: rc.cmd,
    label: [op.inv.toolWord, op.verb],
    mounts: [`target=${target}`],
    edits,
    packages: op.targets.length,
  };
}

function needsOf(source: string, ins: Instruction, stage: Stage): Need[] {
  const user = userAt(stage, ins);
  const name = user.split(":")[0];
  // A cache mount belongs to root: a non-root step would need the user's uid and home, which the file rarely states.
  const root = name === "root" || name === "0";
  const needs: Need[] = [];
  const seen = new Set<Tool>();
  for (const cmd of ins.shell?.commands ?? []) {
    const sys = systemPackageOp(cmd);
    if (sys?.manager === "apt" && (sys.action === "install" || sys.action === "upgrade") && !seen.has("apt")) {
      if (APT_DIRS.some((d) => cacheMountCovers(ins, d, stage)) || cacheMountCovers(ins, "/var/lib/apt/lists", stage)) continue;
      seen.add("apt");
      needs.push({
        tool: "apt",
        cmd,
        label: [sys.inv.toolWord, sys.verb!],
        mounts: APT_DIRS.map((d) => `target=${d},sharing=locked`),
        edits: aptCleanups(source, ins),
        packages: sys.packages.length,
      });
      continue;
    }
    const need = root ? pythonNeed(source, { ins, cmd, stage }) : undefined;
    if (need && !seen.has(need.tool)) {
      seen.add(need.tool);
      needs.push(need);
    } else if (need) {
      needs.find((n) => n.tool === need.tool)!.edits?.push(...(need.edits ?? []));
    }
  }
  return needs;
}

function fixFor(file: DockerfileModel, ins: Instruction, needs: Need[]): Fix {
  const at = ins.flags[0]?.span.start ?? ins.argsSpan?.start;
  const mounts = needs.flatMap((n) => n.mounts).map((m) => `--mount=type=cache,${m} `).join("");
  const description = `add ${mounts.trim()} to this RUN`;
  if (at === undefined || needs.some((n) => n.edits === undefined) || !fileEditable(file)) return { kind: "suggestion", description, edits: [] };
  return { kind: "suggestion", description, edits: [{ start: at, end: at, text: mounts }, ...needs.flatMap((n) => n.edits ?? [])] };
}

export default defineCheck({
  meta: {
    id: "cache-mounts-available",
    title: "Package downloads could use a BuildKit cache mount",
    category: "cache",
    severity: "info",
    fix: "suggestion",
    docs:
      "This Dockerfile already relies on BuildKit (RUN --mount, heredocs, `# syntax=`, COPY --chmod/--link), so its " +
      "installs can keep their download caches in `RUN --mount=type=cache`: the cache lives in the builder, never in a " +
      "layer, and a rebuild that reruns the step (a changed requirement, a new base) fetches only what changed instead " +
      "of every package again (about a second per package, minutes for a data stack). For pip use target=/root/.cache/pip " +
      "(drop --no-cache-dir, which would bypass it); uv target=/root/.cache/uv (set UV_LINK_MODE=copy to silence its " +
      "hard-link warning); poetry target=/root/.cache/pypoetry; apt target=/var/cache/apt and target=/var/lib/apt with " +
      "sharing=locked, without deleting the lists in the same RUN (Debian images also carry /etc/apt/apt.conf.d/docker-clean, " +
      "which deletes downloaded .debs: remove it to cache those too). One finding per RUN; silent where a cache mount already covers the tool, where caching is switched off image-wide " +
      "(PIP_NO_CACHE_DIR, UV_NO_CACHE), for offline wheelhouse installs, for steps run by a non-root USER (the mount " +
      "would need its uid and home), and when nothing shows BuildKit is in use.",
  },
  check(ctx) {
    if (!ctx.file.buildkit) return;
    for (const stage of stagesOf(ctx.file, "built")) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== "RUN" || !ins.shell) continue;
        const needs = needsOf(ctx.file.source.text, ins, stage);
        if (needs.length === 0) continue;
        const [first] = needs;
        const names = needs.map((n) => n.tool);
        const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
        ctx.report(
          { start: first.label[0].span.start, end: first.label[1].span.end },
          {
            message: `${list} could keep ${names.length === 1 ? "its" : "their"} downloads in a BuildKit cache mount (${needs
              .flatMap((n) => n.mounts)
              .map((m) => `--mount=type=cache,${m}`)
              .join(" ")}): a rerun of this step would not fetch everything again`,
            impact: estimates.cacheMountDownloads(needs.reduce((n, x) => n + x.packages, 0) || ctx.project.dependencies().size),
            fix: fixFor(ctx.file, ins, needs),
          },
        );
      }
    }
  },
});
