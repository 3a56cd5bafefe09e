import { posix } from "node:path";
import { normalizeDistName } from "./context.js";
import type { Dependencies, Fact, PackageManager, ProjectPackage } from "./facts.js";
import { table, type ProjectTree } from "./tree.js";

/** Tool versions the generated builder installs when the project does not say which: lines known to work. */
export const TOOL_VERSIONS: Record<Exclude<PackageManager, "pip">, string> = {
  poetry: "2.1.*",
  uv: "0.8.*",
  pdm: "2.26.*",
  pipenv: "2024.4.*",
};

/** Requirements files for production, most specific first; dev/test ones are never chosen. */
const REQUIREMENTS_CANDIDATES = [
  "requirements.txt",
  "requirements-prod.txt",
  "requirements-production.txt",
  "requirements/production.txt",
  "requirements/prod.txt",
  "requirements/base.txt",
  "requirements/main.txt",
  "requirements/requirements.txt",
];

const BACKENDS: Record<string, string> = {
  "poetry.core.masonry.api": "poetry-core",
  "poetry.masonry.api": "poetry",
  "hatchling.build": "hatchling",
  "setuptools.build_meta": "setuptools",
  "setuptools.build_meta:__legacy__": "setuptools",
  "flit_core.buildapi": "flit-core",
  "pdm.backend": "pdm-backend",
  "pdm.pep517.api": "pdm-pep517",
  uv_build: "uv-build",
  "maturin": "maturin",
};

/** A PEP 508 requirement's name and extras, or undefined for options, paths and URLs without a name. */
export function requirementName(spec: string): { name: string; extras: string[] } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(spec);
  if (!m) return undefined;
  const extras = (m[2] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  return { name: normalizeDistName(m[1]), extras };
}

function addDist(into: Map<string, string[]>, name: string, extras: string[] = []): void {
  const key = normalizeDistName(name);
  const had = into.get(key) ?? [];
  into.set(key, [...new Set([...had, ...extras.map(normalizeDistName)])].sort());
}

interface RequirementsRead {
  files: string[];
  distributions: Map<string, string[]>;
  needsSource: boolean;
}

