// The structural rewrite behind the build-toolchain and heavy-base suggestions: the final stage of a file, when it
// builds its Python dependencies with compilers and headers (installed, or brought by a full python image), becomes
// a builder stage that installs them into a virtual environment at a fixed path, and a runtime stage on the slim
// variant of the same image that copies only that environment and installs the shared libraries the build libraries
// imply (libpq-dev -> libpq5). Anything the rewrite cannot place with certainty makes it decline: no edit is better
// than a Dockerfile that builds differently.
import { posix } from "node:path";
import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../dockerfile/model.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { flag, startCommand, workdirAt } from "../dockerfile/query.js";
import { VENV } from "../generate/dockerfile.js";
import type { ProjectContext } from "../project/context.js";
import { nativeNeed } from "../project/native-deps.js";
import { baseShipsPackage, runtimePackagesFor } from "../rules/lib/runtime-libs.js";
import { baseImageFacts, type BaseImageFacts } from "../rules/lib/base-images.js";
import { bootstrapsOnly, commandWorkdir, installsNamedOnly, pythonInstall, type PythonInstall } from "../rules/lib/build-steps.js";
import { contextCopy, contextFileAt, mentionsCopy } from "../rules/lib/context-copy.js";
import { lineEndOf, lineStartOf } from "../rules/lib/moves.js";
import { FULL_IMAGE_TOOLS, slimTagEdit } from "../rules/lib/python-images.js";
import { requirementsClosure } from "../rules/lib/requirements.js";
import { isAndChain } from "../rules/lib/run-edit.js";
import { appInvocation, projectScripts, startCommands } from "../rules/lib/start.js";
import { installRun } from "../rules/lib/system-install.js";
import { apkVirtual, installedNames, packageName, toolchainKind } from "../rules/lib/system-packages.js";
import type { TextEdit } from "../rules/types.js";
import { findFlag, flagValue, invocation } from "../shell/invocation.js";
import { systemPackageOp, type SystemManager } from "../shell/packages.js";
import { pythonOp } from "../shell/python.js";
import { perObjectPair } from "../memo.js";

/** The interpreter of the builder's virtual environment, which pip is pointed at. */
const VENV_PYTHON = `${VENV}/bin/python`;

/** Packages only a build needs besides compilers, build tools and headers. */
const BUILD_HELPERS = new Set(["pkg-config", "pkgconf", "swig"]);

/** Commands that may sit in an install RUN: they prepare or clean up, and run nothing of the application. */
const HOUSEKEEPING = new Set(["rm", "true", ":", "set", "echo", "printf", "mkdir", "cd", "export", "find", "apt-mark", "ls", "test", "["]);

