import { posix } from "node:path";
import type { DockerfileModel, Instruction, Word } from "../../dockerfile/model.js";
import { ignoreMatcher, type ProjectContext } from "../../project/context.js";
import { invocation } from "../../shell/invocation.js";
import type { TextEdit } from "../types.js";
import { copyDestination, copyParts, fromContext, isUrl, isWholeContext } from "./paths.js";
import { perObjectPair } from "../../memo.js";

/** Something a `.dockerignore` should exclude, as the lines to add and the paths that show it is excluded. */
export interface ContextEntry {
  label: string;
  patterns: string[];
  /** Context-relative paths standing for the entry: it counts as excluded when every probe is. */
  probes: string[];
  /** Named when nothing is known about the context. */
  standard: boolean;
  /** Present in a known context. */
  present(project: ProjectContext): boolean;
  /** Rough size when shipped, MB (bulky entries). */
  mb?: number;
}

const exists = (...paths: string[]) => (p: ProjectContext) => paths.some((x) => p.exists(x));
const topLevel = (re: RegExp) => (p: ProjectContext) => p.entries().some((e) => re.test(e));

/** Directories one level down that hold a name (`pkg/__pycache__`): the context API lists the top level only. */
function nested(name: string) {
  return (p: ProjectContext) => p.exists(name) || p.entries().some((e) => !e.startsWith(".") && p.exists(`${e}/${name}`));
}

const dir = (name: string, mb: number, standard = true): ContextEntry => ({ label: name, patterns: [name], probes: [name, `${name}/x`], standard, present: exists(name), mb });

export const BULKY: ContextEntry[] = [
  dir(".git", 50),
  {
    label: "__pycache__/*.pyc",
    patterns: ["**/__pycache__", "**/*.py[cod]"],
    probes: ["__pycache__/m.cpython-311.pyc", "pkg/__pycache__/m.cpython-311.pyc"],
    standard: true,
    present: (p) => nested("__pycache__")(p) || topLevel(/\.py[cod]$/)(p),
    mb: 5,
  },
  dir(".venv", 250),
  dir("venv", 250),
  dir("node_modules", 200),
  { ...dir("build", 20), present: exists("build/lib") },
  dir("dist", 20),
  dir(".mypy_cache", 50),
  dir(".pytest_cache", 1),
  dir(".tox", 200),
  dir(".ruff_cache", 1),
  dir(".nox", 200, false),
];

const EXAMPLE_ENV = /\.(example|sample|template|dist|defaults?|test)$/;

export const SECRETS: ContextEntry[] = [
  {
    label: ".env files",
    patterns: [".env", ".env.*"],
    probes: [".env", ".env.local", ".env.production"],
    standard: true,
    present: topLevel(/^\.env(\.[\w.-]+)?$/),
  },
  { label: "*.pem", patterns: ["**/*.pem"], probes: ["key.pem", "certs/key.pem"], standard: true, present: topLevel(/\.pem$/) },
  { label: "*.key", patterns: ["**/*.key"], probes: ["server.key", "certs/server.key"], standard: true, present: topLevel(/\.key$/) },
  {
    label: "SSH keys (id_*)",
    patterns: ["**/id_rsa*", "**/id_dsa*", "**/id_ecdsa*", "**/id_ed25519*"],
    probes: ["id_rsa", "id_ed25519", "keys/id_rsa", "keys/id_ecdsa", "id_dsa"],
    standard: true,
    present: topLevel(/^id_(rsa|dsa|ecdsa|ed25519)/),
  },
  dir(".ssh", 0, false),
  { label: ".pypirc/.netrc", patterns: [".pypirc", ".netrc"], probes: [".pypirc", ".netrc"], standard: false, present: exists(".pypirc", ".netrc") },
  dir(".aws", 0, false),
  dir(".git", 0),
];

/** Secret env files present in a known context, by name: examples and templates are not secrets. */
function envFilesPresent(project: ProjectContext): string[] {
  return project.entries().filter((e) => /^\.env(\.[\w.-]+)?$/.test(e) && !EXAMPLE_ENV.test(e));
}

/** The first COPY/ADD that sends the whole build context (and its `.` word), preferring a stage that ships. */
export function wholeContextCopy(file: DockerfileModel): { ins: Instruction; word: Word } | undefined {
  const copies: Array<{ ins: Instruction; word: Word }> = [];
  for (const ins of file.stages.filter((s) => s.built).flatMap((s) => s.instructions)) {
    const parts = copyParts(ins);
    const word = parts && fromContext(ins, parts) ? parts.sources.find((w) => isWholeContext(w.text)) : undefined;
    if (word) copies.push({ ins, word });
  }
  return copies.find((c) => c.ins.stage?.shipped) ?? copies[0];
}