/** Reads a requirements file and the files it includes with -r/-c (paths relative to the including file). */
export function readRequirements(tree: ProjectTree, file: string): RequirementsRead {
  const out: RequirementsRead = { files: [], distributions: new Map(), needsSource: false };
  const visit = (rel: string, constraintsOnly: boolean) => {
    if (out.files.includes(rel)) return;
    const text = tree.read(rel);
    if (text === undefined) return;
    out.files.push(rel);
    const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
    for (const raw of logical) {
      const line = raw.replace(/(^|\s)#.*$/, "").trim();
      if (line === "") continue;
      const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)/.exec(line);
      if (include) {
        const target = posix.normalize(posix.join(posix.dirname(rel), include[2]));
        visit(target, constraintsOnly || include[1] === "-c" || include[1] === "--constraint");
        continue;
      }
      const editable = /^(-e|--editable)(?:\s*=\s*|\s+)(\S+)/.exec(line);
      const target = editable ? editable[2] : line;
      if (/^(\.{1,2}(\/|$)|\/|file:)/.test(target) || (editable && !/^[a-z+]+:\/\//.test(target))) {
        out.needsSource = true;
        continue;
      }
      if (line.startsWith("-") || constraintsOnly) continue;
      const req = requirementName(line);
      if (req) addDist(out.distributions, req.name, req.extras);
    }
  };
  visit(file, false);
  return out;
}

function pep621Dependencies(pyproject: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const deps = table(pyproject.project).dependencies;
  if (Array.isArray(deps)) {
    for (const d of deps) {
      const req = typeof d === "string" ? requirementName(d) : undefined;
      if (req) addDist(out, req.name, req.extras);
    }
  }
  const poetryDeps = table(table(table(pyproject.tool).poetry).dependencies);
  for (const [name, spec] of Object.entries(poetryDeps)) {
    if (name.toLowerCase() === "python") continue;
    const extras = Array.isArray(table(spec).extras) ? (table(spec).extras as unknown[]).map(String) : [];
    addDist(out, name, extras);
  }
  return out;
}

function mergeExtras(locked: Map<string, string[]>, declared: Map<string, string[]>): Map<string, string[]> {
  for (const [name, extras] of declared) if (locked.has(name)) addDist(locked, name, extras);
  return locked;
}

type LockPackage = Record<string, unknown>;

function lockPackages(lock: Record<string, unknown> | undefined): LockPackage[] {
  return Array.isArray(lock?.package) ? (lock!.package as LockPackage[]) : [];
}

interface Edge {
  name: string;
  extras: string[];
}

/** The distributions reachable from `roots` in a lock file, each with the extras requested of it. */
function lockClosure(packages: LockPackage[], roots: Edge[], edges: (p: LockPackage, extras: string[]) => Edge[]): Map<string, string[]> {
  const byName = new Map(packages.map((p) => [normalizeDistName(String(p.name)), p]));
  const out = new Map<string, string[]>();
  const visit = ({ name, extras }: Edge) => {
    const p = byName.get(name);
    if (!p) return;
    const before = out.get(name);
    if (before && extras.every((e) => before.includes(e))) return;
    addDist(out, name, extras);
    for (const e of edges(p, extras)) visit(e);
  };
  for (const root of roots) visit(root);
  return out;
}

/**
 * poetry.lock: packages of the main group. Poetry 2 records `groups`, Poetry before 1.5 `category`; locks in between
 * record neither, so the main group is the closure of the declared main dependencies (with their requested extras).
 */
function poetryLockDistributions(lock: Record<string, unknown>, declared: Map<string, string[]>): Map<string, string[]> {
  const packages = lockPackages(lock);
  if (packages.some((p) => Array.isArray(p.groups) || typeof p.category === "string")) {
    const out = new Map<string, string[]>();
    for (const p of packages) {
      const main = Array.isArray(p.groups) ? (p.groups as string[]).includes("main") : p.category === "main";
      if (main && typeof p.name === "string") addDist(out, p.name);
    }
    return out;
  }
  const roots = [...declared].map(([name, extras]) => ({ name, extras }));
  return lockClosure(packages, roots, (p, extras) => {
    const out: Edge[] = [];
    for (const [dep, spec] of Object.entries(table(p.dependencies))) {
      if (table(spec).optional === true) continue;
      out.push({ name: normalizeDistName(dep), extras: Array.isArray(table(spec).extras) ? (table(spec).extras as unknown[]).map(String) : [] });
    }
    const extraTable = table(p.extras);
    for (const e of extras) {
      for (const req of Array.isArray(extraTable[e]) ? (extraTable[e] as unknown[]) : []) {
        const r = requirementName(String(req));
        if (r) out.push({ name: r.name, extras: r.extras });
      }
    }
    return out;
  });
}

/** pdm.lock: packages of the default group (lock format 4 records `groups`; older locks list only runtime ones). */
function pdmLockDistributions(lock: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of lockPackages(lock)) {
    const groups = Array.isArray(p.groups) ? (p.groups as string[]) : undefined;
    if ((!groups || groups.includes("default")) && typeof p.name === "string") addDist(out, p.name);
  }
  return out;
}

/** uv.lock: the closure of the project's own dependencies (dev groups left out), following requested extras. */
function uvLockDistributions(lock: Record<string, unknown>): Map<string, string[]> {
  const packages = lockPackages(lock);
  const edges = (p: LockPackage, extras: string[]): Edge[] => {
    const list = [...(Array.isArray(p.dependencies) ? p.dependencies : [])];
    const optional = table(p["optional-dependencies"]);
    for (const e of extras) if (Array.isArray(optional[e])) list.push(...(optional[e] as unknown[]));
    return list.map((d) => {
      const t = table(d);
      return { name: normalizeDistName(String(t.name)), extras: Array.isArray(t.extra) ? t.extra.map(String) : [] };
    });
  };
  const projects = packages.filter((p) => {
    const source = table(p.source);
    return source.editable === "." || source.virtual === ".";
  });
  return lockClosure(packages, projects.flatMap((p) => edges(p, [])), edges);
}

