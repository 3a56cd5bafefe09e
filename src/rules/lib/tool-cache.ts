import type { SimpleCommand } from "../../dockerfile/model.js";
import { cacheMountCovers, commandEnv, commandsIn, expandVars, type RunCommand } from "../../dockerfile/query.js";
import { flagValue, hasFlag, invocation } from "../../shell/invocation.js";
import { isDependencyInstall, pythonOp, type PythonOp } from "../../shell/python.js";
import type { CheckContext, Fix, Impact } from "../types.js";
import { homeFor, lastCommandStart, removalCovers, removedPaths } from "./cleanup.js";

/** A Python tool's download cache: which commands fill it, where it lives, what turns it off or cleans it. */
export interface ToolCache {
  tool: "pip" | "uv" | "poetry" | "pipenv" | "conda";
  fills(op: PythonOp): boolean;
  /** The directories that hold the cache for this command (or, without one, for the RUN's environment); the cache is gone only when all are. */
  dirs(rc: RunCommand, op?: PythonOp): string[];
  /** Turned off for this command by a flag or an environment variable. */
  disabled(rc: RunCommand, op: PythonOp): boolean;
  /** A later command of the same RUN that empties the cache (the tool's own clean command). */
  cleans(cmd: SimpleCommand): boolean;
}

/** uv reads boolean variables like clap's BoolishValueParser: 0/false/no/off (and empty) mean off. */
function truthy(v: string | undefined): boolean {
  return v !== undefined && !/^(0|false|no|off|)$/i.test(v.trim());
}

const subcommand = (tool: PythonOp["tool"], verb: string, test: (op: PythonOp) => boolean) => (cmd: SimpleCommand) => {
  const op = pythonOp(cmd);
  return op?.tool === tool && op.action === verb && test(op);
};

export const PIP_CACHE: ToolCache = {
  tool: "pip",
  fills: (op) => op.tool === "pip" && op.action === "install",
  dirs: (rc, op) => [flagValue(op?.args ?? [], "--cache-dir")?.value ?? commandEnv(rc, "PIP_CACHE_DIR") ?? "~/.cache/pip"],
  // pip turns its cache off for any value of PIP_NO_CACHE_DIR, even 0 or false.
  disabled: (rc, op) => hasFlag(op.args, "--no-cache-dir") || commandEnv(rc, "PIP_NO_CACHE_DIR") !== undefined,
  cleans: subcommand("pip", "cache", (op) => ["purge", "remove"].includes(op.targets[0]?.text ?? "")),
};

export const UV_CACHE: ToolCache = {
  tool: "uv",
  fills: (op) =>
    (op.tool === "uv" && (op.action === "sync" || op.action === "add" || (op.action === "tool" && op.targets[0]?.text === "install"))) ||
    (op.tool === "uv-pip" && op.action === "install"),
  dirs: (rc, op) => {
    const explicit = flagValue(op?.args ?? [], "--cache-dir")?.value ?? commandEnv(rc, "UV_CACHE_DIR");
    const xdg = commandEnv(rc, "XDG_CACHE_HOME");
    return [explicit ?? (xdg ? `${xdg}/uv` : "~/.cache/uv")];
  },
  disabled: (rc, op) => hasFlag(op.args, "--no-cache", "-n") || truthy(commandEnv(rc, "UV_NO_CACHE")),
  cleans: (cmd) => {
    const inv = invocation(cmd);
    return inv.tool === "uv" && inv.args[0]?.text === "cache" && inv.args[1]?.text === "clean";
  },
};

/**
 * Poetry keeps downloads in {cache-dir}/cache and {cache-dir}/artifacts. Its virtualenvs also live under the cache
 * dir by default ({cache-dir}/virtualenvs), so removing the whole directory can delete the installed environment.
 */
export const POETRY_CACHE: ToolCache = {
  tool: "poetry",
  fills: (op) => op.tool === "poetry" && ["install", "add", "update", "sync"].includes(op.action),
  dirs: (rc) => {
    const base = commandEnv(rc, "POETRY_CACHE_DIR") ?? "~/.cache/pypoetry";
    return [`${base}/cache`, `${base}/artifacts`];
  },
  disabled: (_rc, op) => hasFlag(op.args, "--no-cache"),
  cleans: subcommand("poetry", "cache", (op) => op.targets[0]?.text === "clear" && hasFlag(op.args, "--all")),
};

