import { posix } from "node:path";
import type { Instruction, Mount, SimpleCommand } from "../dockerfile/model.js";
import { inheritedInstructions, runCommands, stagesOf, workdirAt, type RunCommand } from "../dockerfile/query.js";
import type { ProjectContext } from "../project/context.js";
import { flagValue, hasFlag } from "../shell/invocation.js";
import {
  commandWorkdir,
  installsNamedOnly,
  isNeutralCommand,
  pythonInstall,
  readsFrom,
  type PythonInstall,
} from "./lib/build-steps.js";
import { contextCopy, contextFileAt, normalizeSource, type ContextCopy } from "./lib/context-copy.js";
import { estimates } from "./lib/estimates.js";
import { fileEditable, instructionHead, instructionLines, insertLinesBefore } from "./lib/moves.js";
import { requirementsClosure } from "./lib/requirements.js";
import { defineCheck, type CheckContext, type Fix, type TextEdit } from "./types.js";

const DESCRIPTION = "copy only the dependency manifests first, install the dependencies, then copy the source";

/** A RUN bind-mounting the whole build context: its cache key changes with every file of the context. */
function contextBindMount(ins: Instruction): Mount | undefined {
  return ins.mounts.find((m) => m.type === "bind" && m.options.from === undefined && normalizeSource(m.options.source ?? m.options.src ?? ".") === "");
}

/** Did an install before the source copy already bring in what this install needs (it then only checks them)? */
function preinstalled(before: Instruction[], inst: PythonInstall): boolean {
  const pipLike = inst.op.tool === "pip" || inst.op.tool === "uv-pip";
  // A requirements install needs its own files installed before; a project or tool install, any manifest install.
  const needs = inst.project || !pipLike ? [] : inst.manifests.map((m) => posix.basename(m));
  return before.some((ins) =>
    (ins.shell?.commands ?? []).some((cmd) => {
      const earlier = pythonInstall(cmd);
      if (!earlier || installsNamedOnly(earlier)) return false;
      const has = new Set(earlier.manifests.map((m) => posix.basename(m)));
      return needs.every((n) => has.has(n));
    }),
  );
}

interface SourceCopy {
  copy?: ContextCopy;
  mount?: Mount;
}

function sourceBefore(project: ProjectContext, rc: RunCommand, inst: PythonInstall): SourceCopy | undefined {
  const mount = contextBindMount(rc.ins);
  if (mount) return { mount };
  const chain = inheritedInstructions(rc.stage, rc.ins);
  for (let i = 0; i < chain.length; i++) {
    const copy = contextCopy(chain[i], project);
    if (!copy || !copy.carriesSource || !readsFrom(inst, rc, copy)) continue;
    return preinstalled(chain.slice(0, i), inst) ? undefined : { copy };
  }
  return undefined;
}

const withSlash = (d: string) => (d === "." ? "./" : d.endsWith("/") ? d : `${d}/`);

interface FixPlan {
  manifests: string[];
  /** Text replacements inside the install command, to make it install the dependencies only. */
  depOnly: Array<{ start: number; end: number; text: string }>;
}

function contextKnown(project: ProjectContext): boolean {
  return project.dir !== undefined || project.entries().length > 0;
}

