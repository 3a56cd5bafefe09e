import { posix } from "node:path";
import type { Instruction, SimpleCommand } from "../dockerfile/model.js";
import { inheritedInstructions, type RunCommand } from "../dockerfile/query.js";
import { perObject, perObjectPair } from "../memo.js";
import { normalizeDistName, type ProjectContext } from "../project/context.js";
import { flagValue, invocation } from "../shell/invocation.js";
import { systemPackageOp, type SystemManager } from "../shell/packages.js";
import { isDependencyInstall, pythonOp, requirementFiles } from "../shell/python.js";
import { homeFor, removalCovers, removedPaths } from "./lib/cleanup.js";
import { estimates } from "./lib/estimates.js";
import { copyDestination, copyParts, fromContext, isWholeContext, SYSTEM_DIRS, within } from "./lib/paths.js";
import { resolvePath } from "./lib/python-env.js";
import { appendToRun, deleteInstruction } from "./lib/run-edit.js";
import {
  apkVirtual, cacheDirs, cacheHandled, fillsCache, installedNames, managerFamily, packageName, removedInSameRun, toolchainKind, type PackageCommand,
} from "./lib/system-packages.js";
import { cacheLeft, TOOL_CACHES, type ToolCache } from "./lib/tool-cache.js";
import { byCodeUnit, partitionPoint } from "../text/order.js";
import { defineCheck, type Fix, type Impact } from "./types.js";

/** What a removal command takes away, and how to recognise the instruction that made it. */
interface Target {
  /** Names what is removed: two targets with one key have the same creators. */
  key: string;
  what: string;
  /** Did this command of an earlier (or the same) RUN, or this COPY/ADD, create it? */
  createdBy(ins: Instruction, cmd?: SimpleCommand): boolean;
  impact: Impact;
}

/** Commands that read, move around or inspect paths without creating content there. */
const NON_CREATORS = new Set(["rm", "cd", "ls", "cat", "test", "[", "chmod", "chown", "stat", "du", "echo", "mkdir", "touch", "ln", "find", "grep", "sed", "head", "tail", "file", "readlink", "realpath", "which", "command", "export", "set", "true"]);

const runCommandsOf = (ins: Instruction): RunCommand[] => (ins.keyword === "RUN" && ins.shell && ins.stage ? ins.shell.commands.map((cmd) => ({ ins, cmd, stage: ins.stage! })) : []);

const packageCommand = (rc: RunCommand): PackageCommand | undefined => {
  const op = systemPackageOp(rc.cmd);
  return op ? { ...rc, op } : undefined;
};

// Per RUN and build context: where the first command that made each kind of target starts.
const firstMade = perObjectPair((_ins: Instruction, _project: ProjectContext) => new Map<string, number>());

/**
 * Did a command of a RUN make the target: any command of an earlier RUN, one before `cmd` in its own RUN? Each
 * target kind is looked for once per RUN: a removal asks about every command before it, quadratic in a long RUN.
 */
function madeInRun(target: { key: string }, project: ProjectContext, ins: Instruction, cmd: SimpleCommand | undefined, made: (rc: RunCommand) => boolean): boolean {
  if (ins.keyword !== "RUN" || !ins.shell || !ins.stage) return false;
  const memo = firstMade(ins, project);
  let at = memo.get(target.key);
  if (at === undefined) {
    const stage = ins.stage;
    at = ins.shell.commands.find((c) => made({ ins, cmd: c, stage }))?.span.start ?? Infinity;
    memo.set(target.key, at);
  }
  return at < (cmd?.span.start ?? Infinity);
}

/** A target that only RUN commands make: `made` tells whether one command did. */
function commandTarget(key: string, what: string, impact: Impact, project: ProjectContext, made: (rc: RunCommand) => boolean): Target {
  const target: Target = { key, what, impact, createdBy: (ins, cmd) => madeInRun(target, project, ins, cmd, made) };
  return target;
}

