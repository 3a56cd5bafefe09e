import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";
import { byCodeUnit } from "../text/order.js";

const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;
const SKIP_DIRS = new Set(["node_modules", ".git", ".venv", "venv", "__pycache__", ".tox", "dist", "build"]);

export function isDockerfileName(name: string): boolean {
  return name === "Dockerfile" || name.endsWith(".Dockerfile") || name.endsWith(".dockerfile") || name.startsWith("Dockerfile.");
}

/** Expands directories into the Dockerfiles below them; plain files are taken as given. */
export function findDockerfiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new InputError(`cannot read directory ${dir}: ${(err as NodeJS.ErrnoException).code}`);
    }
    for (const e of entries.sort((a, b) => byCodeUnit(a.name, b.name))) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && depth < 12) walk(join(dir, e.name), depth + 1);
      } else if (e.isFile() && isDockerfileName(e.name)) out.push(join(dir, e.name));
    }
  };
  for (const p of paths) {
    if (p === "-") {
      out.push(p);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(p, 0);
      if (out.length === before) throw new InputError(`${p}: no Dockerfile found (looked for Dockerfile, *.Dockerfile, Dockerfile.*)`);
    } else out.push(p);
  }
  return out;
}

/** Reads a Dockerfile as text, refusing binary junk and absurd sizes with a clear message. */
export function readDockerfile(path: string): string {
  let buf: Buffer;
  try {
    if (path === "-") buf = readFileSync(0);
    else {
      const st = statSync(path);
      if (st.isDirectory()) throw new InputError(`${path}: is a directory`);
      if (st.size > MAX_DOCKERFILE_BYTES) throw new InputError(`${path}: ${st.size} bytes is too large for a Dockerfile (limit ${MAX_DOCKERFILE_BYTES})`);
      buf = readFileSync(path);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (err as Error).message}`);
  }
  return decodeText(buf, path);
}

export function decodeText(buf: Buffer, path: string): string {
  if (buf.length > MAX_DOCKERFILE_BYTES) throw new InputError(`${path}: too large for a Dockerfile`);
  if (buf.includes(0)) throw new InputError(`${path}: binary data (NUL bytes), not a Dockerfile`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new InputError(`${path}: not valid UTF-8 text, not a Dockerfile`);
  }
  // Control characters other than tab, CR, LF, FF and ESC are a sign of binary data.
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 12 && ch !== 27) control++;
  }
  if (control > 0 && control > text.length / 100) throw new InputError(`${path}: binary data (control characters), not a Dockerfile`);
  return text.replace(/^\uFEFF/, "");
}

export function defaultContext(path: string): string {
  return path === "-" ? process.cwd() : dirname(path);
}

export function displayName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

export { basename };