/** Distributions of a Pipfile `[packages]` table or a Pipfile.lock `default` table, with their extras. */
function pipenvDistributions(packages: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(table(packages))) {
    const extras = Array.isArray(table(spec).extras) ? (table(spec).extras as unknown[]).map(String) : [];
    addDist(out, name, extras);
  }
  return out;
}

/** What pyproject.toml says about the project as a buildable package. */
export function projectPackage(tree: ProjectTree, pyproject: Record<string, unknown> | undefined, backendFiles: string[]): ProjectPackage {
  const project = table(pyproject?.project);
  const tool = table(pyproject?.tool);
  const poetry = table(tool.poetry);
  const backendName = table(pyproject?.["build-system"])["build-backend"];
  const backend = typeof backendName === "string" ? BACKENDS[backendName] ?? backendName : undefined;
  const scripts: Record<string, string> = {};
  for (const source of [table(project.scripts), table(poetry.scripts)]) {
    for (const [name, target] of Object.entries(source)) {
      const ref = typeof target === "string" ? target : table(target).reference;
      if (typeof ref === "string" && !(name in scripts)) scripts[name] = ref;
    }
  }
  const poetryPackageMode = poetry["package-mode"] !== false;
  const uvPackage = table(tool.uv).package;
  const installable =
    tree.exists("setup.py") ||
    (backend !== undefined && poetryPackageMode && uvPackage !== false) ||
    (uvPackage === true);
  const name = typeof project.name === "string" ? project.name : typeof poetry.name === "string" ? poetry.name : undefined;
  const srcLayout = tree.isDir("src") && tree.list("src").some((e) => e.isDirectory() && !e.name.endsWith(".egg-info") && !e.name.startsWith("."));
  return { name, backend, installable, backendFiles, scripts, srcLayout };
}

