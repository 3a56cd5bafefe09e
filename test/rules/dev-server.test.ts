import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import devServer from "../../src/rules/dev-server.js";
import { ruleTester } from "../helpers/rule-tester.js";

/** An entrypoint that migrates, then hands over to the server: the official images' pattern. */
const entrypoint = (server: string) => ({ "docker-entrypoint.sh": `#!/bin/sh\nset -e\n\npython manage.py migrate --noinput\nexec ${server}\n` });
const ENTRY_DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\n";
const MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n";

ruleTester(devServer, {
  valid: [
    { name: "gunicorn", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n" },
    { name: "uvicorn without reload", code: "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app:app\", \"--host\", \"0.0.0.0\"]\n" },
    { name: "fastapi run", code: "FROM python:3.12-slim\nCMD [\"fastapi\", \"run\", \"main.py\"]\n" },
    { name: "manage.py migrate then gunicorn", code: "FROM python:3.12-slim\nCMD python manage.py migrate && exec gunicorn mysite.wsgi\n" },
    { name: "runserver in a dev target", code: "FROM python:3.12-slim AS prod\nCMD [\"gunicorn\", \"mysite.wsgi\"]\nFROM prod AS dev\nCMD [\"python\", \"manage.py\", \"runserver\", \"0.0.0.0:8000\"]\n" },
    { name: "runserver only in a stage that is not the target", code: "FROM python:3.12-slim AS local\nCMD [\"python\", \"manage.py\", \"runserver\"]\nFROM python:3.12-slim\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n" },
    { name: "a runserver RUN step is not the start command", code: "FROM python:3.12-slim\nRUN python manage.py check\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n" },
    { name: "a script that is not a server", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"worker.py\"]\n", files: { "worker.py": "import time\nwhile True:\n    time.sleep(1)\n" } },
    { name: "a Flask script whose app.run is commented out", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n", files: { "app.py": "from flask import Flask\napp = Flask(__name__)\n# app.run(debug=True)\n" } },
    { name: "a script the context does not hold", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ ./src/\nCMD [\"python\", \"app.py\"]\n", files: { "app.py": "from flask import Flask\napp = Flask(__name__)\napp.run()\n", "src/x.py": "" } },
    { name: "python -m on a module that is no server", code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD [\"python\", \"-m\", \"worker\"]\n", files: { "worker.py": "import time\ntime.sleep(10)\n" } },
    { name: "uvicorn.run without reload", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD python main.py\n", files: { "main.py": "import uvicorn\nuvicorn.run('main:app', host='0.0.0.0')\n" } },
    { name: "flask routes is not a server", code: "FROM python:3.12-slim\nCMD [\"flask\", \"routes\"]\n" },
    { name: "an entrypoint script that execs gunicorn", code: ENTRY_DOCKERFILE, files: entrypoint("gunicorn --worker-tmp-dir /dev/shm mysite.wsgi") },
    { name: "an entrypoint script the context does not hold", code: ENTRY_DOCKERFILE, files: { "manage.py": MANAGE } },
    {
      name: "runserver only in a branch the script takes when DEBUG is set",
      code: ENTRY_DOCKERFILE,
      files: { "docker-entrypoint.sh": "#!/bin/bash\nif [ \"$DEBUG\" = 1 ]; then\n  exec python manage.py runserver 0.0.0.0:8000\nfi\nexec gunicorn mysite.wsgi\n" },
    },
    { name: "flask run behind a test", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n", files: { "start.sh": "test \"$MODE\" = dev && exec flask run\nexec gunicorn app:app\n" } },
    { name: "flask run after a [ ] test", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n", files: { "start.sh": "[ -n \"$DEV\" ] && exec flask run\nexec gunicorn app:app\n" } },
    {
      name: "a script named through a variable is not followed",
      code: "FROM python:3.12-slim\nENV APP_HOME=/app\nCOPY start.sh /app/\nCMD [\"sh\", \"-c\", \"$APP_HOME/start.sh\"]\n",
      files: { "start.sh": "#!/bin/sh\nexec flask run\n" },
    },
    { name: "a script that runs another script: one level only", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"./start.sh\"]\n", files: { "start.sh": "#!/bin/sh\nexec ./dev.sh\n", "dev.sh": "#!/bin/sh\nexec flask run\n" } },
    { name: "a binary start file", code: "FROM python:3.12-slim\nCOPY server /usr/local/bin/\nCMD [\"server\"]\n", files: { server: "\u007fELF\u0000\u0000flask run\n" } },
    { name: "a start script that does not parse", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n", files: { "start.sh": "echo \"unterminated\nexec flask run\n" } },
    { name: "a start script larger than what is read", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n", files: { "start.sh": `${"# padding\n".repeat(30000)}exec flask run\n` } },
    { name: "a Python start file without the .py suffix is not a shell script", code: "FROM python:3.12-slim\nCOPY serve /usr/local/bin/\nCMD [\"serve\"]\n", files: { serve: "#!/usr/bin/env python3\nimport os\nos.system('flask run')\n" } },
  ],
  invalid: [
    {
      name: "runserver, exec form, gunicorn suggested from manage.py",
      code: "FROM python:3.12-slim\nCMD [\"python\", \"manage.py\", \"runserver\", \"0.0.0.0:8080\"]\n",
      files: { "manage.py": MANAGE },
      errors: [{ line: 2, column: 29, endColumn: 40, message: "runserver" }],
    },
    {
      name: "./manage.py runserver in shell form",
      code: "FROM python:3.12-slim\nCMD ./manage.py runserver 0.0.0.0:8000\n",
      errors: [{ line: 2, column: 17 }],
    },
    {
      name: "flask run behind python -m",
      code: "FROM python:3.12-slim\nENV FLASK_APP=app.py\nCMD [\"python\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\"]\n",
      errors: [{ line: 3, column: 31, message: "gunicorn" }],
    },
    {
      name: "uvicorn --reload",
      code: "FROM python:3.12-slim\nCMD [\"uvicorn\", \"main:app\", \"--reload\", \"--host\", \"0.0.0.0\"]\n",
      errors: [{ line: 2, column: 29, message: "remove --reload" }],
    },
    {
      name: "hypercorn --reload as the last shell word with a continuation",
      code: "FROM python:3.12-slim\nCMD hypercorn app:app \\\n    --reload\n",
      errors: [{ line: 3, column: 5 }],
    },
    {
      name: "fastapi dev via uv run",
      code: "FROM python:3.12-slim\nCMD [\"uv\", \"run\", \"fastapi\", \"dev\", \"app/main.py\"]\n",
      errors: [{ line: 2, column: 30, message: "fastapi run" }],
    },
    {
      name: "a Flask script that calls app.run with the debugger",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
      files: { "app.py": "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == '__main__':\n    app.run(host='0.0.0.0', debug=True)\n" },
      errors: [{ line: 4, column: 16, endColumn: 24, message: "app.py starts Flask's development server (app.run) with the debugger on" }],
    },
    {
      name: "a heredoc script that reloads uvicorn, shell form",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY <<EOF serve.py\nimport uvicorn\nuvicorn.run('app:app', host='0.0.0.0', reload=True)\nEOF\nCMD python3 serve.py\n",
      errors: [{ line: 7, column: 13, message: "reload=True" }],
    },
    {
      name: "python -m on a package whose __main__ calls app.run",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY shop/ ./shop/\nCMD [\"python\", \"-m\", \"shop\"]\n",
      files: { "shop/__main__.py": "from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0')\n", "shop/__init__.py": "" },
      errors: [{ line: 4, column: 22, endColumn: 28, message: "shop/__main__.py (python -m shop) starts Flask's development server" }],
    },
    {
      name: "the last stage named like production is still checked",
      code: "FROM python:3.12-slim AS production\nENTRYPOINT [\"django-admin\"]\nCMD [\"runserver\"]\n",
      errors: [{ line: 3, column: 6 }],
    },
    {
      name: "runserver exec-ed by an entrypoint script copied to /usr/local/bin and named by its basename",
      code: ENTRY_DOCKERFILE,
      files: { ...entrypoint("python manage.py runserver 0.0.0.0:8000"), "manage.py": MANAGE },
      errors: [{ line: 5, column: 13, endColumn: 35, message: "docker-entrypoint.sh line 5 (exec python manage.py runserver 0.0.0.0:8000): Django's runserver is a development server" }],
    },
    {
      name: "uvicorn --reload in a heredoc script run by sh",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY <<EOF /srv/start.sh\nset -e\nexec uvicorn main:app \\\n  --host 0.0.0.0 --reload\nEOF\nCMD [\"sh\", \"/srv/start.sh\"]\n",
      errors: [{ line: 8, column: 12, endColumn: 27, message: "start.sh line 2 (exec uvicorn main:app --host 0.0.0.0 --reload): uvicorn --reload" }],
    },
    {
      name: "flask run as the last command of sh start.sh in the working directory",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n",
      files: { "start.sh": "flask db upgrade\nflask run --host 0.0.0.0\n" },
      errors: [{ line: 4, column: 12, message: "start.sh line 2 (flask run --host 0.0.0.0): `flask run`" }],
    },
    {
      name: "runserver after migrate && in a start script: not a condition",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n",
      files: { "start.sh": "test -n \"$SKIP\" || python manage.py migrate && exec python manage.py runserver 0.0.0.0:8000\n" },
      errors: [{ line: 4, column: 12, message: "start.sh line 1 (exec python manage.py runserver 0.0.0.0:8000): Django's runserver" }],
    },
    {
      name: "fastapi dev behind gosu in a shell-form start script",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY start.sh .\nCMD ./start.sh\n",
      files: { "start.sh": "#!/usr/bin/env bash\nexec gosu app fastapi dev main.py\n" },
      errors: [{ line: 4, column: 5, endColumn: 15, message: "use `fastapi run`" }],
    },
  ],
});

describe("dev-server suggested edits", () => {
  const cases: Array<[string, string, Record<string, string>, string]> = [
    ["runserver -> gunicorn", "FROM python:3.12-slim\nCMD [\"python\", \"manage.py\", \"runserver\", \"0.0.0.0:8080\"]\n", { "manage.py": MANAGE },
      "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8080\", \"mysite.wsgi\"]\n"],
    ["shell-form runserver -> gunicorn on the default port", "FROM python:3.12-slim\nCMD python manage.py runserver\n", { "manage.py": MANAGE },
      "FROM python:3.12-slim\nCMD gunicorn --bind 0.0.0.0:8000 mysite.wsgi\n"],
    ["runserver without a readable manage.py stays as it is", "FROM python:3.12-slim\nCMD python manage.py runserver\n", {}, "FROM python:3.12-slim\nCMD python manage.py runserver\n"],
    ["--reload removed from exec form", "FROM python:3.12-slim\nCMD [\"uvicorn\", \"main:app\", \"--reload\", \"--host\", \"0.0.0.0\"]\n", {},
      "FROM python:3.12-slim\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n"],
    ["--reload removed as the last element", "FROM python:3.12-slim\nCMD [\"uvicorn\", \"main:app\", \"--reload\"]\n", {},
      "FROM python:3.12-slim\nCMD [\"uvicorn\", \"main:app\"]\n"],
    ["--reload removed from shell form", "FROM python:3.12-slim\nCMD hypercorn app:app --reload --bind 0.0.0.0:80\n", {},
      "FROM python:3.12-slim\nCMD hypercorn app:app --bind 0.0.0.0:80\n"],
    ["fastapi dev -> run", "FROM python:3.12-slim\nCMD [\"fastapi\", \"dev\", \"main.py\"]\n", {}, "FROM python:3.12-slim\nCMD [\"fastapi\", \"run\", \"main.py\"]\n"],
  ];
  for (const [name, code, files, expected] of cases) {
    it(name, () => {
      const fixed = fixText({ path: "Dockerfile", text: code, files, suggestions: true, checks: [devServer] });
      assert.equal(fixed.text, expected);
      assert.equal(fixText({ path: "Dockerfile", text: code, files, checks: [devServer] }).text, code, "suggestions are not applied as safe fixes");
    });
  }
});
