import { commandEnv } from "../dockerfile/query.js";
import { flagValue } from "../shell/invocation.js";
import { estimates } from "./lib/estimates.js";
import { reportCacheLeft, UV_CACHE } from "./lib/tool-cache.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "uv-cache",
    title: "uv keeps its cache in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "`uv sync`, `uv add` and `uv tool install` keep what they download in ~/.cache/uv (UV_CACHE_DIR). In an image " +
      "layer that cache is never read again. With the default link mode uv hardlinks unpacked wheels into the " +
      "environment, so the layer holds them once and the waste is the index metadata and wheels built from source; " +
      "with UV_LINK_MODE=copy (the usual setting next to a cache mount) the cache duplicates the whole environment. " +
      "Pass --no-cache, set UV_NO_CACHE=1, or mount a BuildKit cache on the cache directory (fast rebuilds, nothing " +
      "shipped). `uv pip install` is covered by pip-cache. Silent in stages that do not reach the final image.",
  },
  check(ctx) {
    reportCacheLeft(ctx, UV_CACHE, {
      applies: (op) => op.tool === "uv",
      message: (op) => `uv ${op.action} leaves its cache in the image: add --no-cache or mount a cache on ~/.cache/uv`,
      impact: (rc, op) => {
        const mode = flagValue(op.args, "--link-mode")?.value ?? commandEnv(rc, "UV_LINK_MODE") ?? "hardlink";
        return estimates.toolCache("uv", ctx.project.dependencies().size, mode === "hardlink");
      },
      fix: (_rc, op) => ({ kind: "safe", description: "add --no-cache", edits: [{ start: op.verb!.span.end, end: op.verb!.span.end, text: " --no-cache" }] }),
    });
  },
});
