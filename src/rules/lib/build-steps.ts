import { posix } from "node:path";
import type { Instruction, SimpleCommand, Stage, Word } from "../../dockerfile/model.js";
import { workdirAt, type RunCommand } from "../../dockerfile/query.js";
import { flagValue, hasFlag, invocation } from "../../shell/invocation.js";
import { systemPackageOp, type SystemPackageOp } from "../../shell/packages.js";
import { basename } from "../../shell/parser.js";
import {
  installsProject,
  isDependencyInstall,
  isWheelhouseInstall,
  pythonOp,
  requirementFiles,
  type PythonOp,
} from "../../shell/python.js";
import { contextPathOf, placements, type ContextCopy } from "./context-copy.js";

/** A Python install as the cache checks see it: what it reads and whether it resolves dependencies (the slow part). */
export interface PythonInstall {
  op: PythonOp;
  /** Resolves and fetches dependencies, as opposed to `--no-deps`, `--only-root` or `--no-index --find-links` installs. */
  resolves: boolean;
  /** Builds or installs the project from its source tree (`pip install .`, `poetry install` without --no-root). */
  project: boolean;
  /** Manifest paths the install reads, relative to its working directory (`-r`, `-c`, pyproject.toml, lock files). */
  manifests: string[];
  /** Local paths among the targets (wheels, directories) other than the project itself. */
  localTargets: Word[];
}

const BOOTSTRAP = new Set(["pip", "setuptools", "wheel"]);

function projectDir(op: PythonOp): string {
  return flagValue(op.args, "-C", "--directory", "--project")?.value ?? ".";
}

function isLocalTarget(w: Word): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(w.text) && !w.text.startsWith("git+") && /^[./~]|\/|\.(whl|tar\.gz|zip)$/.test(w.text);
}

export function pythonInstall(cmd: SimpleCommand): PythonInstall | undefined {
  const op = pythonOp(cmd);
  if (!op) return undefined;
  const pipLike = op.tool === "pip" || op.tool === "uv-pip";
  if (!isDependencyInstall(op) && !(pipLike && op.action === "wheel")) return undefined;
  let project = installsProject(op);
  let resolves = true;
  const manifests: string[] = [];
  const dir = projectDir(op);
  const inDir = (f: string) => (dir === "." ? f : posix.join(dir, f));
  switch (op.tool) {
    case "pip":
    case "uv-pip":
      manifests.push(...requirementFiles(op).map((w) => w.text.replace(/^(-r|--requirement=)/, "")));
      manifests.push(...[flagValue(op.args, "-c", "--constraint")?.value].filter((v): v is string => v !== undefined));
      if (op.action === "sync") manifests.push(...op.targets.map((w) => w.text));
      resolves = !hasFlag(op.args, "--no-deps") && !isWheelhouseInstall(op);
      break;
    case "poetry":
      if (hasFlag(op.args, "--no-root")) project = false;
      resolves = !hasFlag(op.args, "--only-root");
      manifests.push(inDir("pyproject.toml"), inDir("poetry.lock"));
      break;
    case "uv":
      if (hasFlag(op.args, "--no-install-project", "--no-install-workspace")) project = false;
      if (op.action === "sync") manifests.push(inDir("pyproject.toml"), inDir("uv.lock"));
      break;
    case "pdm":
      if (hasFlag(op.args, "--no-self")) project = false;
      manifests.push(inDir("pyproject.toml"), inDir("pdm.lock"));
      break;
    case "pipenv":
      project = false;
      if (op.targets.length === 0) manifests.push(inDir("Pipfile"), inDir("Pipfile.lock"));
      break;
    case "conda": {
      const file = flagValue(op.args, "-f", "--file");
      if (file) manifests.push(file.value);
      break;
    }
    case "pipx":
      break;
  }
  // A project install reads the source tree anyway; its local targets are the project itself.
  const localTargets = project ? [] : op.targets.filter((w) => isLocalTarget(w) && !manifests.includes(w.text));
  return { op, resolves, project, manifests, localTargets };
}

/** An install of named distributions from an index only: it reads nothing from the build context. */
export function installsNamedOnly(inst: PythonInstall): boolean {
  return !inst.project && inst.manifests.length === 0 && inst.localTargets.length === 0;
}