function systemCacheTarget(family: "apt" | "apk" | "rpm" | "zypper", impact: Impact, what: string, project: ProjectContext): Target {
  return commandTarget(`system:${family}`, what, impact, project, (rc) => {
    const pc = packageCommand(rc);
    return pc !== undefined && managerFamily(pc.op.manager) === family && fillsCache(pc.op) && !cacheHandled(pc);
  });
}

const SYSTEM_CACHES: Array<{ family: "apt" | "apk" | "rpm" | "zypper"; manager: SystemManager; impact: () => Impact; what: string }> = [
  { family: "apt", manager: "apt", impact: estimates.aptLists, what: "the apt lists" },
  { family: "apk", manager: "apk", impact: estimates.apkCache, what: "the apk cache" },
  { family: "rpm", manager: "dnf", impact: estimates.rpmCache, what: "the yum/dnf cache" },
  { family: "zypper", manager: "zypper", impact: estimates.zypperCache, what: "the zypper cache" },
];

function toolCacheTarget(cache: ToolCache, project: ProjectContext): Target {
  const impact = cache.tool === "conda" ? estimates.condaCache() : cache.tool === "pip" ? estimates.pipCache(project.dependencies().size) : estimates.toolCache(cache.tool, project.dependencies().size);
  return commandTarget(`tool:${cache.tool}`, `the ${cache.tool} cache`, impact, project, (rc) => cacheLeft(rc, cache) !== undefined);
}

/** Absolute cache directories in the environment of a RUN command, for matching a removal path. */
function toolCacheDirs(cache: ToolCache, rc: RunCommand): string[] {
  return cache.dirs(rc).map((d) => d.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, homeFor(rc)));
}

