// A throw-away copy of a build context: compare builds and edits there, never in the user's files.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { parseDockerfile } from "../dockerfile/parse.js";
import { applyEdits } from "../fix/apply.js";
import { projectContext } from "../project/context.js";
import type { TextEdit } from "../rules/types.js";
import { byCodeUnit } from "../text/order.js";

export interface Scratch {
  dir: string;
  context: string;
  remove(): void;
}

/** Copies `context` (without .git) into a new temporary directory. */
export function scratchCopy(context: string, label: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `whittle-${label}-`));
  const copy = join(dir, "context");
  cpSync(context, copy, { recursive: true, filter: (src) => relative(context, src).split(sep)[0] !== ".git" });
  return { dir, context: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The Dockerfile with FROM images replaced as `imageMap` says (official tag -> local stand-in), written
 * beside the scratch context so the user's Dockerfile stays as it is. Stage names are left alone.
 */
export function writeMappedDockerfile(scratch: Scratch, name: string, path: string, text: string, imageMap: Record<string, string>): string {
  const model = parseDockerfile(path, text);
  const edits: TextEdit[] = [];
  for (const stage of model.stages) {
    if (stage.image.stage || stage.image.scratch) continue;
    const local = imageMap[stage.image.raw] ?? imageMap[stage.image.expanded];
    if (local !== undefined) edits.push({ start: stage.image.span.start, end: stage.image.span.end, text: local });
  }
  const target = join(scratch.dir, name);
  writeFileSync(target, applyEdits(text, edits).text);
  return target;
}

/**
 * The Python source file a warm rebuild edits: the first .py file (by path) that the build context keeps
 * and that is not an empty package marker, or undefined when the context has none.
 */
export function pickSourceFile(context: string): string | undefined {
  const ignore = projectContext(context).dockerignore();
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
      if (e.name.startsWith(".") || e.name === "__pycache__" || e.name === "node_modules") continue;
      const rel = relative(context, join(dir, e.name)).split(sep).join("/");
      if (ignore?.ignores(rel)) continue;
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.isFile() && e.name.endsWith(".py")) found.push(rel);
    }
  };
  walk(context);
  return found.find((f) => !f.endsWith("__init__.py")) ?? found[0];
}

/** The one-line edit a developer makes between two builds: a comment appended to a source file. */
export function touchSource(context: string, relativePath: string): void {
  appendFileSync(join(context, relativePath), `\n# edited by whittle compare at ${new Date().toISOString()}\n`);
}
