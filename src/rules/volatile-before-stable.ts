import { posix } from "node:path";
import type { Instruction, Stage } from "../dockerfile/model.js";
import { stagesOf, workdirAt } from "../dockerfile/query.js";
import type { ProjectContext } from "../project/context.js";
import { systemPackageOp } from "../shell/packages.js";
import { isNeutralCommand, pythonInstall, readsFrom, slowSteps, type SlowStep } from "./lib/build-steps.js";
import { contextCopy, mentionsCopy, placements, type ContextCopy } from "./lib/context-copy.js";
import { estimates } from "./lib/estimates.js";
import { fileEditable, instructionHead, moveInstructions } from "./lib/moves.js";
import { defineCheck, type CheckContext, type Fix, type Impact } from "./types.js";

/** Why an ARG name suggests a value that changes with every build, or undefined. */
export function volatileArg(name: string, project: ProjectContext): string | undefined {
  const t = name.toLowerCase().split(/[_-]+/).filter(Boolean);
  const has = (...w: string[]) => w.some((x) => t.includes(x));
  if (has("commit")) return "a commit";
  if (has("sha", "hash", "revision", "rev", "ref") && (t.length === 1 || has("git", "vcs", "source", "src", "ci", "build", "app", "image", "release", "head", "code"))) return "a commit hash";
  if (has("date", "time", "timestamp", "datetime") && (t.length === 1 || has("build", "created", "image", "release"))) return "a build date";
  if (has("number", "num", "id") && has("build", "ci", "pipeline", "job", "run")) return "a build number";
  if (has("cachebust", "cachebuster") || (has("cache") && has("bust", "buster"))) return "a cache buster";
  if (t.at(-1) === "version" && (t.length === 1 || ["app", "application", "build", "release", "image", "project", "service", "product", "docker"].includes(t[0]))) return "a version";
  if (t.at(-1) === "version" && t.length > 1 && t.slice(0, -1).join("-") === projectName(project)) return "the project's version";
  if (has("tag", "semver") && (t.length === 1 || has("git", "image", "build", "release"))) return "a release tag";
  return undefined;
}

function projectName(project: ProjectContext): string | undefined {
  const py = project.pyproject() as { project?: { name?: unknown }; tool?: { poetry?: { name?: unknown } } } | undefined;
  const name = py?.project?.name ?? py?.tool?.poetry?.name;
  return typeof name === "string" ? name.toLowerCase().replace(/[_.]+/g, "-") : undefined;
}

function references(ctx: CheckContext, ins: Instruction, name: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  return new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(ctx.file.source.slice(ins.span));
}

function runText(ctx: CheckContext, ins: Instruction): string {
  return ctx.file.source.slice(ins.span);
}

/** Stages built FROM this one, directly or through others. */
function descendants(ctx: CheckContext, stage: Stage): Stage[] {
  return ctx.file.stages.filter((s) => {
    for (let p = s.parent; p; p = p.parent) if (p === stage) return s.built;
    return false;
  });
}

function stepLabel(ctx: CheckContext, step: SlowStep): string {
  const op = step.system ?? step.python!.op;
  const words = op.verb ? `${op.inv.toolWord.text.replace(/^.*\//, "")} ${op.verb.text}` : op.inv.toolWord.text;
  return `${words} (line ${ctx.file.source.positionAt(step.rc.cmd.span.start).line})`;
}

function impactOf(ctx: CheckContext, steps: SlowStep[]): Impact {
  const parts = steps.map((s) =>
    s.system ? estimates.systemPackages(s.packages) : estimates.dependencyInstall(s.packages || ctx.project.dependencies().size),
  );
  return {
    seconds: parts.reduce((n, p) => n + (p.seconds ?? 0), 0),
    basis: `rerun on every change: ${steps.map((s, i) => `${stepLabel(ctx, s)}: ${parts[i].basis}`).join("; ")}`,
  };
}

function describe(ctx: CheckContext, steps: SlowStep[]): string {
  const labels = [...new Set(steps.map((s) => stepLabel(ctx, s)))];
  return labels.length === 1 ? `the slow ${labels[0]}` : `${labels.length} slow steps: ${labels.join(", ")}`;
}

