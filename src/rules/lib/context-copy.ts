import { posix } from "node:path";
import type { Instruction, Stage, Word } from "../../dockerfile/model.js";
import { flag, inheritedInstructions, workdirAt } from "../../dockerfile/query.js";
import { perObjectPair } from "../../memo.js";
import type { ProjectContext } from "../../project/context.js";

/**
 * What a source of COPY/ADD brings in, for cache reasoning: the whole context, dependency manifests (stable), source
 * code (changes with every commit), or other files that rarely change (configuration, scripts, docs).
 */
export type SourceKind = "all" | "manifest" | "source" | "other";

export interface CopySource {
  word: Word;
  /** As written, "./" and trailing slashes dropped ("" for the context root). */
  path: string;
  kind: SourceKind;
  /** A directory (or the whole context), as opposed to a single file or a glob of files. */
  directory: boolean;
}

/** A COPY/ADD whose sources come from the build context (not --from, not a heredoc, not a URL). */
export interface ContextCopy {
  ins: Instruction;
  sources: CopySource[];
  dest: Word;
  /** Brings in the whole context (`COPY . .`). */
  whole: boolean;
  /** Brings in source code, whole or partial. */
  carriesSource: boolean;
}

/** Dependency manifests: what a dependency install reads. */
export const MANIFEST_FILE =
  /^(requirements[\w.-]*\.(txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|pdm\.lock|Pipfile|Pipfile\.lock|setup\.cfg|setup\.py|environment\.ya?ml|conda-lock\.ya?ml)$/;
const MANIFEST_DIR = /^(requirements|requirements\.d|reqs)$/i;
const SOURCE_FILE = /\.(py|pyx|pxd|pyi|ipynb|js|mjs|cjs|ts|tsx|jsx|vue|html?|jinja2?|j2|css|scss|sql)$/i;
/** Extensionless files that are not directories. */
const PLAIN_FILES = /^(makefile|license|licence|copying|readme|procfile|dockerfile|containerfile|version|authors|changelog|notice|manifest\.in)$/i;
/** Directories that usually hold configuration or deployment files rather than application code. */
const STABLE_DIRS = /^(docker|\.docker|deploy|deployment|deployments|k8s|kubernetes|helm|charts|conf|config|configs|etc|\.devcontainer|licenses|certs|nginx|ci|\.github)$/i;
/** Directories of built distributions: the input of a wheelhouse install, not code that changes with every edit. */
const ARTIFACT_DIRS = /^(wheels?|wheelhouse|dist)$/i;

function classify(path: string, project: ProjectContext): { kind: SourceKind; directory: boolean } {
  if (path === "" || path === "*" || path === ".") return { kind: "all", directory: true };
  const base = posix.basename(path);
  if (MANIFEST_FILE.test(base) || /^requirements.*\*.*\.(txt|in)$/.test(base)) return { kind: "manifest", directory: false };
  const top = path.split("/")[0];
  if (MANIFEST_DIR.test(top)) return { kind: "manifest", directory: path === top };
  if (SOURCE_FILE.test(base)) return { kind: "source", directory: false };
  if (/\.[A-Za-z0-9]+$/.test(base) || PLAIN_FILES.test(base) || base.includes("*")) return { kind: "other", directory: false };
  // No extension: a directory, unless the context says it is a file.
  if (project.read(path) !== undefined) return { kind: "other", directory: false };
  if (STABLE_DIRS.test(base) || ARTIFACT_DIRS.test(base)) return { kind: "other", directory: true };
  return { kind: "source", directory: true };
}

export function normalizeSource(text: string): string {
  const p = text.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  return p === "." ? "" : p;
}

export const contextCopy: (ins: Instruction, project: ProjectContext) => ContextCopy | undefined = perObjectPair(readContextCopy);

function readContextCopy(ins: Instruction, project: ProjectContext): ContextCopy | undefined {
  if (ins.keyword !== "COPY" && ins.keyword !== "ADD") return undefined;
  if (flag(ins, "from") || ins.heredocs.length > 0) return undefined;
  const words = ins.json ?? ins.args;
  if (words.length < 2) return undefined;
  const sources: CopySource[] = [];
  for (const word of words.slice(0, -1)) {
    // ADD fetches URLs and git repositories: not the build context.
    if (ins.keyword === "ADD" && /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(word.text)) return undefined;
    const path = normalizeSource(word.text);
    sources.push({ word, path, ...classify(path, project) });
  }
  return {
    ins,
    sources,
    dest: words[words.length - 1],
    whole: sources.some((s) => s.kind === "all"),
    carriesSource: sources.some((s) => s.kind === "all" || s.kind === "source"),
  };
}

/** Where a COPY puts its files, as absolute paths: `prefix` for a directory source, `file` for a single file. */
export interface Placement {
  source: CopySource;
  /** The directory that receives the contents of a directory source. */
  dir?: string;
  /** The path a single-file source lands at. */
  file?: string;
  /** Glob sources: the directory the matches land in, and a matcher for their names. */
  glob?: { dir: string; match: RegExp };
}

function globRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

/** Placements of a context COPY's sources, given the working directory at the COPY. */
export function placements(copy: ContextCopy, workdir: string): Placement[] | undefined {
  if (!copy.dest.literal) return undefined;
  const destText = copy.dest.text;
  const dest = posix.resolve(workdir, destText);
  const intoDir = destText.endsWith("/") || destText === "." || copy.sources.length > 1;
  return copy.sources.map((source): Placement => {
    if (source.directory) return { source, dir: dest };
    const base = posix.basename(source.path);
    if (base.includes("*") || base.includes("?")) return { source, glob: { dir: dest, match: globRegExp(base) } };
    return { source, file: intoDir ? posix.join(dest, base) : dest };
  });
}

/** The context-relative path that a COPY placed at an absolute image path, if any. */
export function contextPathOf(placementsOfCopy: Placement[], imagePath: string): string | undefined {
  for (const p of placementsOfCopy) {
    if (p.file === imagePath) return p.source.path;
    if (p.dir !== undefined && (imagePath === p.dir || imagePath.startsWith(p.dir === "/" ? "/" : p.dir + "/"))) {
      const rest = posix.relative(p.dir, imagePath);
      return p.source.path === "" ? rest : `${p.source.path}/${rest}`;
    }
    if (p.glob && posix.dirname(imagePath) === p.glob.dir && p.glob.match.test(posix.basename(imagePath))) {
      const dir = posix.dirname(p.source.path);
      return dir === "." ? posix.basename(imagePath) : `${dir}/${posix.basename(imagePath)}`;
    }
  }
  return undefined;
}

/** Does a later instruction's text name any of the COPY's sources or its destination (a step that uses them)? */
export function mentionsCopy(copy: ContextCopy, text: string): boolean {
  const names = new Set<string>();
  for (const s of copy.sources) {
    if (s.kind === "all") continue;
    const base = posix.basename(s.path);
    if (base.length > 1 && !base.includes("*")) names.add(base);
  }
  const dest = copy.dest.text.replace(/\/+$/, "");
  if (dest !== "" && dest !== "." && dest !== "/") names.add(dest);
  for (const n of names) {
    const escaped = n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[\\s/'"=:])${escaped}($|[\\s/'";&|)])`).test(text)) return true;
  }
  return false;
}

/**
 * The context file that the build put at an absolute image path by the time of `before` (the latest COPY wins), or
 * the heredoc text a `COPY <<EOF path` wrote there, with the instruction that put it there.
 */
export function contextFileAt(
  stage: Stage,
  before: Instruction | undefined,
  imagePath: string,
  project: ProjectContext,
): { path: string; ins: Instruction } | { heredoc: string; ins: Instruction } | undefined {
  const chain = inheritedInstructions(stage, before);
  for (let i = chain.length - 1; i >= 0; i--) {
    const ins = chain[i];
    if ((ins.keyword === "COPY" || ins.keyword === "ADD") && ins.heredocs.length > 0 && !flag(ins, "from")) {
      // The destination is the last word of the first line; the heredoc bodies follow.
      const firstLineEnd = ins.heredocs[0].contentSpan?.start ?? ins.span.end;
      const dest = ins.args.filter((w) => w.span.end <= firstLineEnd && !w.text.startsWith("<<")).at(-1);
      const wd = workdirAt(ins.stage!, ins);
      if (dest && wd !== undefined && posix.resolve(wd, dest.text) === imagePath) return { heredoc: ins.heredocs[0].content, ins };
      continue;
    }
    const copy = contextCopy(ins, project);
    const wd = copy && workdirAt(ins.stage!, ins);
    const placed = copy && wd !== undefined ? placements(copy, wd) : undefined;
    const path = placed && contextPathOf(placed, imagePath);
    if (path !== undefined) return { path, ins };
  }
  return undefined;
}

/** The text of a file the image holds at `path` (absolute, or relative to the stage's WORKDIR), when the build put it there from the context or a heredoc. */
export function imageFileText(stage: Stage, path: string, project: ProjectContext): string | undefined {
  const found = contextFileAt(stage, undefined, posix.resolve(workdirAt(stage) ?? "/", path), project);
  if (!found) return undefined;
  return "heredoc" in found ? found.heredoc : project.read(found.path);
}
