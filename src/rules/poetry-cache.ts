import { estimates } from "./lib/estimates.js";
import { appendToRun } from "./lib/run-edit.js";
import { absoluteDir, POETRY_CACHE, reportCacheLeft } from "./lib/tool-cache.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "poetry-cache",
    title: "Poetry keeps its download cache in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "`poetry install` stores every wheel and sdist it downloads in {cache-dir}/cache and {cache-dir}/artifacts " +
      "(~/.cache/pypoetry, or POETRY_CACHE_DIR): about as large as the downloads themselves, and dead weight in an " +
      "image. Remove both directories in the same RUN, pass --no-cache (Poetry 1.2+), or mount a BuildKit cache on " +
      "them. The fix removes cache/ and artifacts/ only: Poetry also creates its virtualenvs under the cache directory " +
      "unless virtualenvs.create is off or in-project, so deleting the whole directory can delete the installed " +
      "environment. POETRY_VIRTUALENVS_CREATE and friends do not change what is cached. Silent in stages that do not " +
      "reach the final image.",
  },
  check(ctx) {
    reportCacheLeft(ctx, POETRY_CACHE, {
      message: (op) => `poetry ${op.action} leaves downloaded packages in its cache: remove the cache and artifacts directories in the same RUN`,
      impact: () => estimates.toolCache("poetry", ctx.project.dependencies().size),
      fix: (rc, _op, dirs) => {
        const command = `rm -rf ${dirs.map((d) => absoluteDir(rc, d)).join(" ")}`;
        const edit = appendToRun(ctx.file, rc.ins, command, rc.cmd);
        return { kind: edit ? "safe" : "suggestion", description: `run \`${command}\` at the end of the RUN`, edits: edit ? [edit] : [] };
      },
    });
  },
});
