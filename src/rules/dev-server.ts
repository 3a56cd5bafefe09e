import type { Stage, Word } from "../dockerfile/model.js";
import { findFlag, positionals } from "../shell/invocation.js";
import { removeJsonElement, removeShellWord } from "./lib/edits.js";
import { imageFileText } from "./lib/context-copy.js";
import { appInvocation, startCommands, type StartCommand } from "./lib/start.js";
import { scriptCommands, scriptLocation } from "./lib/start-script.js";
import { defineCheck, type CheckContext, type TextEdit } from "./types.js";

const SETTINGS = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)\.settings(?:\.\w+)?["']/;

/** A replacement for a whole start command, in the form it was written in. */
function replaceCommand(ctx: CheckContext, sc: StartCommand, argv: string[]): TextEdit | undefined {
  const ins = sc.ins;
  if (!ins.argsSpan) return undefined;
  if (sc.exec && ins.json && ins.json[0] === sc.cmd.words[0] && ins.json.at(-1) === sc.cmd.words.at(-1)) {
    return { ...ins.argsSpan, text: `[${argv.map((a) => JSON.stringify(a)).join(", ")}]` };
  }
  if (!sc.exec && !ins.json && ctx.file.source.slice(ins.argsSpan).trim() === ctx.file.source.slice(sc.cmd.span).trim()) {
    return { ...ins.argsSpan, text: argv.join(" ") };
  }
  return undefined;
}

/** `python manage.py runserver 0.0.0.0:8000` -> gunicorn on the same port, when manage.py names the settings module. */
function gunicornForDjango(ctx: CheckContext, sc: StartCommand, after: Word[]): TextEdit | undefined {
  const project = SETTINGS.exec(ctx.project.read("manage.py") ?? "")?.[1];
  if (!project) return undefined;
  const addr = after.find((w) => !w.text.startsWith("-"))?.text ?? "";
  const port = /(?:^|:)(\d+)$/.exec(addr)?.[1] ?? "8000";
  return replaceCommand(ctx, sc, ["gunicorn", "--bind", `0.0.0.0:${port}`, `${project}.wsgi`]);
}

const FLASK = /^\s*(from\s+flask\s+import\b|import\s+flask\b)/m;
/** `app.run(...)` outside a comment; group 1 holds the arguments when they fit on one line. */
const APP_RUN = /^[^#\n]*\b\w+\.run\(([^)\n]*)\)?/m;
const UVICORN_RELOAD = /^[^#\n]*\buvicorn\.run\([^)]*\breload\s*=\s*True/m;

/** What a Python start script does that belongs on a developer's laptop, read from the script the image holds. */
function scriptServer(text: string): string | undefined {
  const run = FLASK.test(text) ? APP_RUN.exec(text) : null;
  if (run) {
    const debug = /\bdebug\s*=\s*True\b/.test(run[1] ?? "");
    return `starts Flask's development server (app.run)${debug ? " with the debugger on, which lets anyone who reaches the port run code" : ""}: serve the app with gunicorn ('module:app')`;
  }
  if (UVICORN_RELOAD.test(text)) return "calls uvicorn.run(reload=True), which watches the source tree and restarts the server: drop reload=True";
  return undefined;
}

function dropWord(ctx: CheckContext, sc: StartCommand, word: Word): TextEdit | undefined {
  if (sc.exec) {
    const own = sc.cmd.words.filter((w) => w.span.start >= sc.ins.span.start && w.span.end <= sc.ins.span.end);
    return own.includes(word) ? removeJsonElement(own, word) : undefined;
  }
  return ctx.file.source.slice(word.span) === word.raw ? removeShellWord(ctx.file, word) : undefined;
}

export default defineCheck({
  meta: {
    id: "dev-server",
    title: "development server in the final image",
    category: "runtime",
    severity: "warning",
    fix: "suggestion",
    productionOnly: true,
    docs:
      "Django's `runserver`, `flask run` (Werkzeug), `fastapi dev` and any server started with `--reload` are built for a " +
      "developer's laptop: one process, no worker management, static files served slowly, a file watcher that burns " +
      "CPU and restarts the app when a file changes, and (for the Django and Werkzeug servers) no hardening against " +
      "hostile clients. Serve WSGI apps (Django, Flask) with gunicorn and ASGI apps (FastAPI, Starlette, Django " +
      "channels) with uvicorn, `fastapi run`, or gunicorn with uvicorn workers. The suggested edit removes --reload, turns " +
      "`fastapi dev` into `fastapi run`, and replaces runserver with gunicorn when manage.py names the settings module " +
      "(gunicorn must be installed). A start command that runs a Python script (or `python -m` a module: its __main__.py or .py file) is checked by " +
      "reading the file the image holds: Flask's `app.run()` (worse with `debug=True`: the Werkzeug debugger runs code for anyone who " +
      "reaches the port) and `uvicorn.run(..., reload=True)`. A shell script the start command runs (an entrypoint.sh " +
      "the build copies in or writes with a heredoc) is read too: a dev server it starts is reported at the word that " +
      "names the script, with the script's line, and without an edit; one in a conditional branch (`if [ \"$DEBUG\" ]`, " +
      "`&&`) is taken as a mode chosen on purpose. Silent when the target is evidently a development stage.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    for (const sc of startCommands(ctx.file, stage)) {
      for (const p of problems(ctx, stage, sc)) {
        const edit = p.edit?.();
        ctx.report(p.word, { message: p.message, instruction: sc.ins, fix: edit?.edit ? { kind: "suggestion", description: edit.description, edits: [edit.edit] } : undefined });
      }
    }
    // A dev server in a branch (`if [ "$DEBUG" ]; then exec ... runserver`) is a mode the image is started in on purpose.
    for (const c of scriptCommands(ctx.file, stage, ctx.project)) {
      if (c.conditional) continue;
      const sc = { cmd: c.cmd, ins: c.script.via.ins, exec: false };
      for (const p of problems(ctx, stage, sc)) ctx.report(c.script.word, { message: `${scriptLocation(c)}: ${p.message}`, instruction: sc.ins });
    }
  },
});

interface Problem {
  word: Word;
  message: string;
  /** The suggested edit, worked out only for commands written in the Dockerfile. */
  edit?: () => { description: string; edit: TextEdit | undefined };
}

/** What makes a start command a development server. */
function problems(ctx: CheckContext, stage: Stage, sc: StartCommand): Problem[] {
  const inv = appInvocation(sc.cmd);
  const pos = positionals(inv.args, new Set(["--app", "-A", "--settings", "--pythonpath", "-b", "--bind", "--host", "--port"]));
  const manage = /(^|\/)manage\.py$/.test(inv.toolWord.text) ? 0 : (inv.tool === "python" || inv.tool === "pypy") && /(^|\/)manage\.py$/.test(pos[0]?.text ?? "") ? 1 : -1;
  const runserver = manage >= 0 ? pos[manage] : inv.tool === "django-admin" ? pos[0] : undefined;
  if (runserver?.text === "runserver") {
    return [{
      word: runserver,
      message: "Django's runserver is a development server: serve the WSGI app with gunicorn",
      edit: () => ({ description: "start gunicorn with the project's WSGI module", edit: gunicornForDjango(ctx, sc, pos.slice(pos.indexOf(runserver) + 1)) }),
    }];
  }
  if (inv.tool === "flask" && pos[0]?.text === "run") {
    return [{ word: pos[0], message: "`flask run` starts Werkzeug's development server: serve the app with gunicorn ('module:app')" }];
  }
  if (inv.tool === "fastapi" && pos[0]?.text === "dev") {
    const dev = pos[0];
    return [{
      word: dev,
      message: "`fastapi dev` reloads on file changes and listens on 127.0.0.1 only: use `fastapi run`",
      edit: () => ({ description: "use fastapi run", edit: sc.exec || ctx.file.source.slice(dev.span) === dev.raw ? { ...dev.span, text: sc.exec ? "\"run\"" : "run" } : undefined }),
    }];
  }
  if ((inv.tool === "python" || inv.tool === "pypy") && /\.py$/.test(pos[0]?.text ?? "") && !pos[0].text.includes("$")) {
    const text = imageFileText(stage, pos[0].text, ctx.project);
    const problem = text === undefined ? undefined : scriptServer(text);
    return problem ? [{ word: pos[0], message: `${pos[0].text} ${problem}` }] : [];
  }
  if (inv.command.words[inv.command.words.indexOf(inv.toolWord) - 1]?.text === "-m" && /^[\w.]+$/.test(inv.toolWord.text)) {
    // `python -m app` runs app/__main__.py (a package) or app.py, relative to the working directory
    const module = inv.toolWord.text.replace(/\./g, "/");
    const found = [`${module}/__main__.py`, `${module}.py`].map((f) => ({ f, text: imageFileText(stage, f, ctx.project) })).find((c) => c.text !== undefined);
    const problem = found?.text === undefined ? undefined : scriptServer(found.text);
    return found && problem ? [{ word: inv.toolWord, message: `${found.f} (python -m ${inv.toolWord.text}) ${problem}` }] : [];
  }
  if (["uvicorn", "hypercorn", "gunicorn"].includes(inv.tool)) {
    const reload = findFlag(inv.args, "--reload");
    if (reload?.text === "--reload") {
      return [{
        word: reload,
        message: `${inv.tool} --reload watches the source tree and restarts the server, a development feature: remove --reload`,
        edit: () => ({ description: "remove --reload", edit: dropWord(ctx, sc, reload) }),
      }];
    }
  }
  return [];
}