/** Which manifests the dependency-only install needs (context-relative) and how to turn the install into one. */
function planFor(project: ProjectContext, rc: RunCommand, inst: PythonInstall): FixPlan | undefined {
  const wd = commandWorkdir(rc);
  if (wd === undefined) return undefined;
  // Where each manifest came from: the source copy or an earlier COPY (then it is already in place).
  const toContext = (p: string): string | undefined => {
    const abs = posix.resolve(wd, p);
    const found = contextFileAt(rc.stage, rc.ins, abs, project);
    return found && "path" in found && posix.basename(found.path) === posix.basename(abs) ? found.path : undefined;
  };
  const { op } = inst;
  const pipLike = op.tool === "pip" || op.tool === "uv-pip";
  if (pipLike && inst.project) {
    // pip has no "dependencies only" mode: a requirements file (or uv's pyproject reader) stands in for the project.
    if (!contextKnown(project)) return undefined;
    const editable = flagValue(op.args, "-e", "--editable");
    const targets = editable ? [editable.word] : op.targets.filter((w) => /^(\.|\.\.|\/)|\.whl$/.test(w.text));
    if (targets.length !== 1) return undefined;
    const target = targets[0];
    const targetPath = (editable ? editable.value : target.text).replace(/\[.*$/, "");
    const projectPath = /\.whl$|\*/.test(targetPath) ? wd : posix.resolve(wd, targetPath);
    // The project directory may come from an earlier COPY than the source copy (pyproject.toml copied first).
    const inContext = (f: string) => {
      const found = contextFileAt(rc.stage, rc.ins, posix.join(projectPath, f), project);
      return found && "path" in found && project.exists(found.path) ? found.path : undefined;
    };
    const candidates = op.tool === "uv-pip" ? ["requirements.txt", "pyproject.toml"] : ["requirements.txt"];
    const req = candidates.find((f) => inContext(f) !== undefined);
    if (!req) return undefined;
    const reqPath = inContext(req)!;
    const manifests = req === "requirements.txt" ? requirementsClosure(project, reqPath) : [reqPath];
    if (!manifests) return undefined;
    const rel = posix.relative(wd, posix.join(projectPath, req)) || req;
    const edits: FixPlan["depOnly"] = [];
    const at = op.args.indexOf(target);
    // `-e .`: drop the flag word too; `--editable=.` is one word.
    if (editable && !target.text.startsWith("--editable=") && at > 0) edits.push({ start: op.args[at - 1].span.start, end: target.span.start, text: "" });
    edits.push({ start: target.span.start, end: target.span.end, text: `-r ${rel}` });
    return { manifests, depOnly: edits };
  }
  if (pipLike || op.tool === "conda") {
    const manifests = new Set<string>();
    for (const m of inst.manifests) {
      const cp = toContext(m);
      if (cp === undefined) return undefined;
      const files = op.tool === "conda" ? [cp] : requirementsClosure(project, cp);
      if (!files) return undefined;
      for (const f of files) manifests.add(f);
    }
    return { manifests: [...manifests], depOnly: [] };
  }
  // poetry, uv, pdm, pipenv: their manifests by name; lock files only when the context has them.
  if (!contextKnown(project)) return undefined;
  const manifests: string[] = [];
  for (const m of inst.manifests) {
    const cp = toContext(m);
    if (cp === undefined) return undefined;
    if (project.exists(cp)) manifests.push(cp);
    else if (/pyproject\.toml$|Pipfile$/.test(cp)) return undefined;
  }
  const depOnly: FixPlan["depOnly"] = [];
  if (inst.project && op.verb) {
    const flagFor = { poetry: "--no-root", uv: "--no-install-project", pdm: "--no-self" } as Record<string, string>;
    const f = flagFor[op.tool];
    if (!f || hasFlag(op.args, f)) return undefined;
    depOnly.push({ start: op.verb.span.end, end: op.verb.span.end, text: ` ${f}` });
  }
  return { manifests, depOnly };
}

function splice(text: string, base: number, edits: FixPlan["depOnly"]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start - base) + e.text + out.slice(e.end - base);
  return out;
}

/** The RUN to put before the source copy, and whether it replaces the original (moved) or precedes it (kept). */
function installStep(ctx: CheckContext, rc: RunCommand, plan: FixPlan): { text: string; move: boolean } | undefined {
  const { source } = ctx.file;
  const top = (rc.ins.shell?.commands ?? []).filter((c) => !c.nested);
  const k = top.indexOf(rc.cmd);
  if (k < 0) return undefined;
  const others = top.filter((c) => c !== rc.cmd);
  if (plan.depOnly.length === 0 && others.every(isNeutralCommand)) {
    return { text: instructionLines(source, rc.ins).text.replace(/^[ \t]+/, "").replace(/\n$/, ""), move: true };
  }
  if (rc.ins.json || !top.slice(0, k).every(isNeutralCommand)) return undefined;
  const flags = rc.ins.flags.map((f) => source.slice(f.span) + " ").join("");
  let first: SimpleCommand = top[0];
  if (rc.ins.heredocs.length > 0) {
    // A heredoc body separates commands with newlines: carry over only the install, when nothing before it matters.
    if (!top.slice(0, k).every((c) => c.name === "set")) return undefined;
    first = rc.cmd;
  }
  const text = splice(source.text.slice(first.span.start, rc.cmd.span.end), first.span.start, plan.depOnly);
  if (rc.ins.heredocs.length > 0 && text.includes("\n")) return undefined;
  return { text: `RUN ${flags}${text}`, move: false };
}

/** Instructions between the source copy and the install that the install may safely jump over. */
function betweenIsNeutral(ctx: CheckContext, rc: RunCommand, inst: PythonInstall, copy: ContextCopy, needWorkdir: boolean): boolean {
  const between = rc.stage.instructions.filter((i) => i.index > copy.ins.index && i.index < rc.ins.index);
  let workdirSeen = false;
  for (const ins of between) {
    if (ins.keyword === "LABEL" || ins.keyword === "EXPOSE") continue;
    if (ins.keyword === "WORKDIR") {
      if (needWorkdir && !ins.args[0]?.text.startsWith("/")) return false;
      workdirSeen = true;
      continue;
    }
    const other = contextCopy(ins, ctx.project);
    if (other && !readsFrom(inst, rc, other) && (!needWorkdir || workdirSeen || other.dest.text.startsWith("/"))) continue;
    return false;
  }
  return true;
}