/** The path part of a removal pattern before any glob: `/app/tests/*` -> `/app/tests`. */
function globFree(pattern: string): string {
  const i = pattern.search(/[*?[]/);
  if (i < 0) return pattern;
  return pattern.slice(0, pattern.lastIndexOf("/", i)) || "/";
}

/** Did a COPY/ADD bring something at `path`? With a known context, the file must exist there and not be ignored. */
function copyCreated(ins: Instruction, path: string, project: ProjectContext): boolean {
  const parts = copyParts(ins);
  const dest = parts && copyDestination(ins, parts);
  if (!parts || !dest) return false;
  if (!within(path, dest.path) && !within(dest.path, path)) return false;
  if (!fromContext(ins, parts) || project.entries().length === 0 || !within(path, dest.path) || path === dest.path) return true;
  const rel = posix.relative(dest.path, path);
  const visible = (p: string) => project.exists(p) && !project.dockerignore()?.ignores(p);
  return parts.sources.some((s) => {
    if (isWholeContext(s.text)) return visible(rel);
    const base = s.text.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
    if (/[*?[]/.test(base)) return true;
    const directory = project.read(base) === undefined && project.exists(base);
    if (directory) return visible(`${base}/${rel}`);
    const landing = dest.intoDir ? posix.join(dest.path, posix.basename(base)) : dest.path;
    return within(path, landing) && visible(base);
  });
}

/**
 * Paths a command may have written. Python installers read the paths they are given (wheels, requirement files,
 * project directories) and write only where --target, --prefix or --root point; other commands may write any path
 * they name.
 */
function writtenPaths(rc: RunCommand): string[] {
  const op = pythonOp(rc.cmd);
  if (op?.action !== "install") return invocation(rc.cmd).args.map((w) => w.text);
  return ["--target", "-t", "--prefix", "--root"].flatMap((f) => flagValue(op.args, f)?.value ?? []);
}

/** What each RUN's commands made, gathered once per RUN: a removal asks about every command before it. */
const madeIndex = perObject((ins: Instruction) => {
  // Where each path was first made, the same sorted by path (to find what was made below a path), the first install.
  const first = new Map<string, number>();
  let firstInstall = Infinity;
  for (const c of ins.shell?.commands ?? []) {
    if (firstInstall === Infinity && systemPackageOp(c)?.action === "install") firstInstall = c.span.start;
    for (const m of madePaths(c, ins)) if (!first.has(m)) first.set(m, c.span.start);
  }
  const sorted = [...first].map(([path, start]) => ({ path, start })).sort((a, b) => byCodeUnit(a.path, b.path));
  return { first, sorted, firstInstall };
});

/**
 * The absolute paths a command may have written, resolved once per command: every removal asks about every command
 * before it. Empty for commands that create nothing.
 */
const madePaths = perObjectPair((cmd: SimpleCommand, ins: Instruction): string[] => {
  const rc: RunCommand = { cmd, ins, stage: ins.stage! };
  if (NON_CREATORS.has(invocation(cmd).tool)) return [];
  const out: string[] = [];
  for (const text of writtenPaths(rc)) {
    if (text.startsWith("-") || !(text.startsWith("/") || text.startsWith("~") || text.startsWith("./"))) continue;
    const made = resolvePath(rc.stage, rc.ins, text);
    if (!made.includes("$")) out.push(made);
  }
  return out;
});

function pathTarget(path: string, project: ProjectContext): Target {
  const docs = /^\/usr\/share\/(doc|man|info|locale)(\/|$)|^\/var\/log(\/|$)/.test(path);
  return {
    key: `path:${path}`,
    what: path,
    impact: { basis: `the earlier layer keeps every byte under ${path}; a later RUN only hides them behind a whiteout` },
    createdBy: (ins, cmd) => {
      if (ins.keyword === "COPY" || ins.keyword === "ADD") return copyCreated(ins, path, project);
      if (ins.keyword !== "RUN" || !ins.stage) return false;
      const before = cmd ? cmd.span.start : Infinity;
      const made = madeIndex(ins);
      if (docs && made.firstInstall < before) return true;
      // Made at the path, or at a directory above it that is not a system directory...
      for (let dir = path; ; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
        const at = made.first.get(dir);
        if (at !== undefined && at < before && (dir === path || !SYSTEM_DIRS.has(dir))) return true;
        if (dir === "/") break;
      }
      // ...or somewhere below it.
      const prefix = `${path}/`;
      for (let i = partitionPoint(made.sorted.length, (j) => made.sorted[j].path >= prefix); i < made.sorted.length && made.sorted[i].path.startsWith(prefix); i++) {
        if (made.sorted[i].start < before) return true;
      }
      return false;
    },
  };
}

/** Per RUN: where each package was first installed (and kept), by package manager family. */
const installedIn = perObject((ins: Instruction) => {
  const out = new Map<string, number>();
  if (ins.keyword !== "RUN" || !ins.stage) return out;
  for (const rc of runCommandsOf(ins)) {
    const pc = packageCommand(rc);
    if (!pc || pc.op.action !== "install") continue;
    const family = managerFamily(pc.op.manager);
    for (const n of [...installedNames(pc.op), apkVirtual(pc.op)]) {
      if (n !== undefined && !out.has(`${family}:${n}`) && !removedInSameRun(pc, n)) out.set(`${family}:${n}`, rc.cmd.span.start);
    }
  }
  return out;
});

function packagesTarget(family: string, names: string[]): Target {
  const tools = names.map(toolchainKind);
  const impact: Impact =
    tools.some((k) => k !== undefined)
      ? estimates.buildTools({ compilers: tools.filter((k) => k === "compiler").length, tools: tools.filter((k) => k === "build-tool").length, headers: tools.filter((k) => k === "headers").length, git: tools.includes("git") })
      : { basis: `the files of ${names.join(", ")} stay in the layer that installed them; removing them later only hides them` };
  return {
    key: `packages:${family}:${names.join(",")}`,
    what: names.join(", "),
    impact,
    createdBy: (ins, cmd) => {
      const installed = installedIn(ins);
      const before = cmd?.span.start ?? Infinity;
      return names.some((n) => (installed.get(`${family}:${n}`) ?? Infinity) < before);
    },
  };
}

const PIP_ITSELF = new Set(["pip", "setuptools", "wheel"]);

/** Per RUN: where each distribution was first named by an install (venv creation names pip's own), and the first requirements install. */
const distributionsIn = perObject((ins: Instruction) => {
  const named = new Map<string, number>();
  let requirements = Infinity;
  for (const cmd of ins.keyword === "RUN" ? (ins.shell?.commands ?? []) : []) {
    const at = cmd.span.start;
    const inv = invocation(cmd);
    if (inv.tool === "venv" || inv.tool === "virtualenv") for (const n of PIP_ITSELF) if (!named.has(n)) named.set(n, at);
    const op = pythonOp(cmd);
    if (!op || !isDependencyInstall(op)) continue;
    for (const t of op.targets) {
      const n = normalizeDistName(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(t.text)?.[0] ?? "");
      if (!named.has(n)) named.set(n, at);
    }
    if (requirements === Infinity && requirementFiles(op).length > 0) requirements = at;
  }
  return { named, requirements };
});

function distributionsTarget(names: string[], project: ProjectContext): Target {
  const wanted = names.map(normalizeDistName);
  return {
    key: `distributions:${wanted.join(",")}`,
    what: names.join(", "),
    impact: { basis: `the files of ${names.join(", ")} stay in the layer that installed them; uninstalling later only hides them` },
    createdBy: (ins, cmd) => {
      const { named, requirements } = distributionsIn(ins);
      const before = cmd?.span.start ?? Infinity;
      if (wanted.some((n) => (named.get(n) ?? Infinity) < before)) return true;
      return requirements < before && wanted.some((n) => !PIP_ITSELF.has(n) && project.dependencies().has(n));
    },
  };
}

function bytecodeTarget(project: ProjectContext): Target {
  return commandTarget("bytecode", "bytecode and tests of installed packages", estimates.testsAndBytecode(), project, (rc) => {
    const op = pythonOp(rc.cmd);
    return op !== undefined && op.tool !== "conda" && isDependencyInstall(op);
  });
}

/** What a command removes, as targets; empty when it removes nothing we can attribute. */
function targetsOf(rc: RunCommand, project: ProjectContext): Target[] {
  const out: Target[] = [];
  const op = systemPackageOp(rc.cmd);
  if (op?.action === "remove" && op.verb?.text !== "autoremove") {
    const names = op.packages.filter((w) => !w.text.startsWith("-")).map((w) => packageName(w.text, op.manager));
    if (names.length > 0) out.push(packagesTarget(managerFamily(op.manager), names));
  }
  if (op?.action === "clean") {
    const family = managerFamily(op.manager);
    const known = SYSTEM_CACHES.find((c) => c.family === family);
    if (known && family !== "apt") out.push(systemCacheTarget(family, known.impact(), known.what, project));
  }
  const py = pythonOp(rc.cmd);
  if (py?.tool === "pip" && py.action === "uninstall" && py.targets.length > 0) out.push(distributionsTarget(py.targets.map((t) => t.text), project));
  for (const cache of TOOL_CACHES) if (cache.cleans(rc.cmd)) out.push(toolCacheTarget(cache, project));
  const inv = invocation(rc.cmd);
  if (inv.tool === "find" && inv.args.some((w) => w.text === "-delete" || w.text === "-exec") && inv.args.some((w, i) => /^-i?name$/.test(inv.args[i - 1]?.text ?? "") && /pyc|__pycache__|^tests?$/.test(w.text))) {
    out.push(bytecodeTarget(project));
  }
  const home = homeFor(rc);
  for (const pattern of removedPaths(rc.cmd)) {
    const path = resolvePath(rc.stage, rc.ins, globFree(pattern));
    if (path.includes("$") || path === "/") continue;
    const system = SYSTEM_CACHES.find((c) => cacheDirs(c.manager).some((d) => removalCovers(path, d, home) || within(path, d)));
    if (system) {
      out.push(systemCacheTarget(system.family, system.impact(), system.what, project));
      continue;
    }
    const tool = TOOL_CACHES.find((cache) => {
      return toolCacheDirs(cache, rc).some((d) => removalCovers(path, d, home) || within(path, d));
    });
    if (tool) {
      out.push(toolCacheTarget(tool, project));
      continue;
    }
    out.push(pathTarget(path, project));
  }
  return out;
}

/** The largest number below `limit` in an ascending list. */
function lastBelow(sorted: number[], limit: number): number | undefined {
  const i = partitionPoint(sorted.length, (j) => sorted[j] >= limit);
  return i > 0 ? sorted[i - 1] : undefined;
}

/** Moving the command into the creating RUN: exact only when nothing between the two uses the files. */
function moveFix(file: Parameters<typeof appendToRun>[0], creator: Instruction, removal: RunCommand, chain: readonly Instruction[]): Fix {
  const text = file.source.text.slice(removal.cmd.span.start, removal.cmd.span.end);
  const description = creator.keyword === "RUN" ? `run \`${text}\` at the end of the RUN at line ${creator.line}` : `keep it out of the ${creator.keyword} at line ${creator.line} (.dockerignore, a narrower source, or RUN --mount=type=bind)`;
  const ins = removal.ins;
  const single = ins.shell!.commands.length === 1 && ins.flags.length === 0 && !ins.json && ins.heredocs.length === 0;
  const between = chain.filter((i) => i.index > creator.index && i.index < ins.index);
  const quiet = !between.some((i) => i.keyword === "RUN" || i.keyword === "COPY" || i.keyword === "ADD");
  const append = creator.keyword === "RUN" && single && quiet ? appendToRun(file, creator, text) : undefined;
  return { kind: "suggestion", description, edits: append ? [append, deleteInstruction(file, ins)] : [] };
}

export default defineCheck({
  meta: {
    id: "cleanup-later-layer",
    title: "Files removed in a later layer than the one that created them",
    category: "size",
    severity: "warning",
    fix: "suggestion",
    docs:
      "Image layers only add: a RUN that deletes files an earlier instruction created hides them behind whiteouts, " +
      "and every byte still ships in the earlier layer. `RUN apt-get update && apt-get install ...` followed by `RUN " +
      "rm -rf /var/lib/apt/lists/*` keeps ~19 MB of lists; `RUN apt-get purge gcc` after the RUN that installed it " +
      "keeps the ~250 MB toolchain; `RUN rm -rf /app/tests` after `COPY . /app` keeps the tests. Clean up in the RUN " +
      "that creates the files (same `&&` chain), keep files out of the context with .dockerignore, or use a builder " +
      "stage. Reported only when the creating instruction is visible in a stage that reaches the final image (an " +
      "install that names the package, a COPY whose destination covers the path and, for a known context, holds it, " +
      "a RUN that fills the cache or names the path); base-image files are left alone. The suggested edit moves the " +
      "command into the creating RUN when nothing in between touches the files.",
  },
  check(ctx) {
    const target = ctx.file.target;
    if (!target) return;
    const chain = inheritedInstructions(target);
    // Where in the chain each kind of target is created, found once per key: asking every earlier instruction
    // again for every removal is quadratic in a long file.
    const creators = new Map<string, { all: number[]; notRun: number[] }>();
    const creatorsOf = (t: Target) => {
      let found = creators.get(t.key);
      if (!found) {
        found = { all: [], notRun: [] };
        for (const [j, e] of chain.entries()) {
          if (!t.createdBy(e)) continue;
          found.all.push(j);
          if (e.keyword !== "RUN") found.notRun.push(j);
        }
        creators.set(t.key, found);
      }
      return found;
    };
    chain.forEach((ins, i) => {
      for (const rc of runCommandsOf(ins)) {
        for (const t of targetsOf(rc, ctx.project)) {
          if (t.createdBy(ins, rc.cmd)) continue; // made by this very RUN: the same layer, nothing left behind
          // A COPY that brought the path beats a RUN that merely names it (pip install -r /tmp/requirements.txt).
          const { all, notRun } = creatorsOf(t);
          const at = lastBelow(notRun, i) ?? lastBelow(all, i);
          const creator = at === undefined ? undefined : chain[at];
          if (!creator) continue;
          ctx.report(rc.cmd, {
            message: `removes ${t.what}, which the ${creator.keyword} at line ${creator.line} created: the bytes stay in that layer`,
            impact: t.impact,
            fix: moveFix(ctx.file, creator, rc, chain),
            instruction: ins,
          });
          break;
        }
      }
    });
  },
});
