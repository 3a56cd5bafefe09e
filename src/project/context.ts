import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, posix, sep } from "node:path";
import dockerignore from "@balena/dockerignore";

// The package is CommonJS with a `default` property; ESM sees either shape depending on the loader.
type IgnoreFactory = () => { add(patterns: string[]): { ignores(path: string): boolean } };
const ignore = ((dockerignore as unknown as { default?: IgnoreFactory }).default ?? dockerignore) as unknown as IgnoreFactory;

// Checks match against the same few fixed pattern lists on every file: compile each once.
const matchers = new Map<string, (relativePath: string) => boolean>();

/** Docker's own .dockerignore matching for a list of patterns: does it exclude a context-relative path? */
export function ignoreMatcher(patterns: string[]): (relativePath: string) => boolean {
  const key = patterns.join("\n");
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = compileMatcher(patterns);
    // a user's .dockerignore is compiled too: keep the cache from growing without bound in a long run
    if (matchers.size >= 256) matchers.clear();
    matchers.set(key, matcher);
  }
  return matcher;
}

function compileMatcher(patterns: string[]): (relativePath: string) => boolean {
  const matcher = ignore().add(patterns);
  return (p) => {
    try {
      return matcher.ignores(p.replace(/^\.\//, ""));
    } catch {
      return false;
    }
  };
}
import { parse as parseToml } from "smol-toml";

/** The build context as lint sees it: .dockerignore and the Python manifests, read lazily and once. */
export interface DockerIgnore {
  path: string;
  text: string;
  patterns: string[];
  /** Is a context-relative path excluded from the context? */
  ignores(relativePath: string): boolean;
}

export interface ProjectContext {
  /** Absent when linting text with no directory (stdin). */
  dir: string | undefined;
  dockerignore(): DockerIgnore | undefined;
  pyproject(): Record<string, unknown> | undefined;
  /** Top-level entries of the context directory. */
  entries(): string[];
  exists(relativePath: string): boolean;
  read(relativePath: string): string | undefined;
  /** Files a build backend needs from pyproject (readme, license files): never to be ignored. */
  backendFiles(): string[];
  /** Lower-case distribution names the project depends on, from requirements*.txt, pyproject, Pipfile. */
  dependencies(): Set<string>;
}

/** Where the context's files come from: the disk, or memory in tests. */
export interface FileSource {
  read(relativePath: string): string | undefined;
  exists(relativePath: string): boolean;
  entries(): string[];
}

export function diskFiles(dir: string): FileSource {
  // One readdir answers most questions: checks ask about many files a context does not have, and a failed
  // stat or read costs a thrown error each.
  let top: Map<string, "file" | "dir" | "other"> | undefined;
  const listing = (): Map<string, "file" | "dir" | "other"> => {
    if (!top) {
      top = new Map();
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) top.set(e.name, e.isFile() ? "file" : e.isDirectory() ? "dir" : "other");
      } catch {
        // an unreadable context lists as empty
      }
    }
    return top;
  };
  const clean = (rel: string) => rel.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  // Paths come from the Dockerfile (COPY sources, start scripts): none may lead out of the context, by ".." or by a
  // symlink, since messages quote what is read (a Dockerfile under review must not read the reviewer's files).
  const inside = (rel: string) => {
    const n = posix.normalize(rel);
    return !posix.isAbsolute(n) && n !== ".." && !n.startsWith("../");
  };
  let root: string | undefined;
  const resolvesInside = (p: string) => {
    try {
      root ??= realpathSync(dir);
      const real = realpathSync(p);
      return real === root || real.startsWith(root + sep);
    } catch {
      return false;
    }
  };
  const mayExist = (rel: string) => inside(rel) && listing().has(rel.split("/")[0]);
  return {
    read(rel) {
      const r = clean(rel);
      if (!mayExist(r) || listing().get(r) === "dir") return undefined;
      try {
        const p = join(dir, r);
        // the listing already knows a top-level regular file; anything else (a symlink, a FIFO that would block a
        // read, a deeper path) is looked at first
        if (listing().get(r) !== "file" && (!statSync(p, { throwIfNoEntry: false })?.isFile() || !resolvesInside(p))) return undefined;
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    exists(rel) {
      const r = clean(rel);
      if (r === "" || r === ".") return true;
      if (!mayExist(r)) return false;
      return !r.includes("/") || (existsSync(join(dir, r)) && resolvesInside(join(dir, r)));
    },
    entries: () => [...listing().keys()],
  };
}

export function memoryFiles(files: Record<string, string>): FileSource {
  return {
    read: (rel) => files[rel.replace(/^\.\//, "")],
    exists: (rel) => {
      const r = rel.replace(/^\.\//, "").replace(/\/$/, "");
      return Object.keys(files).some((k) => k === r || k.startsWith(r + "/"));
    },
    entries: () => [...new Set(Object.keys(files).map((k) => k.split("/")[0]))],
  };
}

export function projectContext(dir: string | undefined, files: FileSource | undefined = dir ? diskFiles(dir) : undefined): ProjectContext {
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, f: () => T): T => {
    if (!cache.has(key)) cache.set(key, f());
    return cache.get(key) as T;
  };
  const read = (rel: string): string | undefined => (files ? once(`read:${rel}`, () => files.read(rel)) : undefined);
  const ctx: ProjectContext = {
    dir,
    read,
    exists: (rel) => (files ? once(`exists:${rel}`, () => files.exists(rel)) : false),
    entries: () => (files ? once("entries", () => files.entries()) : []),
    dockerignore: () =>
      once("dockerignore", () => {
        const text = read(".dockerignore");
        if (text === undefined) return undefined;
        const patterns = text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== "" && !l.startsWith("#"));
        return {
          path: dir ? join(dir, ".dockerignore") : ".dockerignore",
          text,
          patterns,
          ignores: ignoreMatcher(patterns),
        };
      }),
    pyproject: () =>
      once("pyproject", () => {
        const text = read("pyproject.toml");
        if (text === undefined) return undefined;
        try {
          return parseToml(text) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      }),
    backendFiles: () => once("backend", () => backendFiles(ctx.pyproject())),
    dependencies: () => once("deps", () => collectDependencies(ctx)),
  };
  return ctx;
}

function backendFiles(pyproject: Record<string, unknown> | undefined): string[] {
  if (!pyproject) return [];
  const out: string[] = [];
  const project = (pyproject.project ?? {}) as Record<string, unknown>;
  const add = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (v && typeof v === "object" && typeof (v as { file?: unknown }).file === "string") out.push((v as { file: string }).file);
  };
  add(project.readme);
  // A string license is an SPDX expression (PEP 639), not a file; only {file = ...} names one.
  if (typeof project.license === "object") add(project.license);
  if (Array.isArray(project["license-files"])) for (const f of project["license-files"]) add(f);
  const poetry = ((pyproject.tool ?? {}) as Record<string, unknown>).poetry as Record<string, unknown> | undefined;
  if (poetry) {
    if (Array.isArray(poetry.readme)) poetry.readme.forEach(add);
    else add(poetry.readme);
    add(poetry.license && /\.(md|txt|rst)$|LICENSE/i.test(String(poetry.license)) ? poetry.license : undefined);
  }
  return out;
}

const REQUIREMENT_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;

/** PEP 503 normalised name. */
export function normalizeDistName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function collectDependencies(ctx: ProjectContext): Set<string> {
  const deps = new Set<string>();
  const addSpec = (spec: string) => {
    const m = REQUIREMENT_NAME.exec(spec);
    if (m) deps.add(normalizeDistName(m[1]));
  };
  for (const entry of ctx.entries()) {
    if (!/^requirements.*\.(txt|in)$/i.test(entry)) continue;
    for (const line of (ctx.read(entry) ?? "").split(/\r?\n/)) {
      const l = line.replace(/#.*/, "").trim();
      if (l === "" || l.startsWith("-")) continue;
      addSpec(l);
    }
  }
  const py = ctx.pyproject();
  if (py) {
    const project = (py.project ?? {}) as Record<string, unknown>;
    if (Array.isArray(project.dependencies)) project.dependencies.forEach((d) => typeof d === "string" && addSpec(d));
    const poetry = ((py.tool ?? {}) as Record<string, unknown>).poetry as Record<string, unknown> | undefined;
    const pdeps = poetry?.dependencies as Record<string, unknown> | undefined;
    if (pdeps) for (const k of Object.keys(pdeps)) if (k.toLowerCase() !== "python") deps.add(normalizeDistName(k));
  }
  const pipfile = ctx.read("Pipfile");
  if (pipfile) {
    try {
      const parsed = parseToml(pipfile) as Record<string, Record<string, unknown>>;
      for (const k of Object.keys(parsed.packages ?? {})) deps.add(normalizeDistName(k));
    } catch {
      // an unreadable Pipfile tells us nothing about dependencies
    }
  }
  return deps;
}
