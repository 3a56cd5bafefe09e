import runsAsRoot from "../../src/rules/runs-as-root.js";
import { ruleTester } from "../helpers/rule-tester.js";

const ENTRY = "FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"gunicorn\", \"app:app\"]\n";
const ENTRYPOINT_GOSU = { "docker-entrypoint.sh": "#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app \"$@\"\n" };

ruleTester(runsAsRoot, {
  valid: [
    { name: "an unprivileged user", code: "FROM python:3.12-slim\nRUN useradd --create-home --uid 10001 app\nUSER app\nCMD [\"python\", \"-m\", \"app\"]\n" },
    { name: "a numeric uid", code: "FROM python:3.12-slim\nUSER 10001:10001\nCMD [\"python\", \"-m\", \"app\"]\n" },
    { name: "USER inherited from the parent stage", code: "FROM python:3.12-slim AS base\nRUN useradd app\nUSER app\nFROM base\nCMD [\"python\"]\n" },
    { name: "distroless :nonroot", code: "FROM python:3.12-slim AS build\nRUN pip install --target /app flask\nFROM gcr.io/distroless/python3-debian12:nonroot\nCOPY --from=build /app /app\n" },
    { name: "Chainguard runs as nonroot", code: "FROM cgr.dev/chainguard/python:latest\nCOPY app.py /app/\nENTRYPOINT [\"python\", \"/app/app.py\"]\n" },
    { name: "AWS Lambda base", code: "FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py ${LAMBDA_TASK_ROOT}\nCMD [\"app.handler\"]\n" },
    { name: "micromamba's image runs as mambauser", code: "FROM mambaorg/micromamba:1.5.8\nCMD [\"python\"]\n" },
    { name: "gosu in the ENTRYPOINT", code: "FROM python:3.12-slim\nRUN useradd app && apt-get update && apt-get install -y gosu\nENTRYPOINT [\"gosu\", \"app\", \"python\", \"app.py\"]\n" },
    {
      name: "an entrypoint script from the context that drops privileges",
      code: "FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"gunicorn\", \"app:app\"]\n",
      files: ENTRYPOINT_GOSU,
    },
    {
      name: "a heredoc entrypoint with su-exec",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-alpine\nCOPY <<EOF /entrypoint.sh\n#!/bin/sh\nexec su-exec app \"\\$@\"\nEOF\nENTRYPOINT [\"sh\", \"/entrypoint.sh\"]\n",
    },
    { name: "uWSGI drops to a uid", code: "FROM python:3.12-slim\nCMD [\"uwsgi\", \"--http\", \":8000\", \"--uid\", \"app\", \"--module\", \"app.wsgi\"]\n" },
    { name: "UWSGI_UID in the environment", code: "FROM python:3.12-slim\nENV UWSGI_UID=app\nCMD [\"uwsgi\", \"--ini\", \"uwsgi.ini\"]\n" },
    {
      name: "uWSGI ini file with uid",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"uwsgi\", \"--ini\", \"deploy/uwsgi.ini\"]\n",
      files: { "deploy/uwsgi.ini": "[uwsgi]\nmodule = app.wsgi\nuid = www-data\n" },
    },
    { name: "gunicorn --user", code: "FROM python:3.12-slim\nCMD gunicorn --user nobody --bind :8000 app:app\n" },
    {
      name: "gunicorn config in the working directory sets the user",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY gunicorn.conf.py app.py ./\nCMD [\"gunicorn\", \"app:app\"]\n",
      files: { "gunicorn.conf.py": "bind = \":8000\"\nuser = \"nobody\"\n", "app.py": "" },
    },
    { name: "a development target", code: "FROM python:3.12-slim AS dev\nCMD [\"flask\", \"run\"]\n" },
    { name: "USER from a variable we cannot resolve", code: "FROM python:3.12-slim\nARG APP_USER\nUSER $APP_USER\n" },
    { name: "an entrypoint script that hands over through setpriv", code: ENTRY, files: { "docker-entrypoint.sh": "#!/bin/sh\nexec setpriv --reuid=10001 --regid=10001 --clear-groups \"$@\"\n" } },
    { name: "an entrypoint script that hands over through runuser", code: ENTRY, files: { "docker-entrypoint.sh": "#!/bin/bash\nexec runuser -u app -- \"$@\"\n" } },
    {
      name: "an entrypoint script that re-runs itself through gosu when started as root",
      code: ENTRY,
      files: { "docker-entrypoint.sh": "#!/bin/bash\nset -e\nif [ \"$(id -u)\" = '0' ]; then\n  chown -R app /data\n  exec gosu app \"$0\" \"$@\"\nfi\nexec \"$@\"\n" },
    },
    { name: "su -c as the last command of sh start.sh", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n", files: { "start.sh": "python manage.py migrate\nsu app -c 'gunicorn app:app'\n" } },
  ],
  invalid: [
    {
      name: "no USER on a python image",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n",
      errors: [{ line: 1, column: 1, severity: "warning", message: "python:3.12-slim runs as root" }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN useradd --create-home --uid 10001 app\nUSER app\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n",
    },
    {
      name: "switched back to root at the end",
      code: "FROM python:3.12-slim\nRUN useradd --uid 10001 report\nUSER report\nCOPY . /app\nUSER root\nRUN chown -R report /app\nCMD [\"python\", \"/app/report.py\"]\n",
      errors: [{ line: 5, column: 1, message: "last USER of the final stage is root" }],
      suggestionOutput: "FROM python:3.12-slim\nRUN useradd --uid 10001 report\nUSER report\nCOPY . /app\nUSER root\nRUN chown -R report /app\nUSER report\nCMD [\"python\", \"/app/report.py\"]\n",
    },
    {
      name: "USER 0:0",
      code: "FROM python:3.12-slim\nUSER 0:0\n",
      errors: [{ line: 2, column: 1 }],
      suggestionOutput: "FROM python:3.12-slim\nUSER 0:0\nRUN useradd --create-home --uid 10001 app\nUSER app\n",
    },
    {
      name: "an unknown base: its default user is unknown",
      code: "FROM registry.example.com/platform/python-base:2.4\nCMD [\"python\", \"-m\", \"app\"]\n",
      errors: [{ line: 1, column: 1, severity: "info", message: "default user of registry.example.com/platform/python-base:2.4 is unknown" }],
      suggestionOutput: "FROM registry.example.com/platform/python-base:2.4\nCMD [\"python\", \"-m\", \"app\"]\n",
    },
    {
      name: "Alpine bases get busybox adduser",
      code: "FROM python:3.12-alpine\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n",
      errors: [{ line: 1, column: 1 }],
      suggestionOutput: "FROM python:3.12-alpine\nCOPY app.py /app/\nRUN adduser -D -u 10001 app\nUSER app\nCMD [\"python\", \"/app/app.py\"]\n",
    },
    {
      name: "the user is created but never selected",
      code: "FROM python:3.12-slim\nRUN groupadd --gid 10001 api && useradd --uid 10001 --gid api --no-create-home api\nCMD [\"uvicorn\", \"api:app\"]\n",
      errors: [{ line: 1, column: 1 }],
      suggestionOutput: "FROM python:3.12-slim\nRUN groupadd --gid 10001 api && useradd --uid 10001 --gid api --no-create-home api\nUSER api\nCMD [\"uvicorn\", \"api:app\"]\n",
    },
    {
      name: "distroless without the nonroot tag",
      code: "FROM gcr.io/distroless/python3-debian12\nCOPY app.py /app/\nCMD [\"/app/app.py\"]\n",
      errors: [{ line: 1, column: 1 }],
      suggestionOutput: "FROM gcr.io/distroless/python3-debian12\nCOPY app.py /app/\nUSER nonroot\nCMD [\"/app/app.py\"]\n",
    },
    {
      name: "an entrypoint script that keeps root",
      code: "FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\n",
      files: { "docker-entrypoint.sh": "#!/bin/sh\nexec \"$@\"\n" },
      errors: [{ line: 1, column: 1 }],
    },
    {
      name: "root set in the parent stage, inherited",
      code: "FROM python:3.12-slim AS base\nUSER root\nFROM base\nCMD [\"python\"]\n",
      errors: [{ line: 2, column: 1 }],
      suggestionOutput: "FROM python:3.12-slim AS base\nUSER root\nFROM base\nRUN useradd --create-home --uid 10001 app\nUSER app\nCMD [\"python\"]\n",
    },
    {
      name: "escape directive file",
      code: "# escape=`\nFROM python:3.12-slim\nRUN pip install `\n    flask\nCMD [\"flask\", \"--app\", \"app\", \"run\"]\n",
      errors: [{ line: 2, column: 1 }],
      suggestionOutput: "# escape=`\nFROM python:3.12-slim\nRUN pip install `\n    flask\nRUN useradd --create-home --uid 10001 app\nUSER app\nCMD [\"flask\", \"--app\", \"app\", \"run\"]\n",
    },
    {
      name: "an unclosed heredoc would swallow the inserted lines: no rewrite",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install httpie\nCMD [\"http\", \"--version\"]\n",
      errors: [{ line: 1, column: 1 }],
      suggestionOutput: "FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install httpie\nCMD [\"http\", \"--version\"]\n",
    },
    {
      name: "a final stage with nothing after FROM",
      code: "FROM python:3.12-slim AS base\nCMD [\"python\"]\nFROM base",
      errors: [{ line: 3, column: 1 }],
      suggestionOutput: "FROM python:3.12-slim AS base\nCMD [\"python\"]\nFROM base\nRUN useradd --create-home --uid 10001 app\nUSER app\n",
    },
    {
      name: "an entrypoint script that uses gosu only for a step before the server",
      code: ENTRY,
      files: { "docker-entrypoint.sh": "#!/bin/sh\ngosu app python manage.py migrate\nexec \"$@\"\n" },
      errors: [{ line: 1, column: 1 }],
    },
    {
      name: "an entrypoint script the context does not hold",
      code: ENTRY,
      files: { "app.py": "" },
      errors: [{ line: 1, column: 1 }],
    },
    {
      name: "gosu mentioned in a comment of the script",
      code: ENTRY,
      files: { "docker-entrypoint.sh": "#!/bin/sh\n# TODO: drop to the app user with gosu\nexec \"$@\"\n" },
      errors: [{ line: 1, column: 1 }],
    },
  ],
});
