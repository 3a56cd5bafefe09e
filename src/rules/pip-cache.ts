import { commandsIn } from "../dockerfile/query.js";
import { pythonOp, requirementFiles } from "../shell/python.js";
import { estimates } from "./lib/estimates.js";
import { cacheLeft, PIP_CACHE, UV_CACHE } from "./lib/tool-cache.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "pip-cache",
    title: "pip keeps its download cache in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3042"],
    docs:
      "pip stores every wheel it downloads or builds in ~/.cache/pip. In an image layer that cache is dead weight: " +
      "it is never read again at run time, and it is often as large as a third of the installed packages (tens to " +
      "hundreds of MB for a data stack). Pass --no-cache-dir, set PIP_NO_CACHE_DIR (pip turns the cache off for any " +
      "value, even 0 or false), or mount a BuildKit cache on the cache directory, which keeps the speed of a warm cache " +
      "without shipping it. The same holds for `uv pip install` (--no-cache, UV_NO_CACHE, a cache mount on ~/.cache/uv). " +
      "Silent in stages whose files never reach the final image.",
  },
  check(ctx) {
    for (const rc of commandsIn(ctx.file, "shipped")) {
      const op = pythonOp(rc.cmd);
      if (!op || (op.tool !== "pip" && op.tool !== "uv-pip") || op.action !== "install" || !op.verb) continue;
      const uv = op.tool === "uv-pip";
      // Flags, environment, cache mounts and same-RUN cleanups: the cache model the other tool-cache checks share.
      if (!cacheLeft(rc, uv ? UV_CACHE : PIP_CACHE)) continue;
      const flag = uv ? "--no-cache" : "--no-cache-dir";
      const packages = op.targets.length + requirementFiles(op).length * 5;
      ctx.report({ start: op.inv.toolWord.span.start, end: op.verb.span.end }, {
        message: `${uv ? "uv pip install" : "pip install"} leaves its cache in the image: add ${flag}`,
        impact: estimates.pipCache(packages),
        fix: {
          kind: "safe",
          description: `add ${flag}`,
          edits: [{ start: op.verb.span.end, end: op.verb.span.end, text: ` ${flag}` }],
        },
      });
    }
  },
});