/**
 * Context-relative paths the build reads: COPY/ADD sources, relative paths in RUN commands and ENV values, and
 * absolute ones under the destination of a whole-context COPY. An entry that would exclude one of them is never
 * suggested, nor one that would hide a file the build backend reads (README, LICENSE named in pyproject).
 */
// context-bloat and context-secrets both ask for the same file's needed paths.
const neededPaths = perObjectPair(collectNeededPaths);

function collectNeededPaths(file: DockerfileModel, project: ProjectContext): string[] {
  const roots: string[] = [];
  const out: string[] = [...project.backendFiles()];
  const relative = (t: string) => t.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  for (const ins of file.instructions) {
    const parts = copyParts(ins);
    if (!parts || !fromContext(ins, parts)) continue;
    for (const w of parts.sources) {
      if (isWholeContext(w.text)) {
        const dest = copyDestination(ins, parts);
        if (dest) roots.push(dest.path);
      } else if (!isUrl(w.text)) out.push(relative(w.text));
    }
  }
  const words: string[] = [];
  for (const ins of file.instructions) {
    if (ins.shell) for (const c of ins.shell.commands) words.push(...c.words.map((w) => w.text));
    else words.push(...(ins.json ?? ins.args).map((w) => w.text));
    for (const p of ins.properties) if (p.value) words.push(...p.value.split(/[\s:]+/));
  }
  for (const w of words) {
    if (w === "" || w.startsWith("-") || w.includes("$")) continue;
    if (!w.startsWith("/")) out.push(relative(w));
    else for (const root of roots) if (w.startsWith(root === "/" ? "/" : root + "/")) out.push(posix.relative(root, w));
  }
  return out.filter((p) => p !== "" && p !== ".");
}

/**
 * Does the build read the repository? A build backend that derives the version from git (setuptools-scm,
 * hatch-vcs...) or a RUN that asks git about the checkout (`git describe`, `git rev-parse`). Then .git must stay.
 */
function buildReadsGit(file: DockerfileModel, project: ProjectContext): boolean {
  const asksGit = file.instructions.some((ins) =>
    (ins.shell?.commands ?? []).some((c) => {
      const inv = invocation(c);
      return inv.tool === "git" && !["clone", "init", "config", "--version", "version"].includes(inv.args[0]?.text ?? "");
    }),
  );
  if (asksGit) return true;
  const py = project.pyproject();
  if (!py) return false;
  const requires = ((py["build-system"] ?? {}) as { requires?: unknown }).requires;
  const tool = (py.tool ?? {}) as Record<string, unknown>;
  return (
    (Array.isArray(requires) && requires.some((r) => typeof r === "string" && /setuptools[-_]scm|hatch-vcs|versioningit|dunamai|poetry-dynamic-versioning|setuptools-git-versioning/i.test(r))) ||
    "setuptools_scm" in tool ||
    "poetry-dynamic-versioning" in tool
  );
}

/** Entries of `candidates` the context holds (or the standard ones when nothing is known) and .dockerignore lets in. */
export function missingEntries(file: DockerfileModel, project: ProjectContext, candidates: ContextEntry[]): ContextEntry[] {
  const known = project.entries().length > 0;
  const ignores = project.dockerignore()?.ignores;
  const needed = neededPaths(file, project);
  const keepGit = buildReadsGit(file, project);
  const out: ContextEntry[] = [];
  for (const candidate of candidates) {
    let entry = candidate;
    if (entry.label === ".env files" && known) {
      const names = envFilesPresent(project).filter((n) => !ignores?.(n));
      if (names.length === 0) continue;
      entry = { ...entry, patterns: names, probes: names };
    } else if (known ? !entry.present(project) : !entry.standard) continue;
    if (entry.label === ".git" && keepGit) continue;
    if (ignores && entry.probes.every((p) => ignores(p))) continue;
    const excludes = ignoreMatcher(entry.patterns);
    if (needed.some((p) => excludes(p))) continue;
    out.push(entry);
  }
  return out;
}

/** Lines that extend (or create) `.dockerignore`, under a comment that says why. */
export function dockerignoreEdit(project: ProjectContext, entries: ContextEntry[], comment: string): TextEdit {
  const existing = project.dockerignore()?.text;
  const lines = [`# ${comment}`, ...entries.flatMap((e) => e.patterns)].join("\n") + "\n";
  if (existing === undefined) return { path: ".dockerignore", start: 0, end: 0, text: lines };
  const sep = existing === "" || existing.endsWith("\n") ? "" : "\n";
  return { path: ".dockerignore", start: existing.length, end: existing.length, text: `${sep}${existing.trim() === "" ? "" : "\n"}${lines}` };
}
