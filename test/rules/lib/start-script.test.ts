import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../../src/dockerfile/parse.js";
import { memoryFiles, projectContext } from "../../../src/project/context.js";
import { scriptLocation, startScripts } from "../../../src/rules/lib/start-script.js";

function scripts(dockerfile: string, files: Record<string, string> = {}) {
  const file = parseDockerfile("Dockerfile", dockerfile);
  const target = file.stages.find((s) => s.isTarget)!;
  const project = projectContext(undefined, memoryFiles(files));
  return { file, target, project, found: startScripts(file, target, project) };
}

const summary = (dockerfile: string, files: Record<string, string> = {}) =>
  scripts(dockerfile, files).found.map((s) => ({
    path: s.path,
    word: s.word.text,
    commands: s.commands.map((c) => `${c.cmd.name}${c.exec ? " exec" : ""}${c.last ? " last" : ""}${c.conditional ? " conditional" : ""}`),
  }));

describe("startScripts", () => {
  it("reads a script `bash /app/run.sh` names, with which commands exec, end the script or run under a condition", () => {
    const run = "#!/bin/bash\nset -e\nif [ -n \"$WAIT_FOR\" ]; then\n  wait-for-it \"$WAIT_FOR\"\nfi\ncase \"$1\" in\n  worker) exec celery -A proj worker ;;\nesac\n[ -z \"$SKIP\" ] && python manage.py migrate\npython manage.py collectstatic --noinput || true\nexec gunicorn proj.wsgi\n";
    assert.deepEqual(summary("FROM python:3.12-slim\nCOPY run.sh /app/\nENTRYPOINT [\"/bin/bash\", \"/app/run.sh\"]\n", { "run.sh": run }), [
      { path: "/app/run.sh", word: "/app/run.sh", commands: ["set", "wait-for-it conditional", "exec exec conditional", "python conditional", "python", "true conditional", "exec exec last"] },
    ]);
  });

  it("looks a bare name up on the image's PATH, its own entries first", () => {
    const found = summary("FROM python:3.12-slim\nENV PATH=/opt/app/bin:$PATH\nCOPY entry /opt/app/bin/\nCOPY entry /usr/local/bin/entry\nENTRYPOINT [\"entry\"]\n", { entry: "#!/bin/sh\nexec \"$@\"\n" });
    assert.deepEqual(found.map((s) => s.path), ["/opt/app/bin/entry"]);
  });

  it("does not look in WORKDIR for a bare name run directly (exec does not search it), but does for `sh name`", () => {
    const files = { "start.sh": "exec gunicorn app:app\n" };
    assert.deepEqual(summary("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"start.sh\"]\n", files), []);
    assert.deepEqual(summary("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-e\", \"start.sh\"]\n", files).map((s) => s.path), ["/app/start.sh"]);
  });

  it("reads a script once when ENTRYPOINT and CMD both reach it, and follows one behind tini", () => {
    const found = summary("FROM python:3.12-slim\nCOPY start.sh /\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"/start.sh\"]\n", { "start.sh": "#!/bin/sh\nexec gunicorn app:app\n" });
    assert.deepEqual(found, [{ path: "/start.sh", word: "/start.sh", commands: ["exec exec last"] }]);
  });

  it("leaves alone scripts it cannot or should not read", () => {
    const cases: Array<[string, string, Record<string, string>]> = [
      ["copied from another stage", "FROM python:3.12-slim AS build\nRUN echo 'exec gunicorn app' > /start.sh\nFROM python:3.12-slim\nCOPY --from=build /start.sh /start.sh\nCMD [\"/start.sh\"]\n", {}],
      ["sh -c text (parsed as the start command itself)", "FROM python:3.12-slim\nCOPY c /c\nCMD [\"sh\", \"-c\", \"c\"]\n", { c: "exec gunicorn app\n" }],
      ["a Python program", "FROM python:3.12-slim\nCOPY serve /usr/local/bin/\nCMD [\"serve\"]\n", { serve: "#!/usr/bin/env python3\nprint('hi')\n" }],
      ["no shebang, run directly, not named .sh", "FROM python:3.12-slim\nCOPY serve /usr/local/bin/\nCMD [\"serve\"]\n", { serve: "exec gunicorn app\n" }],
      ["a python start command", "FROM python:3.12-slim\nCOPY app.py /\nCMD [\"python\", \"/app.py\"]\n", { "app.py": "print('hi')\n" }],
    ];
    for (const [name, dockerfile, files] of cases) assert.deepEqual(summary(dockerfile, files), [], name);
  });

  it("names the script line and command in messages, continuations joined", () => {
    const { found } = scripts("FROM python:3.12-slim\nCOPY s.sh /\nCMD [\"sh\", \"/s.sh\"]\n", { "s.sh": "set -e\n\nexec gunicorn \\\n  --bind :8000 \\\n  app:app\n" });
    assert.equal(scriptLocation(found[0].commands[1]), "s.sh line 3 (exec gunicorn --bind :8000 app:app)");
  });

  it("answers again for another build context, from the cell otherwise", () => {
    const { file, target, project, found } = scripts("FROM python:3.12-slim\nCOPY s.sh /\nCMD [\"sh\", \"/s.sh\"]\n", { "s.sh": "exec gunicorn app\n" });
    assert.equal(startScripts(file, target, project), found);
    assert.deepEqual(startScripts(file, target, projectContext(undefined, memoryFiles({}))), []);
  });
});
