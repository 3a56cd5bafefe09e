import { estimates } from "./lib/estimates.js";
import { appendToRun } from "./lib/run-edit.js";
import { absoluteDir, PIPENV_CACHE, reportCacheLeft } from "./lib/tool-cache.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "pipenv-cache",
    title: "pipenv keeps its download cache in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "pipenv installs through pip with pip's cache pointed at its own directory, ~/.cache/pipenv (PIPENV_CACHE_DIR): " +
      "every wheel it downloads stays in the layer, about a third of the installed size again. Remove that directory " +
      "in the same RUN, set PIP_NO_CACHE_DIR (pipenv passes the environment on to pip), or mount a BuildKit cache on " +
      "it. The virtualenvs pipenv creates live elsewhere (~/.local/share/virtualenvs or .venv), so the removal is safe. " +
      "Silent in stages that do not reach the final image.",
  },
  check(ctx) {
    reportCacheLeft(ctx, PIPENV_CACHE, {
      message: (op) => `pipenv ${op.action} leaves downloaded packages in ~/.cache/pipenv: remove it in the same RUN or set PIP_NO_CACHE_DIR`,
      impact: () => estimates.toolCache("pipenv", ctx.project.dependencies().size),
      fix: (rc, _op, dirs) => {
        const command = `rm -rf ${dirs.map((d) => absoluteDir(rc, d)).join(" ")}`;
        const edit = appendToRun(ctx.file, rc.ins, command, rc.cmd);
        return { kind: edit ? "safe" : "suggestion", description: `run \`${command}\` at the end of the RUN`, edits: edit ? [edit] : [] };
      },
    });
  },
});
