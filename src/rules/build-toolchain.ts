import type { DockerfileModel, Word } from "../dockerfile/model.js";
import { commandsIn } from "../dockerfile/query.js";
import { multiStageRewrite } from "../fix/multistage.js";
import type { ProjectContext } from "../project/context.js";
import { invocation } from "../shell/invocation.js";
import { pythonOp, requirementFiles } from "../shell/python.js";
import { estimates } from "./lib/estimates.js";
import { startInstructions } from "./lib/start.js";
import { packageCommands, packageName, removedInSameRun, toolchainKind, type PackageCommand, type ToolchainKind } from "./lib/system-packages.js";
import { defineCheck, type Fix, type TextEdit } from "./types.js";

/**
 * Is git there for the build? A RUN calls git or installs from a `git+` requirement, and the start command does not
 * use it. Without such evidence git may be something the application runs: silence.
 */
function gitServesBuild(file: DockerfileModel, project: ProjectContext): boolean {
  const target = file.target;
  if (!target) return false;
  if (startInstructions(target).some((i) => /\bgit\b/.test(file.source.slice(i.span)))) return false;
  return commandsIn(file, "shipped").some((rc) => {
    if (invocation(rc.cmd).tool === "git") return true;
    const op = pythonOp(rc.cmd);
    if (!op) return false;
    if (op.args.some((w) => w.text.includes("git+"))) return true;
    return requirementFiles(op).some((w) => project.read(w.text.replace(/^(-r|--requirement=)/, ""))?.includes("git+") ?? false);
  });
}

function suggestion(pc: PackageCommand, names: string[], rewrite: TextEdit | undefined): Fix {
  const list = names.join(" ");
  const description =
    pc.op.manager === "apk"
      ? `build in a builder stage and copy the result, or install them as a virtual package removed in the same RUN: \`apk add --virtual .build-deps ${list} && ... && apk del .build-deps\` (runtime libraries in a separate, kept \`apk add\`)`
      : pc.op.manager === "apt"
        ? `build in a builder stage (a venv at a fixed path) and copy only the venv and the runtime libraries, or end the same RUN with \`apt-get purge -y --auto-remove ${list}\` after installing the runtime libraries explicitly`
        : `build in a builder stage and copy only the result, or remove ${list} at the end of the same RUN`;
  return { kind: "suggestion", description, edits: rewrite ? [rewrite] : [] };
}

export default defineCheck({
  meta: {
    id: "build-toolchain",
    title: "Build toolchain shipped in the final image",
    category: "size",
    alsoCategories: ["security"],
    severity: "warning",
    fix: "suggestion",
    productionOnly: true,
    docs:
      "Compilers and headers are needed to build C extensions, not to run them. Installed in a stage that reaches the " +
      "final image and not removed in the same RUN, they stay: ~250 MB for gcc and libc headers (build-essential, " +
      "build-base), ~4 MB per -dev package, ~45 MB for git. A compiler and git in a production image also help an " +
      "attacker build and fetch tools. Build in a builder stage (a venv at a fixed path) and copy only the venv plus " +
      "the runtime libraries (libpq5 for libpq-dev...), or, on Alpine, install the build packages as a virtual package " +
      "removed in the same RUN. Header packages alone are reported as a size matter only; git counts when a RUN uses " +
      "it to build and the start command does not. Silent in builder stages, when the same RUN removes the packages " +
      "(`apk del` of the virtual package, `apt-get purge --auto-remove`), and when the target is a development stage.",
  },
  check(ctx) {
    let gitForBuild: boolean | undefined;
    // The multi-stage rewrite (src/fix/multistage.ts), computed once for all findings of the file.
    let rewrite: { edit: TextEdit | undefined } | undefined;
    for (const stage of ctx.file.stages.filter((s) => s.shipped)) {
      for (const pc of packageCommands(stage)) {
        if (pc.op.action !== "install") continue;
        const found: Array<{ word: Word; name: string; kind: ToolchainKind }> = [];
        for (const word of pc.op.packages) {
          const name = packageName(word.text, pc.op.manager);
          const kind = toolchainKind(name);
          if (!kind || removedInSameRun(pc, name)) continue;
          if (kind === "git" && !(gitForBuild ??= gitServesBuild(ctx.file, ctx.project))) continue;
          found.push({ word, name, kind });
        }
        if (found.length === 0) continue;
        const count = (k: ToolchainKind) => found.filter((f) => f.kind === k).length;
        const headersOnly = found.every((f) => f.kind === "headers");
        const names = found.map((f) => f.name);
        rewrite ??= { edit: multiStageRewrite(ctx.file, ctx.project) };
        ctx.report(found[0].word, {
          message: headersOnly
            ? `build headers ${names.join(", ")} stay in the final image: build in a builder stage or remove them in the same RUN`
            : `build toolchain (${names.join(", ")}) reaches the final image: build in a builder stage or remove it in the same RUN`,
          alsoCategories: headersOnly ? [] : undefined,
          impact: estimates.buildTools({ compilers: count("compiler"), tools: count("build-tool"), headers: count("headers"), git: count("git") > 0 }),
          fix: suggestion(pc, names, rewrite.edit),
          instruction: pc.ins,
        });
      }
    }
  },
});