/** `pip install --upgrade pip setuptools wheel`: quick, and not what a reorder is about. */
export function bootstrapsOnly(inst: PythonInstall): boolean {
  return inst.op.tool !== "conda" && installsNamedOnly(inst) && inst.op.targets.length > 0 && inst.op.targets.every((w) => BOOTSTRAP.has(w.text.replace(/[<>=~!].*$/, "").toLowerCase()));
}

/** The working directory of a RUN command: the stage's WORKDIR, moved by any `cd` earlier in the same RUN. */
export function commandWorkdir(rc: RunCommand): string | undefined {
  let wd = workdirAt(rc.stage, rc.ins);
  for (const c of rc.ins.shell?.commands ?? []) {
    if (c.span.start >= rc.cmd.span.start || wd === undefined) break;
    if (c.nested || c.name !== "cd") continue;
    const to = c.words[1];
    wd = to && to.literal && !to.text.startsWith("-") ? posix.resolve(wd, to.text) : undefined;
  }
  return wd;
}

/** Does the install read files that the COPY brought in? */
export function readsFrom(inst: PythonInstall, rc: RunCommand, copy: ContextCopy): boolean {
  if (installsNamedOnly(inst)) return false;
  if (copy.whole) return true;
  if (inst.project && copy.carriesSource) return true;
  const wd = commandWorkdir(rc);
  const copyWd = workdirAt(copy.ins.stage!, copy.ins);
  const placed = wd !== undefined && copyWd !== undefined ? placements(copy, copyWd) : undefined;
  const paths = [...inst.manifests, ...inst.localTargets.map((w) => w.text)];
  return paths.some((p) => {
    if (placed && wd !== undefined && !p.includes("$")) return contextPathOf(placed, posix.resolve(wd, p)) !== undefined;
    // Unknown directories: fall back to file names.
    return copy.sources.some((s) => posix.basename(s.path) === posix.basename(p) || p.startsWith(s.path + "/"));
  });
}

/** A slow step that does not depend on the application's source: system packages or dependency installs. */
export interface SlowStep {
  rc: RunCommand;
  system?: SystemPackageOp;
  python?: PythonInstall;
  /** Packages the step names (for the estimate); 0 when they come from a manifest. */
  packages: number;
}

/** Slow steps of one RUN: package installs and dependency installs that resolve against an index. */
export function slowSteps(ins: Instruction, stage: Stage): SlowStep[] {
  const out: SlowStep[] = [];
  for (const cmd of ins.shell?.commands ?? []) {
    const rc = { ins, cmd, stage };
    const sys = systemPackageOp(cmd);
    if (sys && (sys.action === "install" || sys.action === "upgrade")) {
      out.push({ rc, system: sys, packages: sys.packages.length });
      continue;
    }
    const py = pythonInstall(cmd);
    if (py && py.resolves && !bootstrapsOnly(py)) out.push({ rc, python: py, packages: py.op.targets.length });
  }
  return out;
}

/**
 * Commands that prepare the environment without reading the application's files or running its code: moving a RUN
 * made only of these above a COPY of the source cannot change what it does.
 */
const NEUTRAL_TOOLS = new Set([
  "set", "export", "true", ":", "echo", "printf", "cd", "mkdir", "ln", "rm", "touch", "chmod", "chown", "useradd",
  "groupadd", "adduser", "addgroup", "usermod", "curl", "wget", "gpg", "apt-key", "tar", "gzip", "unzip", "sed", "tee",
  "cat", "ls", "test", "[", "virtualenv", "update-ca-certificates", "locale-gen", "dpkg-reconfigure", "ldconfig",
]);

export function isNeutralCommand(cmd: SimpleCommand): boolean {
  if (systemPackageOp(cmd)) return true;
  const inv = invocation(cmd);
  if (inv.tool === "python" || inv.tool === "pypy") {
    // python -m venv DIR
    const m = inv.args.findIndex((w) => w.text === "-m");
    return m >= 0 && inv.args[m + 1]?.text === "venv";
  }
  if (inv.tool === "venv") return true;
  const py = pythonInstall(cmd);
  if (py) return !py.project && py.localTargets.length === 0;
  const op = pythonOp(cmd);
  if (op) return op.action === "config" || (op.tool === "pip" && (op.action === "config" || op.action === "cache"));
  return NEUTRAL_TOOLS.has(basename(inv.tool));
}
