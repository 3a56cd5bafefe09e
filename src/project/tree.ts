import { readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { InputError } from "../errors.js";

/** Directories that never hold the application's own code. */
const NOT_CODE = new Set([
  ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache",
  ".pytest_cache", ".ruff_cache", "build", "dist", "site-packages", ".eggs", "htmlcov", "tests", "test",
  "migrations", "docs", "static", "templates", "media",
]);

const MAX_PY_FILES = 2000;

/** Read access to a project directory: absent files are undefined, unreadable ones an InputError. */
export class ProjectTree {
  private readonly cache = new Map<string, string | undefined>();

  constructor(readonly dir: string) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      throw new InputError(`${dir}: no such directory`);
    }
    if (!st.isDirectory()) throw new InputError(`${dir}: not a directory`);
  }

  read(rel: string): string | undefined {
    if (this.cache.has(rel)) return this.cache.get(rel);
    const path = join(this.dir, rel);
    let text: string | undefined;
    try {
      const st = statSync(path);
      if (st.isFile()) text = readFileSync(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new InputError(`cannot read ${path}: ${code ?? (err as Error).message}`);
    }
    this.cache.set(rel, text);
    return text;
  }

  exists(rel: string): boolean {
    try {
      statSync(join(this.dir, rel));
      return true;
    } catch {
      return false;
    }
  }

  isDir(rel: string): boolean {
    try {
      return statSync(join(this.dir, rel)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Entries of a directory, sorted by name; an unreadable directory is an InputError. */
  list(rel = "."): Dirent[] {
    try {
      return readdirSync(join(this.dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw new InputError(`cannot read directory ${join(this.dir, rel)}: ${code}`);
    }
  }

  /** A TOML file parsed, undefined when absent; a syntax error is an InputError naming the file. */
  toml(rel: string): Record<string, unknown> | undefined {
    const text = this.read(rel);
    if (text === undefined) return undefined;
    try {
      return parseToml(text) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(`${join(this.dir, rel)}: not valid TOML: ${(err as Error).message.split("\n")[0]}`);
    }
  }

  json(rel: string): Record<string, unknown> | undefined {
    const text = this.read(rel);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(`${join(this.dir, rel)}: not valid JSON: ${(err as Error).message}`);
    }
  }

  /** Top-level directories that hold a virtual environment. */
  venvDirs(): string[] {
    return this.list()
      .filter((e) => e.isDirectory() && this.exists(join(e.name, "pyvenv.cfg")))
      .map((e) => e.name);
  }

  /** Python files of the application (not tests, venvs, migrations), breadth-first, to a depth of 4. */
  pythonFiles(): string[] {
    const skip = new Set([...NOT_CODE, ...this.venvDirs()]);
    const out: string[] = [];
    let level = ["."];
    for (let depth = 0; depth < 4 && level.length && out.length < MAX_PY_FILES; depth++) {
      const next: string[] = [];
      for (const dir of level) {
        for (const e of this.list(dir)) {
          const rel = dir === "." ? e.name : `${dir}/${e.name}`;
          if (e.isDirectory()) {
            if (!skip.has(e.name) && !e.name.startsWith(".")) next.push(rel);
          } else if (e.isFile() && e.name.endsWith(".py")) out.push(rel);
        }
      }
      level = next;
    }
    return out.slice(0, MAX_PY_FILES);
  }
}

/** A table of parsed TOML, or an empty one. */
export function table(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