/** Slow steps after `from` in its stage that a COPY of source does not feed. */
function stepsUnrelatedToCopy(ctx: CheckContext, stage: Stage, copy: ContextCopy): SlowStep[] {
  const out: SlowStep[] = [];
  for (const ins of stage.instructions) {
    if (ins.index <= copy.ins.index || ins.keyword !== "RUN") continue;
    if (mentionsCopy(copy, runText(ctx, ins))) continue;
    for (const step of slowSteps(ins, stage)) {
      if (step.system && step.system.packages.some((w) => /^[./]/.test(w.text))) continue;
      if (step.python && (step.python.project || readsFrom(step.python, step.rc, copy))) continue;
      out.push(step);
    }
  }
  return out;
}

type Placed = Array<{ path: string }>;

function placedPaths(ctx: CheckContext, ins: Instruction): Placed | undefined {
  const wd = workdirAt(ins.stage!, ins);
  if (wd === undefined) return undefined;
  const copy = contextCopy(ins, ctx.project);
  if (copy) return placements(copy, wd)?.map((p) => ({ path: p.file ?? p.dir ?? p.glob!.dir }));
  const dest = (ins.json ?? ins.args).at(-1);
  return dest && dest.literal ? [{ path: posix.resolve(wd, dest.text) }] : undefined;
}

function overlaps(a: Placed, b: Placed): boolean {
  const within = (x: string, y: string) => x === y || x.startsWith(y === "/" ? "/" : y + "/");
  return a.some((p) => b.some((q) => within(p.path, q.path) || within(q.path, p.path)));
}

/** A RUN that cannot depend on the moved COPY: only environment-preparing commands, none naming its files. */
function runIndependentOf(ctx: CheckContext, ins: Instruction, copy: ContextCopy): boolean {
  if (mentionsCopy(copy, runText(ctx, ins))) return false;
  return (ins.shell?.commands ?? []).every((cmd) => {
    if (!isNeutralCommand(cmd)) return false;
    const py = pythonInstall(cmd);
    if (py && readsFrom(py, { ins, cmd, stage: ins.stage! }, copy)) return false;
    return !(systemPackageOp(cmd)?.packages ?? []).some((w) => /^[./]/.test(w.text));
  });
}

function copyFix(ctx: CheckContext, copy: ContextCopy, steps: SlowStep[]): Fix {
  const description = "move the COPY below the slow steps that do not need it";
  const none: Fix = { kind: "suggestion", description, edits: [] };
  const last = steps.reduce((a, s) => (s.rc.ins.index > a.index ? s.rc.ins : a), steps[0].rc.ins);
  const mine = placedPaths(ctx, copy.ins);
  if (!mine || !fileEditable(ctx.file)) return none;
  const copyText = ctx.file.source.slice(copy.ins.span);
  for (const ins of copy.ins.stage!.instructions) {
    if (ins.index <= copy.ins.index || ins.index > last.index) continue;
    switch (ins.keyword) {
      case "RUN":
        if (!runIndependentOf(ctx, ins, copy)) return none;
        break;
      case "COPY":
      case "ADD": {
        const theirs = placedPaths(ctx, ins);
        if (!theirs || overlaps(mine, theirs)) return none;
        break;
      }
      case "WORKDIR":
        if (!copy.dest.text.startsWith("/")) return none;
        break;
      case "ENV":
      case "ARG":
        if (copyText.includes("$")) return none;
        break;
      case "USER":
      case "LABEL":
      case "EXPOSE":
        break;
      default:
        return none;
    }
  }
  return { kind: "suggestion", description, edits: moveInstructions(ctx.file.source, [copy.ins], { after: last }) };
}