function buildFix(ctx: CheckContext, rc: RunCommand, inst: PythonInstall, copy: ContextCopy): Fix {
  const none: Fix = { kind: "suggestion", description: DESCRIPTION, edits: [] };
  if (copy.ins.stage !== rc.stage || rc.cmd.nested || !copy.dest.literal || !fileEditable(ctx.file)) return none;
  const copyWd = workdirAt(rc.stage, copy.ins);
  const runWd = workdirAt(rc.stage, rc.ins);
  if (copyWd === undefined || runWd === undefined) return none;
  const needWorkdir = copyWd !== runWd;
  if (needWorkdir && !copy.dest.text.startsWith("/")) return none;
  if (!betweenIsNeutral(ctx, rc, inst, copy, needWorkdir)) return none;
  const plan = planFor(ctx.project, rc, inst);
  if (!plan) return none;
  const step = installStep(ctx, rc, plan);
  if (!step) return none;
  const lines: string[] = needWorkdir ? [`WORKDIR ${runWd}`] : [];
  const copyFlags = copy.ins.flags.map((f) => ctx.file.source.slice(f.span) + " ").join("");
  const byDir = new Map<string, string[]>();
  for (const m of plan.manifests) {
    if (copiedBefore(ctx, copy, m)) continue;
    const dir = posix.dirname(m) === "." ? "" : posix.dirname(m);
    byDir.set(dir, [...(byDir.get(dir) ?? []), m]);
  }
  for (const [dir, files] of byDir) {
    const base = copy.dest.text;
    const dest = withSlash(dir === "" ? base : base === "." || base === "./" ? `./${dir}` : posix.join(base, dir));
    lines.push(`COPY ${copyFlags}${files.join(" ")} ${dest}`);
  }
  lines.push(step.text);
  const edits: TextEdit[] = [insertLinesBefore(ctx.file.source, copy.ins, lines)];
  if (step.move) {
    const { start, end } = instructionLines(ctx.file.source, rc.ins);
    edits.push({ start, end, text: "" });
  }
  return { kind: "suggestion", description: DESCRIPTION, edits };
}

/** Did a COPY before the source copy already bring in this context file? */
function copiedBefore(ctx: CheckContext, copy: ContextCopy, file: string): boolean {
  return inheritedInstructions(copy.ins.stage!, copy.ins).some((ins) =>
    contextCopy(ins, ctx.project)?.sources.some((s) => s.path === file || (s.directory && file.startsWith(s.path + "/"))),
  );
}

export default defineCheck({
  meta: {
    id: "deps-after-source",
    title: "Dependencies are installed after the source is copied",
    category: "cache",
    severity: "warning",
    fix: "suggestion",
    docs:
      "Docker reuses a cached layer only while everything above it is unchanged. A dependency install (`pip install -r`, " +
      "`pip install .`, `poetry install`, `uv sync`, `pipenv install`, `pdm install`, `pip wheel .`) placed after a COPY " +
      "that brings in the source reruns on every code change: a full resolve, download and install, typically 30 s to " +
      "several minutes (about 1.5 s per distribution from wheels, far more when something compiles). Copy only the " +
      "manifests first (requirements*.txt, pyproject.toml with its lock file, Pipfile*), install the dependencies alone " +
      "(`poetry install --no-root`, `uv sync --no-install-project`, `pdm install --no-self`), then copy the source and " +
      "install the project itself, which takes a second. A RUN that bind-mounts the whole context has the same problem. " +
      "Silent for installs from a prepared wheelhouse (`--no-index --find-links`), `--no-deps` installs, and when the " +
      "dependencies were installed from the manifests before the source arrived. Stages the target never builds are skipped.",
  },
  check(ctx) {
    for (const stage of stagesOf(ctx.file, "built")) {
      for (const rc of runCommands(stage)) {
        const inst = pythonInstall(rc.cmd);
        if (!inst || !inst.resolves || installsNamedOnly(inst)) continue;
        const found = sourceBefore(ctx.project, rc, inst);
        if (!found) continue;
        const label = ctx.file.source.slice({ start: inst.op.inv.toolWord.span.start, end: (inst.op.verb ?? inst.op.inv.toolWord).span.end });
        const where = found.copy
          ? `after \`${instructionHead(ctx.file.source, found.copy.ins)}\` (line ${found.copy.ins.line}${found.copy.ins.stage !== stage ? `, stage ${found.copy.ins.stage?.name ?? found.copy.ins.stage?.index}` : ""})`
          : "with the whole build context bind-mounted";
        ctx.report(
          { start: inst.op.inv.toolWord.span.start, end: (inst.op.verb ?? inst.op.inv.toolWord).span.end },
          {
            message: `${label} runs ${where}: every source change reinstalls all dependencies`,
            impact: estimates.dependencyInstall(ctx.project.dependencies().size),
            fix: found.copy
              ? buildFix(ctx, rc, inst, found.copy)
              : { kind: "suggestion", description: "bind-mount only the manifests for the dependency install (source=requirements.txt,target=requirements.txt), then copy the source", edits: [] },
          },
        );
      }
    }
  },
});

