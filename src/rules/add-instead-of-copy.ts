import type { ProjectContext } from "../project/context.js";
import { copyParts, isArchiveName, isGitSource, isUrl } from "./lib/paths.js";
import { defineCheck } from "./types.js";

/** Flags only ADD understands: keep ADD when they are used. */
const ADD_ONLY_FLAGS = new Set(["checksum", "keep-git-dir", "unpack"]);

/** Does a local source look like something ADD would unpack (an archive by name, or by content when we can read it)? */
function mayUnpack(source: string, project: ProjectContext): boolean {
  if (isArchiveName(source)) return true;
  if (/[*?[]/.test(source)) {
    // A glob: ADD unpacks each matching archive; we can only rule that out for a known context.
    const re = new RegExp(`^${source.replace(/^\.\//, "").replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    return project.entries().length === 0 || project.entries().some((e) => re.test(e) && isArchiveName(e));
  }
  const content = project.read(source.replace(/^\.\//, ""));
  // tar's "ustar" magic at offset 257; gzip, bzip2, xz and zstd magics at the start.
  return content !== undefined && (content.slice(257, 262) === "ustar" || /^(\x1f\ufffd|BZh|\ufffd7zXZ|\ufffd\ufffd\/\ufffd|\x28\ufffd\/\ufffd)/.test(content));
}

export default defineCheck({
  meta: {
    id: "add-instead-of-copy",
    title: "ADD used to copy local files",
    category: "correctness",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3020"],
    docs:
      "ADD copies like COPY but also unpacks local tar archives and fetches URLs. Used for plain local files it hides " +
      "that magic: a file that happens to be a tar archive is silently unpacked, and readers cannot tell what the " +
      "instruction is for. Use COPY for local files and directories; keep ADD where unpacking a local archive or " +
      "fetching a URL is the point (or with --checksum, --keep-git-dir). The fix replaces the keyword when no source " +
      "can be an archive: not by its name, and not by its content when the build context is readable.",
  },
  check(ctx) {
    for (const ins of ctx.file.instructions) {
      if (ins.keyword !== "ADD" || !ins.stage) continue;
      const parts = copyParts(ins);
      if (!parts && ins.heredocs.length === 0) continue;
      if (ins.flags.some((f) => ADD_ONLY_FLAGS.has(f.name))) continue;
      if (parts && parts.sources.some((s) => isUrl(s.text) || isGitSource(s.text) || (ins.heredocs.length === 0 && mayUnpack(s.text, ctx.project)))) continue;
      ctx.report(ins.keywordSpan, {
        message: "ADD copies local files here: use COPY, which does only that",
        fix: { kind: "safe", description: "replace ADD with COPY", edits: [{ start: ins.keywordSpan.start, end: ins.keywordSpan.end, text: "COPY" }] },
      });
    }
  },
});