/** pipenv runs pip with PIP_CACHE_DIR pointed at its own cache (PIPENV_CACHE_DIR); PIP_NO_CACHE_DIR still reaches pip. */
export const PIPENV_CACHE: ToolCache = {
  tool: "pipenv",
  fills: (op) => op.tool === "pipenv" && ["install", "sync", "update"].includes(op.action),
  dirs: (rc) => [commandEnv(rc, "PIPENV_CACHE_DIR") ?? "~/.cache/pipenv"],
  disabled: (rc) => commandEnv(rc, "PIP_NO_CACHE_DIR") !== undefined,
  cleans: () => false,
};

/** conda, mamba and micromamba keep package tarballs and extracted packages in <root>/pkgs. */
export const CONDA_CACHE: ToolCache = {
  tool: "conda",
  fills: (op) => op.tool === "conda" && isDependencyInstall(op),
  dirs: (rc, op) => {
    const pkgs = commandEnv(rc, "CONDA_PKGS_DIRS")?.split(",")[0];
    if (pkgs) return [pkgs];
    const root = /^(.*)\/(condabin|bin)\/[^/]+$/.exec(op?.inv.toolWord.text ?? "")?.[1] ?? commandEnv(rc, "MAMBA_ROOT_PREFIX") ?? commandEnv(rc, "CONDA_DIR") ?? "/opt/conda";
    return [`${root}/pkgs`];
  },
  disabled: () => false,
  cleans: (cmd) => {
    const op = pythonOp(cmd);
    return op?.tool === "conda" && op.action === "clean" && hasFlag(op.args, "-a", "--all", "-t", "--tarballs");
  },
};

export const TOOL_CACHES = [PIP_CACHE, UV_CACHE, POETRY_CACHE, PIPENV_CACHE, CONDA_CACHE];

/** Does a later command of the RUN remove `dir`? Removal paths may use ENV/ARG variables (`rm -rf $POETRY_CACHE_DIR`). */
function removedAfter(rc: RunCommand, dir: string): boolean {
  const home = homeFor(rc);
  const test = (c: SimpleCommand) => removedPaths(c).some((p) => removalCovers(expandVars(rc.stage, rc.ins, p), dir, home));
  return lastCommandStart(rc.ins, `removes, variables expanded\n${dir}\n${home}`, test) > rc.cmd.span.start;
}

/**
 * The cache a command leaves in its layer: undefined when the command does not fill `cache`, the cache is off, a
 * BuildKit cache mount covers it, or the same RUN removes or cleans it afterwards.
 */
export function cacheLeft(rc: RunCommand, cache: ToolCache): { op: PythonOp; dirs: string[] } | undefined {
  const op = pythonOp(rc.cmd);
  if (!op || !cache.fills(op) || cache.disabled(rc, op)) return undefined;
  const dirs = cache.dirs(rc, op);
  if (dirs.every((d) => cacheMountCovers(rc.ins, d, rc.stage))) return undefined;
  if (dirs.every((d) => removedAfter(rc, d))) return undefined;
  if (lastCommandStart(rc.ins, `cleans\n${cache.tool}`, (c) => cache.cleans(c)) > rc.cmd.span.start) return undefined;
  return { op, dirs };
}

/** A cache directory as an absolute path for an edit (`~` and `$HOME` spelled out). */
export function absoluteDir(rc: RunCommand, dir: string): string {
  return dir.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, homeFor(rc));
}

/** Reports, once per RUN of a shipped stage, the first command that leaves `cache` in its layer. */
export function reportCacheLeft(
  ctx: CheckContext,
  cache: ToolCache,
  how: { applies?(op: PythonOp): boolean; message(op: PythonOp): string; impact(rc: RunCommand, op: PythonOp): Impact; fix(rc: RunCommand, op: PythonOp, dirs: string[]): Fix },
): void {
  const reported = new Set<unknown>();
  for (const rc of commandsIn(ctx.file, "shipped")) {
    if (reported.has(rc.ins)) continue;
    const left = cacheLeft(rc, cache);
    if (!left || how.applies?.(left.op) === false) continue;
    reported.add(rc.ins);
    const { op, dirs } = left;
    ctx.report({ start: op.inv.toolWord.span.start, end: (op.verb ?? op.inv.toolWord).span.end }, {
      message: how.message(op),
      impact: how.impact(rc, op),
      fix: how.fix(rc, op, dirs),
      instruction: rc.ins,
    });
  }
}