/** Which tool installs the dependencies, from what, and the runtime distributions they pull in. */
export function detectDependencies(tree: ProjectTree, pyproject: Record<string, unknown> | undefined, notes: string[]): Fact<Dependencies> {
  const tool = table(pyproject?.tool);
  const declared = pyproject ? pep621Dependencies(pyproject) : new Map<string, string[]>();
  const withPyproject = (files: string[]) => (pyproject ? ["pyproject.toml", ...files] : files);
  const base = { needsSource: false, sources: [] as string[] };

  if (tree.exists("uv.lock")) {
    const lock = tree.toml("uv.lock")!;
    return {
      value: { ...base, manager: "uv", manifests: withPyproject(["uv.lock"]), lockFile: "uv.lock", distributions: mergeExtras(uvLockDistributions(lock), declared), toolVersion: TOOL_VERSIONS.uv },
      source: "uv.lock",
      reason: "uv.lock pins every dependency: uv installs exactly that",
    };
  }
  if (tree.exists("poetry.lock")) {
    const text = tree.read("poetry.lock") ?? "";
    const lock = tree.toml("poetry.lock")!;
    const version = /@generated by Poetry (\d+\.\d+\.\d+)/.exec(text)?.[1];
    return {
      value: {
        ...base,
        manager: "poetry",
        manifests: withPyproject(["poetry.lock"]),
        lockFile: "poetry.lock",
        distributions: mergeExtras(poetryLockDistributions(lock, declared), declared),
        toolVersion: version ?? TOOL_VERSIONS.poetry,
        sources: poetrySources(tool),
      },
      source: "poetry.lock",
      reason: version ? `poetry.lock, written by Poetry ${version} (the builder installs that version)` : "poetry.lock pins every dependency",
    };
  }
  if (tree.exists("pdm.lock")) {
    const lock = tree.toml("pdm.lock")!;
    return {
      value: { ...base, manager: "pdm", manifests: withPyproject(["pdm.lock"]), lockFile: "pdm.lock", distributions: mergeExtras(pdmLockDistributions(lock), declared), toolVersion: TOOL_VERSIONS.pdm },
      source: "pdm.lock",
      reason: "pdm.lock pins every dependency: PDM installs exactly that",
    };
  }
  if (tree.exists("Pipfile.lock") || tree.exists("Pipfile")) {
    const pipfile = tree.toml("Pipfile");
    const declaredPipfile = pipfile ? pipenvDistributions(pipfile.packages) : new Map<string, string[]>();
    if (tree.exists("Pipfile.lock")) {
      const lock = tree.json("Pipfile.lock")!;
      return {
        value: { ...base, manager: "pipenv", manifests: ["Pipfile", "Pipfile.lock"].filter((f) => tree.exists(f)), lockFile: "Pipfile.lock", distributions: mergeExtras(pipenvDistributions(lock.default), declaredPipfile), toolVersion: TOOL_VERSIONS.pipenv },
        source: "Pipfile.lock",
        reason: "Pipfile.lock pins the default packages: they are exported and installed with pip",
      };
    }
    notes.push("Pipfile has no Pipfile.lock: the build locks at build time, so versions can change between builds (commit Pipfile.lock)");
    return {
      value: { ...base, manager: "pipenv", manifests: ["Pipfile"], distributions: declaredPipfile, toolVersion: TOOL_VERSIONS.pipenv },
      source: "Pipfile",
      reason: "Pipfile declares the packages (no lock file)",
    };
  }
  const unlocked = (manager: PackageManager, what: string): Fact<Dependencies> => {
    notes.push(`${what} without its lock file: versions resolve at build time and can change between builds`);
    return {
      value: { ...base, manager, manifests: ["pyproject.toml"], distributions: declared, toolVersion: manager === "pip" ? undefined : TOOL_VERSIONS[manager], sources: manager === "poetry" ? poetrySources(tool) : [] },
      source: "pyproject.toml",
      reason: `${what} (no lock file)`,
    };
  };
  const poetry = table(tool.poetry);
  if (Object.keys(table(poetry.dependencies)).length || (pyproject && /^poetry/.test(String(table(pyproject["build-system"])["build-backend"] ?? "")) && !table(pyproject.project).dependencies)) {
    return unlocked("poetry", "[tool.poetry] in pyproject.toml");
  }
  if (tool.pdm !== undefined && !REQUIREMENTS_CANDIDATES.some((f) => tree.exists(f))) return unlocked("pdm", "[tool.pdm] in pyproject.toml");
  if (tool.uv !== undefined && !REQUIREMENTS_CANDIDATES.some((f) => tree.exists(f))) return unlocked("uv", "[tool.uv] in pyproject.toml");

  const requirements = REQUIREMENTS_CANDIDATES.find((f) => tree.read(f) !== undefined);
  if (requirements) {
    const read = readRequirements(tree, requirements);
    if (read.needsSource) notes.push(`${requirements} installs the project itself or local paths: the source is copied before the dependencies, so code edits reinstall them`);
    return {
      value: { ...base, manager: "pip", manifests: read.files, requirementsFile: requirements, distributions: read.distributions, needsSource: read.needsSource },
      source: requirements,
      reason: `${requirements} lists the dependencies: pip installs it`,
    };
  }
  if (pyproject && Array.isArray(table(pyproject.project).dependencies)) {
    return {
      value: { ...base, manager: "pip", manifests: ["pyproject.toml"], distributions: declared },
      source: "pyproject.toml",
      reason: "[project] dependencies in pyproject.toml: pip installs them",
    };
  }
  if (tree.exists("setup.py") || tree.exists("setup.cfg")) {
    notes.push("the dependencies are declared in setup.py/setup.cfg: they install with the project after the source copy, so code edits reinstall them");
    return {
      value: { ...base, manager: "pip", manifests: [], distributions: new Map(), needsSource: true },
      source: tree.exists("setup.py") ? "setup.py" : "setup.cfg",
      reason: "a setuptools project: pip installs it with its dependencies from the source",
    };
  }
  return {
    value: { ...base, manager: "pip", manifests: pyproject ? ["pyproject.toml"] : [], distributions: new Map() },
    source: "default",
    reason: "no dependency manifest found: only the standard library is available",
  };
}

function poetrySources(tool: Record<string, unknown>): string[] {
  const sources = table(tool.poetry).source;
  return Array.isArray(sources) ? sources.map((s) => String(table(s).name ?? "")).filter((n) => n !== "") : [];
}
