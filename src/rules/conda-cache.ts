import { estimates } from "./lib/estimates.js";
import { appendToRun } from "./lib/run-edit.js";
import { CONDA_CACHE, reportCacheLeft } from "./lib/tool-cache.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "conda-cache",
    title: "conda keeps package tarballs in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "conda, mamba and micromamba download every package as a tarball into <root>/pkgs (CONDA_PKGS_DIRS) and keep " +
      "it there with the extracted copy: for a scientific stack that is hundreds of MB the environment never reads " +
      "again. Run `conda clean -afy` (`micromamba clean --all --yes`) at the end of the same RUN, or mount a BuildKit " +
      "cache on the pkgs directory. A clean in a later RUN frees nothing. Silent in stages that do not reach the " +
      "final image, such as a builder that packs the environment with conda-pack.",
  },
  check(ctx) {
    reportCacheLeft(ctx, CONDA_CACHE, {
      message: (op) => `${op.inv.tool} ${op.action} leaves package tarballs in pkgs/: run \`${op.inv.tool} clean\` in the same RUN`,
      impact: () => estimates.condaCache(),
      fix: (rc, op) => {
        const tool = op.inv.toolWord.text;
        const command = op.inv.tool === "micromamba" ? `${tool} clean --all --yes` : `${tool} clean -afy`;
        const edit = appendToRun(ctx.file, rc.ins, command, rc.cmd);
        return { kind: edit ? "safe" : "suggestion", description: `run \`${command}\` at the end of the RUN`, edits: edit ? [edit] : [] };
      },
    });
  },
});
