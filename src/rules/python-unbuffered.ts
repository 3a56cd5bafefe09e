import { baseImageFacts } from "./lib/base-images.js";
import { setEnvEdit } from "./lib/edits.js";
import { imageEnv } from "./lib/start.js";
import { pythonStarts } from "./lib/start-script.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "python-unbuffered",
    title: "Python output is block-buffered in the container",
    category: "runtime",
    severity: "warning",
    fix: "safe",
    docs:
      "Without a terminal, Python buffers stdout in 8 KB blocks: log lines reach `docker logs` late, in bursts, and " +
      "whatever sits in the buffer is lost when the process crashes or is killed. Setting PYTHONUNBUFFERED to any " +
      "non-empty value (conventionally 1) in the image makes every write go straight to the container's log stream, at " +
      "a cost too small to measure for line-oriented logging. The check looks at what the final stage starts (python, " +
      "gunicorn, uvicorn, celery, a console script of the project or a venv), or what a start script it runs starts " +
      "(a variable the script exports counts); it is silent for images that start no " +
      "Python app (base images, frozen bundles such as PyInstaller output), for `python -u`, for AWS Lambda bases " +
      "(their runtime handles output) and for base images it does not know, which may set the variable themselves.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    const facts = baseImageFacts(stage.image);
    if (!facts.known || facts.family === "lambda") return;
    if (imageEnv(stage, "PYTHONUNBUFFERED")) return;
    const apps = pythonStarts(ctx.file, stage, ctx.project);
    if (apps.length === 0) return;
    if (apps.some((a) => a.sets("PYTHONUNBUFFERED") || a.option("u"))) return;
    const app = apps[0];
    ctx.report(app.word, {
      message: `${app.label} runs with block-buffered output: set PYTHONUNBUFFERED=1 so logs reach the container log at once and survive a crash`,
      instruction: app.ins,
      fix: { kind: "safe", description: "add ENV PYTHONUNBUFFERED=1 to the final stage", edits: [setEnvEdit(ctx.file, stage, "PYTHONUNBUFFERED", "1")] },
    });
  },
});
