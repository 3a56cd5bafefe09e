import { posix } from "node:path";
import type { Instruction, Word } from "../../dockerfile/model.js";
import { resolvePath } from "./python-env.js";

/** Directories of the base system, full of files no instruction of the Dockerfile made. */
export const SYSTEM_DIRS = new Set(["/", "/usr", "/usr/local", "/usr/lib", "/usr/share", "/usr/bin", "/usr/local/lib", "/usr/local/bin", "/etc", "/var", "/home", "/root", "/bin", "/lib", "/sbin", "/tmp", "/var/lib", "/var/log", "/opt", "/srv"]);

/** Is `path` the directory `dir` itself or inside it? Both absolute and normalised. */
export function within(path: string, dir: string): boolean {
  return dir === "/" || path === dir || path.startsWith(dir + "/");
}

export function isUrl(source: string): boolean {
  return /^(https?|ftp):\/\//i.test(source);
}

export function isGitSource(source: string): boolean {
  return /^git@|^git:\/\/|\.git(#.*)?$|^https?:\/\/[^/]*(github\.com|gitlab\.com|bitbucket\.org)\/[^/]+\/[^/]+\.git/i.test(source);
}

/** Does the name say it is an archive ADD would unpack (tar, optionally gzip/bzip2/xz/zstd compressed)? */
export function isTarArchiveName(name: string): boolean {
  return /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst|lz4))$/i.test(name);
}

export function isArchiveName(name: string): boolean {
  return isTarArchiveName(name) || /\.(zip|gz|bz2|xz|zst|7z|rar|whl)$/i.test(name);
}

/** The parts of a COPY or ADD: sources, destination and `--from`, for shell and exec form. */
export interface CopyParts {
  sources: Word[];
  dest: Word;
  from?: string;
}

export function copyParts(ins: Instruction): CopyParts | undefined {
  if (ins.keyword !== "COPY" && ins.keyword !== "ADD") return undefined;
  const words = ins.json ?? ins.args;
  if (words.length < 2) return undefined;
  const from = ins.flags.find((f) => f.name === "from")?.value ?? undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1], from };
}

/** Does a COPY/ADD take its sources from the build context (not from a stage, an image or a heredoc)? */
export function fromContext(ins: Instruction, parts: CopyParts): boolean {
  return parts.from === undefined && ins.heredocs.length === 0;
}

const WHOLE_CONTEXT = new Set([".", "./", "./.", "/", "*", "./*", "/*"]);

/** A source that stands for the whole build context: `.`, `./`, `*`, `./*`. */
export function isWholeContext(source: string): boolean {
  return WHOLE_CONTEXT.has(source);
}

/**
 * Where a COPY/ADD puts what it brings: the destination as an absolute path and whether it is a directory into which
 * the sources land (dest ends in `/`, several sources, a directory or wildcard source) or the target file itself.
 */
export function copyDestination(ins: Instruction, parts: CopyParts): { path: string; intoDir: boolean } | undefined {
  if (!ins.stage) return undefined;
  const path = resolvePath(ins.stage, ins, parts.dest.text);
  const intoDir =
    /\/$/.test(parts.dest.text) ||
    parts.dest.text === "." ||
    parts.sources.length > 1 ||
    parts.sources.some((s) => /[*?[]/.test(s.text) || /\/$/.test(s.text) || s.text === "." || isWholeContext(s.text));
  return { path, intoDir };
}

/** The absolute path a single source lands at: the destination itself, or dest/basename for a directory destination. */
export function landingPath(ins: Instruction, parts: CopyParts, source: Word): string | undefined {
  const dest = copyDestination(ins, parts);
  if (!dest) return undefined;
  if (!dest.intoDir) return dest.path;
  let name: string;
  try {
    name = posix.basename(isUrl(source.text) ? new URL(source.text).pathname : source.text);
  } catch {
    return undefined;
  }
  return name ? posix.join(dest.path, name) : undefined;
}
