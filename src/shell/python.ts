import type { SimpleCommand, Word } from "./parser.js";
import { perObject } from "../memo.js";
import { findFlag, flagValue, invocation, positionals, type Invocation } from "./invocation.js";

export type PythonTool = "pip" | "uv-pip" | "uv" | "poetry" | "pipenv" | "pdm" | "conda" | "pipx";

/** A Python packaging tool call, e.g. `pip install --no-cache-dir -r requirements.txt`. */
export interface PythonOp {
  tool: PythonTool;
  /** Subcommand: install, sync, uninstall, wheel, add, lock, clean, export... */
  action: string;
  verb?: Word;
  /** Arguments after the subcommand. */
  args: Word[];
  /** Non-flag arguments after the subcommand (packages, paths). */
  targets: Word[];
  inv: Invocation;
}

const PIP_FLAGS_WITH_VALUE = new Set([
  "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
  "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--cache-dir", "--trusted-host", "--platform",
  "--python-version", "--implementation", "--abi", "--progress-bar", "--log", "--timeout", "--retries", "--src",
  "--no-binary", "--only-binary", "--upgrade-strategy", "--config-settings", "-C", "--python", "-w", "--wheel-dir",
  "--global-option", "--build-option", "--group", "--index-strategy", "--extra", "--python-platform",
]);
const CONDA_FLAGS_WITH_VALUE = new Set(["-n", "--name", "-p", "--prefix", "-c", "--channel", "-f", "--file"]);
const GENERIC_FLAGS_WITH_VALUE = new Set([
  "--only", "--with", "--without", "-E", "--extras", "--group", "-G", "--extra", "--python", "-p", "--directory", "-C",
  "--index-url", "--extra-index-url", "--default-index", "--index", "--package", "-o", "--output", "-f", "--format",
]);

const TOOLS: Record<string, PythonTool> = {
  pip: "pip", "uv-pip": "uv-pip", uv: "uv", poetry: "poetry", pipenv: "pipenv", pdm: "pdm",
  conda: "conda", mamba: "conda", micromamba: "conda", pipx: "pipx",
};

export const pythonOp: (cmd: SimpleCommand) => PythonOp | undefined = perObject(readPythonOp);

function readPythonOp(cmd: SimpleCommand): PythonOp | undefined {
  const inv = invocation(cmd);
  const tool = TOOLS[inv.tool];
  if (!tool) return undefined;
  const flags = tool === "pip" || tool === "uv-pip" ? PIP_FLAGS_WITH_VALUE : tool === "conda" ? CONDA_FLAGS_WITH_VALUE : GENERIC_FLAGS_WITH_VALUE;
  // Global options may precede the subcommand (pip --no-cache-dir install, poetry -C dir install).
  let i = 0;
  while (i < inv.args.length && inv.args[i].text.startsWith("-")) i += flags.has(inv.args[i].text) ? 2 : 1;
  const verb = inv.args[i];
  const args = [...inv.args.slice(0, i), ...inv.args.slice(i + 1)];
  return {
    tool,
    action: verb?.text ?? "",
    verb,
    args,
    targets: positionals(inv.args.slice(i + 1), flags),
    inv,
  };
}

/** `-r requirements.txt` files named by a pip install. */
export function requirementFiles(op: PythonOp): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < op.args.length; i++) {
    const t = op.args[i].text;
    if ((t === "-r" || t === "--requirement") && op.args[i + 1]) out.push(op.args[i + 1]);
    else if (t.startsWith("--requirement=")) out.push(op.args[i]);
    else if (/^-r\S/.test(t)) out.push(op.args[i]);
  }
  return out;
}

/** Does this install resolve a local project (`pip install .`, `-e .`, `./dist/*.whl`, `uv sync`, `poetry install`)? */
export function installsProject(op: PythonOp): boolean {
  if (op.tool === "pip" || op.tool === "uv-pip") {
    if (op.action !== "install" && op.action !== "wheel") return false;
    if (flagValue(op.args, "-e", "--editable")) return true;
    return op.targets.some((w) => /^(\.|\.\/|\.\.)(\/|$|\[)|^\.\/?[^\s]*\.(whl|tar\.gz)$|^\/[^\s]*\/?$|^[\w./-]+\.whl$/.test(w.text) || w.text === ".");
  }
  if (op.tool === "poetry") return op.action === "install";
  if (op.tool === "uv") return op.action === "sync";
  if (op.tool === "pdm") return op.action === "install" || op.action === "sync";
  if (op.tool === "pipenv") return op.action === "install" || op.action === "sync";
  return false;
}

/** Does this command install dependencies at all? */
export function isDependencyInstall(op: PythonOp): boolean {
  switch (op.tool) {
    case "pip":
    case "uv-pip":
      return op.action === "install" || op.action === "sync";
    case "uv":
      return op.action === "sync" || op.action === "add";
    case "poetry":
    case "pdm":
      return op.action === "install" || op.action === "sync" || op.action === "add";
    case "pipenv":
      return op.action === "install" || op.action === "sync";
    case "conda":
      return op.action === "install" || op.action === "create" || (op.action === "env" && ["create", "update"].includes(op.targets[0]?.text ?? "")) || op.action === "update";
    case "pipx":
      return op.action === "install";
  }
}

/** Installs from a prepared wheelhouse without resolving against an index (`--no-index --find-links`). */
export function isWheelhouseInstall(op: PythonOp): boolean {
  return findFlag(op.args, "--no-index") !== undefined && findFlag(op.args, "-f", "--find-links") !== undefined;
}
