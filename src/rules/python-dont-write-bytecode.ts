import { commandEnv, commandsIn, envAt, flag, inheritedInstructions, stagesOf, userAt } from "../dockerfile/query.js";
import type { DockerfileModel, Stage } from "../dockerfile/model.js";
import { hasFlag, invocation } from "../shell/invocation.js";
import { pythonOp } from "../shell/python.js";
import { baseImageFacts } from "./lib/base-images.js";
import { setEnvEdit } from "./lib/edits.js";
import { imageEnv } from "./lib/start.js";
import { pythonStarts } from "./lib/start-script.js";
import { defineCheck } from "./types.js";

const truthy = (v: string | undefined) => v !== undefined && v !== "" && !/^(0|false|no|off)$/i.test(v);

/** Does the build precompile bytecode on purpose (compileall, UV_COMPILE_BYTECODE, pip/uv --compile)? */
function precompiles(file: DockerfileModel): boolean {
  if (stagesOf(file, "built").some((s) => truthy(envAt(s, undefined, "UV_COMPILE_BYTECODE")))) return true;
  return commandsIn(file, "built").some((rc) => {
    if (invocation(rc.cmd).tool === "compileall") return true;
    const op = pythonOp(rc.cmd);
    if (!op) return false;
    if (op.tool === "uv" || op.tool === "uv-pip") return hasFlag(op.args, "--compile-bytecode", "--compile") || truthy(commandEnv(rc, "UV_COMPILE_BYTECODE"));
    return op.tool === "pip" && hasFlag(op.args, "--compile");
  });
}

/**
 * Can the app write next to its code? Not when it runs as a non-root user and nothing hands files to that user
 * (COPY --chown, RUN chown): root-owned code directories make Python skip the write.
 */
function codeWritable(stage: Stage, nonRootBase: boolean): boolean {
  const chain = inheritedInstructions(stage);
  const user = userAt(stage);
  const nonRoot = chain.some((i) => i.keyword === "USER") ? !/^(root|0)(:|$)/.test(user) : nonRootBase;
  if (!nonRoot) return true;
  return chain.some(
    (i) => ((i.keyword === "COPY" || i.keyword === "ADD") && flag(i, "chown")) || (i.keyword === "RUN" && (i.shell?.commands ?? []).some((c) => invocation(c).tool === "chown")),
  );
}

export default defineCheck({
  meta: {
    id: "python-dont-write-bytecode",
    title: "Python writes bytecode into the container at run time",
    category: "runtime",
    severity: "info",
    fix: "safe",
    docs:
      "pip compiles installed packages to .pyc at install time, but the application's own modules are compiled on " +
      "first import and, by default, written to __pycache__ in the container's writable layer: the files vanish with the " +
      "container, the write fails silently on a read-only root filesystem, and a bind-mounted source tree collects " +
      "root-owned caches. PYTHONDONTWRITEBYTECODE=1 stops those writes. The trade-off: modules without precompiled " +
      "bytecode are then compiled in memory at every start (milliseconds for a small service, a second or more for a " +
      "large Django project). The best of both is to precompile at build time (`python -m compileall`, " +
      "UV_COMPILE_BYTECODE=1, `pip install --compile`), and this check is silent when the Dockerfile does so, when the " +
      "interpreter runs with -B (or a start script exports the variable), when the app runs as a non-root user that owns none of the copied files (Python then " +
      "cannot write the caches), when the image starts no Python app, and for base images it does not know.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    const facts = baseImageFacts(stage.image);
    if (!facts.known || facts.family === "lambda") return;
    if (imageEnv(stage, "PYTHONDONTWRITEBYTECODE")) return;
    const apps = pythonStarts(ctx.file, stage, ctx.project);
    if (apps.length === 0 || apps.some((a) => a.sets("PYTHONDONTWRITEBYTECODE") || a.option("B"))) return;
    if (precompiles(ctx.file) || !codeWritable(stage, facts.nonRootByDefault)) return;
    const app = apps[0];
    ctx.report(app.word, {
      message: `${app.label} writes __pycache__ into the container layer at run time: set PYTHONDONTWRITEBYTECODE=1, or precompile at build time`,
      instruction: app.ins,
      fix: { kind: "safe", description: "add ENV PYTHONDONTWRITEBYTECODE=1 to the final stage", edits: [setEnvEdit(ctx.file, stage, "PYTHONDONTWRITEBYTECODE", "1")] },
    });
  },
});