/** Commands that manage users and directories without reading the application's files. */
const ADMINISTRATION = new Set(["useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "mkdir", "true", ":", "set", "echo"]);

/** pip subcommands that act on an environment: pointed at the venv like the installs. */
const PIP_ENV_ACTIONS = new Set(["install", "uninstall", "check", "freeze", "list", "show", "inspect"]);

/** Paths where pip put things in the original image, which moved into the venv. */
const SYSTEM_INSTALL_PATH = /\/usr\/local\/(bin|lib\/python)|\/\.local\/(bin|lib)\b|(site|dist)-packages/;

/** Why the plan stopped; caught in `plan`. Not an Error: most files decline, and a stack trace per file costs more than the planning. */
class Declined {
  constructor(readonly reason: string) {}
}

function decline(reason: string): never {
  throw new Declined(reason);
}

export type RewriteResult = { edit: TextEdit } | { reason: string };

/**
 * The rewrite as one edit replacing the final stage's text, or undefined when the file is not a case handled exactly
 * (see `explainMultiStageRewrite` for the reason).
 */
export function multiStageRewrite(file: DockerfileModel, project: ProjectContext): TextEdit | undefined {
  const result = explainMultiStageRewrite(file, project);
  return "edit" in result ? result.edit : undefined;
}

// Several checks offer the same rewrite of one file: plan it once.
export const explainMultiStageRewrite: (file: DockerfileModel, project: ProjectContext) => RewriteResult = perObjectPair(plan);

function plan(file: DockerfileModel, project: ProjectContext): RewriteResult {
  try {
    return { edit: new Rewrite(file, project).edit() };
  } catch (err) {
    if (err instanceof Declined) return { reason: err.reason };
    throw err;
  }
}

type CommandKind = "pip" | "bootstrap" | "system" | "housekeeping" | "app";
type Place = "builder" | "runtime" | "both";

/** A piece of the output: text for one stage, ordered by the instruction it stands at (`order`) and then `sub`. */
interface Piece {
  order: number;
  sub: number;
  text: string;
  /** Comes from an install, a COPY an install reads, or the venv: what the venv is created before. */
  install?: boolean;
}

/** A RUN cut into consecutive parts by where they go: dependencies, the project install, application steps. */
interface RunPlan {
  ins: Instruction;
  top: SimpleCommand[];
  kinds: CommandKind[];
  /** Index of the first project install among `top`, or -1. */
  project: number;
  /** Index of the first application command among `top`, or -1. */
  app: number;
  /** Goes to the builder, whole or in part: it installs Python packages or system packages for building. */
  builds: boolean;
  /** Installs or removes build packages (compilers, headers...). */
  toolchain: boolean;
  /** Runs only the system package manager (and housekeeping). */
  systemOnly: boolean;
}

class Rewrite {
  private readonly text: string;
  private readonly eol: string;
  private readonly stage: Stage;
  private readonly facts: BaseImageFacts;
  private readonly manager: SystemManager;
  /** The runtime FROM lines, and whether the runtime base differs from the builder's (full -> slim). */
  private readonly runtimeFrom: string;
  private readonly slimmed: boolean;
  private readonly runtimeFacts: BaseImageFacts;
  private readonly builderName: string;
  private readonly builder: Piece[] = [];
  private readonly runtime: Piece[] = [];
  private readonly runs = new Map<Instruction, RunPlan>();
  /** Text edits inside instructions (pip pointed at the venv, --user dropped...), by instruction. */
  private readonly inner = new Map<Instruction, TextEdit[]>();

  constructor(
    private readonly file: DockerfileModel,
    private readonly project: ProjectContext,
  ) {
    this.text = file.source.text;
    this.eol = this.text.includes("\r\n") ? "\r\n" : "\n";
    const stage = file.target;
    if (!stage || stage !== file.stages.at(-1)) decline("the target is not the last stage");
    if (file.problems.length > 0) decline("the file has syntax errors");
    if (stage.parent || stage.image.scratch) decline("the final stage builds on another stage");
    this.stage = stage;
    this.facts = baseImageFacts(stage.image);
    const manager = this.facts.packageManager;
    if (this.facts.family !== "python" || (manager !== "apt" && manager !== "apk")) decline(`${stage.image.raw} is not an official python image`);
    if (/windows|nanoserver/i.test(stage.image.tag ?? "")) decline("Windows images are not rewritten");
    // pip's --python option (pip 22.3) supports Python 3.7 and later.
    const version = /^(\d+)(?:\.(\d+))?/.exec(stage.image.tag ?? "");
    if (version && (Number(version[1]) < 3 || (Number(version[1]) === 3 && Number(version[2] ?? 7) < 7))) {
      decline(`Python ${version[0]} is too old for pip --python`);
    }
    this.manager = manager;
    if (!stage.from.args[0]) decline("the final FROM names no image");
    const fromLines = this.lines(stage.from);
    if (this.facts.variant === "full") {
      const slim = slimTagEdit(stage);
      if (!slim) decline(`no -slim tag can be derived from ${stage.image.raw}`);
      this.runtimeFrom = applyEdits(fromLines.text, fromLines.start, [slim]);
      this.slimmed = true;
      this.runtimeFacts = baseImageFacts({ ...stage.image, tag: `${stage.image.tag ?? ""}-slim` });
    } else {
      this.runtimeFrom = fromLines.text;
      this.slimmed = false;
      this.runtimeFacts = this.facts;
    }
    const taken = new Set(file.stages.map((s) => s.name?.toLowerCase()));
    const name = ["builder", "venv-builder", "python-builder"].find((n) => !taken.has(n));
    if (!name) decline("no free stage name for the builder");
    this.builderName = name;
  }

  edit(): TextEdit {
    const { stage } = this;
    for (const ins of stage.instructions) this.check(ins);
    for (const ins of stage.instructions) if (ins.keyword === "RUN") this.runs.set(ins, this.planRun(ins));
    const pipRuns = [...this.runs.values()].filter((r) => r.kinds.some((k) => k === "pip"));
    if (pipRuns.length === 0) decline("the stage installs no Python packages with pip");
    const toolchainRuns = [...this.runs.values()].filter((r) => r.toolchain);
    if (toolchainRuns.length === 0 && !this.slimmed) decline("no build dependencies: nothing to move out of the final image");

    const copies = this.placeCopies(pipRuns);
    const firstInstall = Math.min(...pipRuns.map((r) => r.ins.index));
    const { runtimePackages, runtimeTools } = this.systemPackages();
    this.checkRuntimeTools(runtimeTools);
    // RUNs: whole, or cut where the builder's part ends.
    for (const plan of this.runs.values()) {
      const { ins } = plan;
      if (!plan.builds) {
        this.add(plan.systemOnly ? this.indexRefreshPlace(plan) : "runtime", ins, this.chunk(ins));
        continue;
      }
      const install = plan.kinds.some((k) => k === "pip" || k === "bootstrap");
      const end = plan.app < 0 ? plan.top.length : plan.app;
      if (plan.project > 0) {
        this.builder.push({ order: ins.index, sub: -3, text: this.chunk(ins, 0, plan.project), install });
        this.builder.push({ order: ins.index, sub: 0, text: this.runPart(ins, plan.project, end), install });
      } else if (plan.app >= 0) {
        this.builder.push({ order: ins.index, sub: 0, text: this.chunk(ins, 0, end), install });
      } else {
        this.builder.push({ order: ins.index, sub: 0, text: this.chunk(ins), install });
      }
      if (plan.app >= 0) this.runtime.push({ order: ins.index, sub: 0, text: this.runPart(ins, plan.app, plan.top.length) });
    }

    // COPY/ADD: manifests the installs read go to the builder; the application's files to the runtime.
    for (const ins of stage.instructions) {
      if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
      if (copies.builderOnly.has(ins)) this.builder.push({ order: ins.index, sub: 0, text: this.chunk(ins, undefined, undefined, stripOwnership(ins)), install: true });
      else if (!copies.dropFromRuntime.has(ins)) this.add("runtime", ins, this.chunk(ins));
    }
    for (const p of copies.generated) this.builder.push(p);

    // Everything else: the image's metadata and start belong to the runtime; ENV and WORKDIR that the builder's steps
    // saw go to both stages, ARGs to the stages whose instructions use them.
    const lastBuilder = Math.max(...this.builder.map((p) => p.order));
    const args: Instruction[] = [];
    for (const ins of stage.instructions) {
      if (["RUN", "COPY", "ADD"].includes(ins.keyword)) continue;
      if (ins.keyword === "ARG") args.push(ins);
      else if ((ins.keyword === "ENV" || ins.keyword === "WORKDIR") && ins.index < lastBuilder) this.add("both", ins, this.chunk(ins));
      else this.add("runtime", ins, this.chunk(ins));
    }
    for (const ins of args) this.add(this.argPlace(ins, lastBuilder, copies.builderOnly), ins, this.chunk(ins));

    // The venv: created before the first install step, copied into the runtime before the first file the
    // application brings in ahead of its dependencies, so code edits reuse the dependency layers.
    const firstBuilderInstall = Math.min(...this.builder.filter((p) => p.install).map((p) => p.order));
    this.builder.push({
      order: firstBuilderInstall,
      sub: -10,
      text: this.linesOf(
        "# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the",
        "# image's pip installs into it (--python), so the runtime receives only the application's packages.",
        `RUN python -m venv --without-pip ${VENV}`,
      ),
    });
    const earlyCopies = this.runtime.filter((p) => p.order < firstInstall && ["COPY", "ADD"].includes(stage.instructions.find((i) => i.index === p.order)?.keyword ?? ""));
    const venvAt = Math.min(firstInstall, ...earlyCopies.map((p) => p.order));
    this.runtime.push({ order: venvAt, sub: -1, text: this.linesOf(`COPY --from=${this.builderName} ${VENV} ${VENV}`, `ENV PATH=${VENV}/bin:$PATH`) });
    if (runtimePackages.length > 0) {
      const at = toolchainRuns.length > 0 ? Math.min(...toolchainRuns.map((r) => r.ins.index), venvAt) : venvAt;
      this.runtime.push({
        order: at,
        sub: -2,
        text: this.linesOf(
          "# System packages the application needs at run time; the build packages stay in the builder stage.",
          ...installRun(this.manager, runtimePackages, this.file.escape, this.eol).split(this.eol),
        ),
      });
    }
    return this.render();
  }

  /** Instructions the rewrite cannot move without changing what they do. */
  private check(ins: Instruction): void {
    if (ins.keyword === "SHELL" || ins.keyword === "ONBUILD") decline(`${ins.keyword} changes how later instructions run`);
    if ((ins.keyword === "COPY" || ins.keyword === "ADD") && flag(ins, "from")) decline(`line ${ins.line} copies from another stage or image`);
    if (ins.mounts.some((m) => m.options.from !== undefined)) decline(`line ${ins.line} mounts another stage or image`);
    for (const p of ins.properties) {
      if ((ins.keyword === "ENV" || ins.keyword === "ARG") && /^PIP_(USER|PREFIX|TARGET|ROOT)$/.test(p.name)) decline(`${p.name} redirects pip away from the venv`);
    }
  }

  private kindOf(cmd: SimpleCommand): CommandKind {
    const inv = invocation(cmd);
    if (inv.tool === "venv" || inv.tool === "virtualenv") decline("the stage creates a virtual environment of its own");
    const op = pythonOp(cmd);
    if (op) {
      if (op.tool !== "pip") decline(`${op.tool} installs are not rewritten`);
      if (op.action === "install") {
        const inst = pythonInstall(cmd);
        return inst && bootstrapsOnly(inst) ? "bootstrap" : "pip";
      }
      if (PIP_ENV_ACTIONS.has(op.action)) return "pip";
      if (["config", "cache", "download", "--version", "-V", "help", ""].includes(op.action)) return "housekeeping";
      decline(`pip ${op.action} is not rewritten`);
    }
    if (systemPackageOp(cmd)) return "system";
    if (HOUSEKEEPING.has(inv.tool)) return "housekeeping";
    return "app";
  }

  private planRun(ins: Instruction): RunPlan {
    const shell = ins.shell;
    if (!shell || shell.errors.length > 0) decline(`the shell code of line ${ins.line} does not parse`);
    const top = shell.commands.filter((c) => !c.nested);
    for (const c of shell.commands.filter((c) => c.nested)) {
      if (pythonOp(c) || ["venv", "virtualenv"].includes(invocation(c).tool)) decline(`line ${ins.line} installs inside a nested shell`);
    }
    const kinds: CommandKind[] = [];
    top.forEach((c, i) => kinds.push(c.separator === "|" && i > 0 ? kinds[i - 1] : this.kindOf(c)));
    const systemOnly = kinds.includes("system") && kinds.every((k) => k === "system" || k === "housekeeping");
    const toolchain = top.some((c) => this.buildsIn(c));
    const project = top.findIndex((c, i) => kinds[i] === "pip" && (pythonInstall(c)?.project ?? false));
    const app = kinds.indexOf("app");
    const builds = toolchain || kinds.some((k) => k === "pip" || k === "bootstrap");
    const plan: RunPlan = { ins, top, kinds, project, app, builds, toolchain, systemOnly };
    if (!builds) return plan;
    if (ins.json && kinds.includes("pip")) decline(`line ${ins.line} is an exec-form install`);
    if (app >= 0 && kinds.slice(app).some((k) => k !== "app" && k !== "housekeeping")) decline(`line ${ins.line} mixes application steps with installs`);
    const cuts = (project > 0 ? 1 : 0) + (app > 0 ? 1 : 0);
    if (app === 0) decline(`line ${ins.line} starts with an application step`);
    if (cuts > 0) {
      if (!isAndChain(ins)) decline(`line ${ins.line} would have to be split, and it is not a plain && chain`);
      const carried = top.slice(0, app < 0 ? top.length : app).filter((c) => ["cd", "export", "set", "source", "."].includes(invocation(c).tool));
      if (carried.length > 0) decline(`line ${ins.line} would have to be split across a \`${carried[0].name}\``);
    }
    for (const [i, cmd] of top.entries()) if (kinds[i] === "pip") this.pointAtVenv(ins, cmd);
    return plan;
  }

  /** Is this a system package command that installs or removes build packages? */
  private buildsIn(cmd: SimpleCommand): boolean {
    const op = systemPackageOp(cmd);
    if (!op || (op.action !== "install" && op.action !== "remove")) return false;
    if (op.action === "install" && apkVirtual(op) !== undefined) return true;
    return installedNames(op).some((n) => this.isBuildPackage(n));
  }

  private gitAtRuntime: boolean | undefined;

  private isBuildPackage(name: string): boolean {
    const kind = toolchainKind(name);
    if (kind === "git") {
      // git stays when the application itself runs it.
      this.gitAtRuntime ??= this.stage.instructions.some(
        (i) => ["CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.keyword) && /\bgit\b/.test(this.file.source.slice(i.span)),
      );
      return !this.gitAtRuntime;
    }
    return kind !== undefined || BUILD_HELPERS.has(name);
  }

  /**
   * Where a system-only RUN without build packages goes: the runtime, unless it only refreshes the package index;
   * then it goes where the next install goes.
   */
  private indexRefreshPlace(plan: RunPlan): Place {
    if (!plan.top.every((c) => (systemPackageOp(c)?.action ?? "update") === "update")) return "runtime";
    const next = [...this.runs.values()].find((r) => r.ins.index > plan.ins.index && r.top.some((c) => systemPackageOp(c)?.action === "install"));
    return next?.builds ? "builder" : "runtime";
  }

  /** Inner edits that make a pip command act on the venv. */
  private pointAtVenv(ins: Instruction, cmd: SimpleCommand): void {
    const op = pythonOp(cmd);
    // A pip command whose words the recogniser cannot take apart (part of a pipeline, say) is not moved blindly.
    if (!op || cmd.separator === "|") decline(`line ${ins.line} runs pip in a form the rewrite cannot read`);
    const edits = this.inner.get(ins) ?? [];
    if (findFlag(op.inv.args, "--python")) decline(`line ${ins.line} already chooses pip's interpreter`);
    if (findFlag(op.args, "--target", "-t", "--root")) decline(`line ${ins.line} installs into a directory tree (--target/--root)`);
    edits.push({ start: op.inv.toolWord.span.end, end: op.inv.toolWord.span.end, text: ` --python ${VENV_PYTHON}` });
    const user = findFlag(op.args, "--user");
    if (user) edits.push(this.dropWords(user, user));
    const prefix = flagValue(op.args, "--prefix");
    if (prefix) edits.push(this.dropWords(prefix.word.text.startsWith("--prefix=") ? prefix.word : op.args[op.args.indexOf(prefix.word) - 1], prefix.word));
    // The venv gets the project itself, not a link to a source tree the runtime may not have.
    const editable = flagValue(op.args, "-e", "--editable");
    if (editable) {
      if (editable.word.text.startsWith("--editable=")) edits.push({ ...editable.word.span, text: shellQuote(editable.value) });
      else {
        const flagWord = op.args[op.args.indexOf(editable.word) - 1];
        edits.push({ start: flagWord.span.start, end: editable.word.span.start, text: "" });
      }
    }
    this.inner.set(ins, edits);
  }

  /** Removes words (and the blanks before them); a continued line left empty goes entirely. */
  private dropWords(first: Word, last: Word): TextEdit {
    const { text } = this;
    const lineStart = lineStartOf(text, first.span.start);
    const lineEnd = lineEndOf(text, last.span.end);
    const after = text.slice(last.span.end, lineEnd);
    const escape = this.file.escape.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    if (text.slice(lineStart, first.span.start).trim() === "" && new RegExp(`^[ \\t]*${escape}\\r?\\n$`).test(after)) {
      return { start: lineStart, end: lineEnd, text: "" };
    }
    let start = first.span.start;
    while (start > 0 && /[ \t]/.test(text[start - 1])) start--;
    return { start, end: last.span.end, text: "" };
  }

  /**
   * Which COPY/ADD instructions the builder needs: copies of nothing but files the installs read move there; an install
   * that reads its files from a copy of the source gets copies of just those files; a project install gets the
   * project's files.
   */
  private placeCopies(pipRuns: RunPlan[]): { builderOnly: Set<Instruction>; dropFromRuntime: Set<Instruction>; generated: Piece[] } {
    const { stage, project } = this;
    const needs: Array<{ ins: Instruction; abs: string; path: string; copy: Instruction; requirement: boolean }> = [];
    const projectInstalls: Array<{ ins: Instruction; copies: Instruction[] }> = [];
    let dependencyLayer = false;
    for (const plan of pipRuns) {
      const { ins } = plan;
      for (const [i, cmd] of plan.top.entries()) {
        if (plan.kinds[i] !== "pip") continue;
        const inst = pythonInstall(cmd);
        if (!inst || inst.op.action !== "install") continue;
        const wd = commandWorkdir({ ins, cmd, stage });
        if (wd === undefined) decline(`cannot tell the working directory of line ${ins.line}`);
        if (inst.project) {
          // A project install resolves its dependencies too: without a dependency install before the source arrives,
          // every code edit would reinstall them all.
          if (!dependencyLayer) decline(`line ${ins.line} installs the project with no dependency install before it`);
          projectInstalls.push({ ins, copies: this.projectCopies(ins, inst, wd) });
          continue;
        }
        if (!installsNamedOnly(inst)) dependencyLayer = true;
        for (const p of [...inst.manifests, ...inst.localTargets.map((w) => w.text)]) {
          if (p.includes("*") || p.includes("$")) decline(`line ${ins.line} installs ${p}, a pattern`);
          const abs = posix.resolve(wd, p);
          const found = contextFileAt(stage, ins, abs, project);
          if (!found) decline(`cannot tell where ${p} of line ${ins.line} comes from`);
          if (!("path" in found)) decline(`${p} of line ${ins.line} is written by a heredoc`);
          needs.push({ ins, abs, path: found.path, copy: found.ins, requirement: inst.manifests.includes(p) });
        }
      }
    }
    const read = new Set(needs.map((n) => n.path));
    const builderOnly = new Set(
      needs
        .map((n) => n.copy)
        .filter((c) => contextCopy(c, project)?.sources.every((s) => !s.directory && !s.path.includes("*") && (s.kind === "manifest" || read.has(s.path)))),
    );
    const generated: Piece[] = [];
    const files = new Map<Instruction, Map<string, string>>(); // install -> image path -> context path
    for (const n of needs) {
      if (builderOnly.has(n.copy)) continue;
      // The file may be in the builder already, from a manifest copy before the source copy that replaced it.
      const earlier = contextFileAt(stage, n.copy, n.abs, project);
      if (earlier && "path" in earlier && earlier.path === n.path && builderOnly.has(earlier.ins)) continue;
      const closure = n.requirement ? requirementsClosure(project, n.path) : [n.path];
      if (!closure) decline(`${n.path} installs a local path, which needs the source`);
      const mine = files.get(n.ins) ?? new Map<string, string>();
      for (const f of closure) mine.set(posix.join(posix.dirname(n.abs), posix.relative(posix.dirname(n.path), f)), f);
      files.set(n.ins, mine);
    }
    for (const [ins, mine] of files) generated.push({ order: ins.index, sub: -5, text: this.manifestCopies(ins, mine), install: true });
    const dropFromRuntime = new Set<Instruction>();
    for (const { ins, copies } of projectInstalls) {
      for (const copy of copies.filter((c) => !builderOnly.has(c))) {
        generated.push({ order: ins.index, sub: -2, text: this.sourceCopy(copy), install: true });
        if (this.runsInstalled(copy)) dropFromRuntime.add(copy);
      }
    }
    return { builderOnly, dropFromRuntime, generated };
  }

  /** The COPY/ADD instructions before a project install that put files into the project's directory. */
  private projectCopies(ins: Instruction, inst: PythonInstall, wd: string): Instruction[] {
    const op = inst.op;
    const editable = flagValue(op.args, "-e", "--editable");
    const targets = editable ? [editable.value] : op.targets.map((w) => w.text).filter((t) => /^(\.|\.\.|\/)/.test(t));
    if (targets.length !== 1 || /\.whl$|\*/.test(targets[0])) decline(`line ${ins.line} installs something other than one project directory`);
    const dir = posix.resolve(wd, targets[0].replace(/\[.*$/, ""));
    const hasManifest = ["pyproject.toml", "setup.py", "setup.cfg"].some((m) => contextFileAt(this.stage, ins, posix.join(dir, m), this.project) !== undefined);
    if (!hasManifest) decline(`cannot tell which COPY brings the project at ${dir}`);
    const copies = this.stage.instructions.filter((c) => {
      if (c.index >= ins.index) return false;
      const copy = contextCopy(c, this.project);
      const cwd = copy && workdirAt(this.stage, c);
      if (!copy || cwd === undefined || !copy.dest.literal) return false;
      const dest = posix.resolve(cwd, copy.dest.text);
      return dest === dir || dest.startsWith(`${dir}/`) || (copy.whole && dir.startsWith(`${dest}/`));
    });
    return copies;
  }

  /**
   * Does the application run from the installed project rather than from its source? Only when every start command is
   * a console script the project declares and no later step of the runtime may read the copied files: a step that
   * names them or their destination, or that runs more than user and package administration.
   */
  private runsInstalled(copy: Instruction): boolean {
    const scripts = projectScripts(this.project);
    // With an ENTRYPOINT, CMD only supplies its arguments.
    const { entrypoint } = startCommand(this.stage);
    const starts = startCommands(this.file, this.stage).filter((s) => !entrypoint || s.ins === entrypoint);
    if (starts.length === 0 || !starts.every((s) => scripts.has(appInvocation(s.cmd).tool))) return false;
    const cc = contextCopy(copy, this.project)!;
    const wd = workdirAt(this.stage, copy);
    const dest = wd === undefined ? undefined : posix.resolve(wd, cc.dest.text);
    return this.stage.instructions.every((i) => {
      const run = this.runs.get(i);
      if (i.index <= copy.index || !run || (run.builds && run.app < 0)) return true;
      const text = this.file.source.slice(i.span);
      if (dest === undefined || mentionsCopy(cc, text) || text.includes(dest)) return false;
      const own = run.builds ? run.top.slice(run.app) : run.top;
      return own.every((c) => systemPackageOp(c) !== undefined || ADMINISTRATION.has(invocation(c).tool));
    });
  }

  private manifestCopies(ins: Instruction, files: Map<string, string>): string {
    const wd = workdirAt(this.stage, ins);
    const byDir = new Map<string, string[]>();
    const lines: string[] = [];
    for (const [abs, ctx] of files) {
      if (posix.basename(abs) !== posix.basename(ctx)) {
        lines.push(`COPY ${ctx} ${abs}`);
        continue;
      }
      const dir = posix.dirname(abs);
      byDir.set(dir, [...(byDir.get(dir) ?? []), ctx]);
    }
    for (const [dir, list] of byDir) lines.unshift(`COPY ${list.join(" ")} ${dir === wd ? "./" : dir === "/" ? "/" : `${dir}/`}`);
    return this.linesOf(...lines);
  }

  /** A copy of the project's files for the builder, without ownership flags for users only the runtime creates. */
  private sourceCopy(ins: Instruction): string {
    return this.chunk(ins, undefined, undefined, stripOwnership(ins)).replace(/^(\r?\n|[ \t]*#[^\n]*\n)+/, "");
  }

  /** System packages for the runtime (kept from builder-bound installs, plus runtime libraries) and its tools. */
  private systemPackages(): { runtimePackages: string[]; runtimeTools: Set<string> } {
    const runtimeInstalled = new Set<string>();
    const removed = new Set<string>();
    const builderInstalls: Array<{ word: Word; name: string; virtual: boolean }> = [];
    for (const plan of this.runs.values()) {
      const toBuilder = plan.builds;
      for (const cmd of plan.top) {
        const op = systemPackageOp(cmd);
        if (!op) continue;
        if (op.manager !== this.manager) decline(`${op.manager} on a ${this.manager} image`);
        if (op.action === "remove") installedNames(op).forEach((n) => removed.add(n));
        if (op.action !== "install") continue;
        const words = op.packages.filter((w) => !w.text.startsWith("-"));
        if (words.some((w) => !w.literal)) decline(`line ${plan.ins.line} installs packages named by a variable`);
        for (const word of words) {
          const name = packageName(word.text, op.manager);
          if (toBuilder) builderInstalls.push({ word, name, virtual: apkVirtual(op) !== undefined });
          else runtimeInstalled.add(name);
        }
      }
      if (toBuilder && plan.top.some((c) => systemPackageOp(c)?.action === "install") && /sources\.list|apt-key|keyrings?\/|\/etc\/apk\/repositories/.test(this.file.source.slice(plan.ins.span))) {
        decline(`line ${plan.ins.line} adds a package repository`);
      }
    }
    const kept: string[] = [];
    const libraries: string[] = [];
    for (const { word, name, virtual } of builderInstalls) {
      if (virtual || this.isBuildPackage(name)) libraries.push(...runtimePackagesFor(name, this.manager));
      else if (!removed.has(name) && !runtimeInstalled.has(name) && !kept.includes(word.text)) kept.push(word.text);
    }
    if (this.slimmed) {
      // The full image carried the headers and libraries of common C extensions; the slim one has only their libraries.
      for (const dist of this.project.dependencies()) libraries.push(...(nativeNeed(dist, "debian")?.runtime ?? []));
    }
    const names = new Set([...runtimeInstalled, ...kept.map((k) => packageName(k, this.manager))]);
    const runtimeLibs = [...new Set(libraries)].filter((p) => !names.has(p) && baseShipsPackage(this.runtimeFacts, p) !== true);
    return { runtimePackages: [...kept, ...runtimeLibs], runtimeTools: new Set([...names, ...runtimeLibs]) };
  }

  /** Runtime steps and start commands must not need what stays in the builder or what the slim image lacks. */
  private checkRuntimeTools(installed: Set<string>): void {
    const runtimeCommands: Array<{ cmd: SimpleCommand; line: number }> = [];
    for (const plan of this.runs.values()) {
      const own = plan.builds ? (plan.app < 0 ? [] : plan.top.slice(plan.app)) : plan.top;
      const nested = (plan.ins.shell?.commands ?? []).filter((c) => c.nested && own.some((o) => c.span.start >= o.span.start && c.span.end <= o.span.end));
      for (const cmd of [...own, ...nested]) runtimeCommands.push({ cmd, line: plan.ins.line });
      const text = own.map((c) => this.file.source.slice(c.span)).join(" ");
      if (SYSTEM_INSTALL_PATH.test(text)) decline(`line ${plan.ins.line} uses a path where pip installed before; the packages move to ${VENV}`);
    }
    for (const s of startCommands(this.file, this.stage)) runtimeCommands.push({ cmd: s.cmd, line: s.ins.line });
    for (const ins of this.stage.instructions) {
      if (!["CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(ins.keyword)) continue;
      const text = this.file.source.slice(ins.span);
      if (SYSTEM_INSTALL_PATH.test(text)) decline(`line ${ins.line} uses a path where pip installed before; the packages move to ${VENV}`);
      if (ins.keyword === "HEALTHCHECK" && this.slimmed) {
        const tool = /\b(curl|wget)\b/.exec(text)?.[1];
        if (tool && !installed.has(tool)) decline(`the health check runs ${tool}, which the slim image lacks`);
      }
    }
    for (const { cmd, line } of runtimeCommands) {
      const tool = appInvocation(cmd).tool;
      const needsBuilder = toolchainKind(tool) !== undefined || ["cc", "c++", "pkg-config"].includes(tool);
      const fullOnly = this.slimmed && FULL_IMAGE_TOOLS.has(tool);
      if ((needsBuilder || fullOnly) && !installed.has(tool)) decline(`line ${line} runs ${tool}, which the runtime stage would not have`);
    }
  }

  /** An ARG goes to the stages whose instructions use it; an unused one stays with the application. */
  private argPlace(ins: Instruction, lastBuilder: number, builderOnly: Set<Instruction>): Place {
    const names = ins.properties.map((p) => p.name);
    const uses = (i: Instruction) => names.some((n) => new RegExp(`\\$\\{?${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(this.file.source.slice(i.span)));
    let byBuilder = this.runs.size > 0 && names.some((n) => n.startsWith("PIP_")); // pip reads PIP_* from the environment
    let byRuntime = false;
    for (const i of this.stage.instructions) {
      if (i === ins || i.keyword === "ARG" || !uses(i)) continue;
      const run = this.runs.get(i);
      const inBuilder = run ? run.builds : builderOnly.has(i) || (["ENV", "WORKDIR"].includes(i.keyword) && i.index < lastBuilder);
      const inRuntime = run ? !run.builds || run.app >= 0 : !builderOnly.has(i);
      byBuilder ||= inBuilder;
      byRuntime ||= inRuntime;
    }
    if (byBuilder && byRuntime) return "both";
    return byBuilder ? "builder" : "runtime";
  }

  private add(place: Place, ins: Instruction, text: string): void {
    if (place !== "runtime") this.builder.push({ order: ins.index, sub: 0, text });
    if (place !== "builder") this.runtime.push({ order: ins.index, sub: 0, text });
  }

  /** The whole lines of an instruction. */
  private lines(ins: Instruction): { start: number; end: number; text: string } {
    const start = lineStartOf(this.text, ins.span.start);
    const end = lineEndOf(this.text, Math.max(ins.span.end - 1, ins.span.start));
    let text = this.text.slice(start, end);
    if (!text.endsWith("\n")) text += this.eol;
    return { start, end, text };
  }

  /** Comment and blank lines between an instruction and the one before it: they travel with it. */
  private lead(ins: Instruction): string {
    const all = this.stage.instructions;
    const prev = all[all.indexOf(ins) - 1] ?? this.stage.from;
    const from = this.lines(prev).end;
    return this.text.slice(from, lineStartOf(this.text, ins.span.start));
  }

  /**
   * An instruction as it goes into a stage: its leading comments, its lines with the inner edits applied, or, for a
   * RUN cut in parts, the part from top-level command `from` up to `to`.
   */
  private chunk(ins: Instruction, from?: number, to?: number, extra: TextEdit[] = []): string {
    const edits = [...(this.inner.get(ins) ?? []), ...extra];
    if (from === undefined) {
      const { start, text } = this.lines(ins);
      return this.lead(ins) + applyEdits(text, start, edits.filter((e) => e.start >= start && e.end <= start + text.length));
    }
    return this.lead(ins) + this.runPart(ins, from, to!);
  }

  /** Top-level commands `from`..`to` of a RUN as a RUN of their own, with the original keyword, flags and indentation. */
  private runPart(ins: Instruction, from: number, to: number): string {
    const plan = this.runs.get(ins)!;
    const head = this.text.slice(lineStartOf(this.text, ins.span.start), plan.top[0].span.start);
    const start = plan.top[from].span.start;
    const end = plan.top[to - 1].span.end;
    const edits = (this.inner.get(ins) ?? []).filter((e) => e.start >= start && e.end <= end);
    return head + applyEdits(this.text.slice(start, end), start, edits) + this.eol;
  }

  private linesOf(...lines: string[]): string {
    return lines.map((l) => l + this.eol).join("");
  }

  private render(): TextEdit {
    const { stage, text, eol } = this;
    const byOrder = (a: Piece, b: Piece) => a.order - b.order || a.sub - b.sub;
    const fromLines = this.lines(stage.from);
    const image = stage.from.args[0];
    const builderFrom = text.slice(fromLines.start, image.span.end) + ` AS ${this.builderName}${eol}`;
    const last = stage.instructions.at(-1)!;
    const trailing = text.slice(this.lines(last).end);
    const out =
      builderFrom +
      [...this.builder].sort(byOrder).map((p) => p.text).join("") +
      eol +
      this.linesOf("# Runtime stage: the virtual environment without the compilers and headers that built it.") +
      this.runtimeFrom +
      [...this.runtime].sort(byOrder).map((p) => p.text).join("") +
      trailing;
    const edit = { start: fromLines.start, end: text.length, text: out };
    this.verify(text.slice(0, edit.start) + out);
    return edit;
  }

  /** The result parses, its shell code too, and it has one stage more than the input. */
  private verify(result: string): void {
    const model = parseDockerfile(this.file.source.path, result);
    const shellErrors = model.instructions.some((i) => (i.shell?.errors.length ?? 0) > 0);
    if (model.problems.length > 0 || shellErrors || model.stages.length !== this.file.stages.length + 1) {
      decline("the rewritten file would not parse");
    }
  }
}

/** Removes `--chown`/`--chmod`: the users they name exist in the runtime stage only. */
function stripOwnership(ins: Instruction): TextEdit[] {
  return ins.flags.filter((f) => f.name === "chown" || f.name === "chmod").map((f) => ({ start: f.span.start, end: f.span.end + 1, text: "" }));
}

function applyEdits(text: string, base: number, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start - base) + e.text + out.slice(e.end - base);
  return out;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