function argFix(ctx: CheckContext, arg: Instruction, steps: SlowStep[]): Fix {
  const description = "declare the ARG after the slow steps, just before its first use";
  const none: Fix = { kind: "suggestion", description, edits: [] };
  if (steps.some((s) => s.rc.stage !== arg.stage) || !fileEditable(ctx.file)) return none;
  const last = steps.reduce((a, s) => (s.rc.ins.index > a.index ? s.rc.ins : a), steps[0].rc.ins);
  const names = arg.properties.map((p) => p.name);
  const carried: Instruction[] = [];
  for (const ins of arg.stage!.instructions) {
    if (ins.index <= arg.index || ins.index > last.index) continue;
    const uses = names.some((n) => references(ctx, ins, n));
    if (uses) {
      // Metadata that only records the value moves along; anything else that uses it pins the ARG in place.
      if (ins.keyword !== "LABEL") return none;
      carried.push(ins);
    } else if (ins.keyword === "RUN" && !(ins.shell?.commands ?? []).every(isNeutralCommand)) {
      // A script may read the value from its environment without naming it.
      return none;
    }
  }
  return { kind: "suggestion", description, edits: moveInstructions(ctx.file.source, [arg, ...carried], { after: last }) };
}

function checkArg(ctx: CheckContext, stage: Stage, arg: Instruction): void {
  for (const p of arg.properties) {
    const why = /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name) ? volatileArg(p.name, ctx.project) : undefined;
    if (!why) continue;
    const later = stage.instructions.filter((i) => i.index > arg.index);
    const steps = later
      .filter((i) => i.keyword === "RUN" && !references(ctx, i, p.name))
      .flatMap((i) => slowSteps(i, stage))
      .filter((s) => !s.python?.project);
    // The stage's result changes with the value when a RUN follows or an instruction records it: every stage
    // built FROM it then rebuilds from scratch.
    const changesStage = later.some((i) => i.keyword === "RUN" || (["ENV", "COPY", "ADD", "WORKDIR", "USER"].includes(i.keyword) && references(ctx, i, p.name)));
    if (changesStage) for (const d of descendants(ctx, stage)) for (const i of d.instructions) if (i.keyword === "RUN") steps.push(...slowSteps(i, d));
    if (steps.length === 0) continue;
    const inherited = steps.some((s) => s.rc.stage !== stage);
    ctx.report(p.nameSpan, {
      message:
        `ARG ${p.name} carries ${why}, which changes with every build, and every RUN after it sees it: ` +
        `${describe(ctx, steps)}${inherited ? " (in stages built FROM this one)" : ""} ${steps.length === 1 ? "reruns" : "rerun"} each time; declare it after them`,
      impact: impactOf(ctx, steps),
      fix: argFix(ctx, arg, steps),
      instruction: arg,
    });
  }
}

export default defineCheck({
  meta: {
    id: "volatile-before-stable",
    title: "Something that changes often sits above slow, stable steps",
    category: "cache",
    severity: "warning",
    fix: "suggestion",
    docs:
      "Docker rebuilds every layer below the first one whose inputs changed. A COPY of part of the source (`COPY src/ " +
      "/app/src`, `COPY app.py .`) placed above system package installs or dependency installs that do not need it makes " +
      "every code change rerun them: seconds to minutes per build (an apt-get install is ~10-30 s, a dependency install " +
      "~1.5 s per distribution). The same holds for an ARG that carries a commit hash, a build date, a build number or " +
      "the application's version: Docker puts declared build arguments into the environment of every later RUN of the " +
      "stage, so a new value is a cache miss for each of them, even those that never mention it. Move the COPY below " +
      "the slow steps, and declare such ARGs just before their first use (a LABEL that records the value can follow " +
      "them). A whole-source copy above a dependency install is reported by deps-after-source instead. ARGs declared " +
      "before the first FROM only reach FROM lines and are not reported; steps that use the copied files or the value " +
      "are not counted.",
  },
  check(ctx) {
    for (const stage of stagesOf(ctx.file, "built")) {
      for (const ins of stage.instructions) {
        if (ins.keyword === "ARG") {
          checkArg(ctx, stage, ins);
          continue;
        }
        const copy = contextCopy(ins, ctx.project);
        if (!copy || !copy.carriesSource) continue;
        const steps = stepsUnrelatedToCopy(ctx, stage, copy);
        if (steps.length === 0) continue;
        const what = copy.whole ? "the whole source" : "source code";
        ctx.report(ins, {
          message: `${instructionHead(ctx.file.source, ins)} copies ${what} above ${describe(ctx, steps)}: any code change reruns ${steps.length === 1 ? "it" : "them"}; copy it after`,
          impact: impactOf(ctx, steps),
          fix: copyFix(ctx, copy, steps),
        });
      }
    }
  },
});
