import type { Instruction, SimpleCommand } from "../dockerfile/model.js";
import { inheritedInstructions } from "../dockerfile/query.js";
import { hasFlag, invocation } from "../shell/invocation.js";
import { removalCovers, removedPaths } from "./lib/cleanup.js";
import { copyParts, isArchiveName, isGitSource, isTarArchiveName, isUrl, landingPath } from "./lib/paths.js";
import { resolvePath } from "./lib/python-env.js";
import { defineCheck } from "./types.js";

/** Tools that unpack an archive into new files. */
const EXTRACTORS = new Set(["tar", "unzip", "gunzip", "bunzip2", "unxz", "unzstd", "7z", "7za", "bsdtar", "zcat"]);
/** Tools that copy the file's content somewhere else (an installer) or rewrite it (metadata changes copy it up). */
const CONSUMERS = new Set(["pip", "uv-pip", "dpkg", "rpm", "apt-get", "apt", "apk", "chmod", "chown", "mv"]);

/** How a later command uses the added file: "extracts", "removes", "installs/changes", or not at all. */
function use(cmd: SimpleCommand, added: string, resolve: (p: string) => string): string | undefined {
  const inv = invocation(cmd);
  if (removedPaths(cmd).some((p) => removalCovers(resolve(p), added))) return "removes";
  const names = inv.args.some((w) => !w.text.startsWith("-") && resolve(w.text) === added) || inv.args.some((w) => w.text.startsWith("-") && w.text.includes("=") && resolve(w.text.slice(w.text.indexOf("=") + 1)) === added);
  if (!names) return undefined;
  if (EXTRACTORS.has(inv.tool) || ((inv.tool === "xz" || inv.tool === "zstd" || inv.tool === "gzip") && hasFlag(inv.args, "-d", "--decompress"))) return "extracts";
  if (CONSUMERS.has(inv.tool)) return inv.tool === "chmod" || inv.tool === "chown" || inv.tool === "mv" ? "rewrites" : "installs";
  return undefined;
}

export default defineCheck({
  meta: {
    id: "remote-add",
    title: "ADD of a download or archive that a later RUN unpacks or removes",
    category: "size",
    severity: "warning",
    fix: "suggestion",
    docs:
      "ADD <url> stores the download in a layer of its own and never unpacks it; ADD of a local zip or wheel copies " +
      "it as is. When a later RUN extracts, installs, moves, chmods or deletes that file, the original stays in the " +
      "ADD layer at full size and the result is stored again on top. Download, unpack and delete in one RUN " +
      "(`curl -fsSL <url> -o /tmp/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz`), bind-mount a local archive " +
      "for the RUN that needs it (`RUN --mount=type=bind,source=x.whl,target=/tmp/x.whl`), or set the mode at copy " +
      "time (`ADD --chmod=755`, BuildKit). An ADD whose file is used as it is stays silent, as do stages that do not " +
      "reach the final image.",
  },
  check(ctx) {
    const target = ctx.file.target;
    if (!target) return;
    const chain = inheritedInstructions(target);
    chain.forEach((ins, i) => {
      const parts = ins.keyword === "ADD" ? copyParts(ins) : undefined;
      if (!parts || parts.from !== undefined || ins.heredocs.length > 0) return;
      for (const source of parts.sources) {
        const remote = isUrl(source.text) && !isGitSource(source.text);
        const localArchive = !isUrl(source.text) && isArchiveName(source.text) && !isTarArchiveName(source.text);
        if (!remote && !localArchive) continue;
        const added = landingPath(ins, parts, source);
        if (!added || added.includes("$")) continue;
        const found = laterUse(chain.slice(i + 1), added);
        if (!found) continue;
        const [how, later] = found;
        const remedy =
          how === "rewrites"
            ? "set the mode or owner on the ADD (--chmod/--chown) instead"
            : remote
              ? "download, use and delete it in one RUN (curl -fsSL ... -o file && ... && rm file)"
              : "bind-mount it for the RUN that uses it (RUN --mount=type=bind,source=...,target=...)";
        ctx.report(source, {
          message: `the RUN at line ${later.line} ${how} ${added}, but ADD keeps the original in its own layer: ${remedy}`,
          impact: { basis: `the ${remote ? "downloaded" : "added"} file stays in the ADD layer at full size, and what the RUN at line ${later.line} makes of it is stored again` },
          fix: { kind: "suggestion", description: remedy, edits: [] },
          instruction: ins,
        });
      }
    });
  },
});

function laterUse(after: Instruction[], added: string): [string, Instruction] | undefined {
  for (const ins of after) {
    if (ins.keyword !== "RUN" || !ins.shell || !ins.stage) continue;
    const stage = ins.stage;
    for (const cmd of ins.shell.commands) {
      const how = use(cmd, added, (p) => resolvePath(stage, ins, p));
      if (how) return [how, ins];
    }
  }
  return undefined;
}
