import pythonUnbuffered from "../../src/rules/python-unbuffered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const ENTRY = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"./start.sh\"]\n";
const start = (body: string) => ({ "start.sh": `#!/bin/sh\nset -e\n${body}` });

ruleTester(pythonUnbuffered, {
  valid: [
    { name: "a start script that exports it", code: ENTRY, files: start("export PYTHONUNBUFFERED=1\npython manage.py migrate\nexec gunicorn site.wsgi\n") },
    { name: "a start script running python -u", code: ENTRY, files: start("exec python -u worker.py\n") },
    { name: "a start script that starts no Python app", code: ENTRY, files: start("exec nginx -g 'daemon off;'\n") },
    { name: "set in the final stage", code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCMD [\"python\", \"app.py\"]\n" },
    { name: "legacy ENV form, any non-empty value", code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED true\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "inherited from an earlier stage of the file", code: "FROM python:3.12-slim AS base\nENV PYTHONUNBUFFERED=1\nFROM base\nCMD [\"uvicorn\", \"app:app\"]\n" },
    { name: "python -u", code: "FROM python:3.12-slim\nCMD [\"python\", \"-u\", \"app.py\"]\n" },
    { name: "python -u -m in shell form", code: "FROM python:3.12-slim\nCMD exec python3 -Bu -m mypkg\n" },
    { name: "env wrapper sets it", code: "FROM python:3.12-slim\nCMD [\"env\", \"PYTHONUNBUFFERED=1\", \"celery\", \"-A\", \"proj\", \"worker\"]\n" },
    { name: "base image with no app", code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy\n" },
    { name: "bare interpreter is the base image's REPL", code: "FROM python:3.12-slim\nCMD [\"python3\"]\n" },
    { name: "frozen PyInstaller bundle", code: "FROM python:3.12 AS build\nRUN pip install pyinstaller && pyinstaller -F app.py\nFROM debian:bookworm-slim\nCOPY --from=build /dist/app /usr/local/bin/app\nCMD [\"app\"]\n" },
    { name: "unknown base may set it", code: "FROM registry.example.com/platform/python:3.12\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "Lambda base", code: "FROM public.ecr.aws/lambda/python:3.12\nCMD [\"app.handler\"]\n" },
    { name: "builder stage runs python but the final stage is not Python", code: "FROM python:3.12 AS docs\nCMD [\"python\", \"build.py\"]\nFROM nginx:1.27\nCOPY --from=docs /site /usr/share/nginx/html\n" },
    { name: "only the target counts", code: "FROM python:3.12-slim AS app\nENV PYTHONUNBUFFERED=1\nCMD [\"python\", \"app.py\"]\nFROM python:3.12-slim AS other\nCMD [\"python\", \"other.py\"]\n", target: "app" },
  ],
  invalid: [
    {
      name: "the app a start script execs: reported at the script's name, the fix sets ENV in the Dockerfile",
      code: ENTRY,
      files: start("export PYTHONUNBUFFERED=\npython manage.py migrate\nexec gunicorn site.wsgi\n"),
      errors: [{ line: 4, column: 13, endColumn: 25, message: "start.sh line 5 (exec gunicorn site.wsgi): gunicorn runs with block-buffered output" }],
      output: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"./start.sh\"]\n",
    },
    {
      name: "exec form python script",
      code: "FROM python:3.12-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
      errors: [{ line: 3, column: 6, endColumn: 14, message: "PYTHONUNBUFFERED=1" }],
      output: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
    },
    {
      name: "merged into the final stage's ENV of PYTHON* variables",
      code: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1 PATH=/opt/venv/bin:$PATH\nCMD gunicorn app:app\n",
      errors: [{ line: 3, column: 5 }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1 PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1\nCMD gunicorn app:app\n",
    },
    {
      name: "multi-line ENV keeps its layout",
      code: "FROM python:3.12-slim\nENV PYTHONPATH=/app \\\n    PATH=/opt/venv/bin:$PATH\nCMD [\"/opt/venv/bin/myapp\"]\n",
      errors: [{ line: 4, column: 6 }],
      output: "FROM python:3.12-slim\nENV PYTHONPATH=/app \\\n    PATH=/opt/venv/bin:$PATH \\\n    PYTHONUNBUFFERED=1\nCMD [\"/opt/venv/bin/myapp\"]\n",
    },
    {
      name: "multi-stage: ENV goes into the final stage, after its FROM",
      code: "FROM python:3.12 AS build\nENV PYTHONUNBUFFERED=1\nRUN python -m venv /opt/venv\nFROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"/opt/venv/bin/uvicorn\", \"app:app\"]\n",
      errors: [{ line: 7, column: 6 }],
      output: "FROM python:3.12 AS build\nENV PYTHONUNBUFFERED=1\nRUN python -m venv /opt/venv\nFROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCOPY --from=build /opt/venv /opt/venv\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"/opt/venv/bin/uvicorn\", \"app:app\"]\n",
    },
    {
      name: "empty value does not count; console script from pyproject behind poetry run",
      code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=\nCMD [\"poetry\", \"run\", \"serve\"]",
      files: { "pyproject.toml": "[tool.poetry]\nname = \"x\"\n[tool.poetry.scripts]\nserve = \"x.main:run\"\n" },
      errors: [{ line: 3, column: 23 }],
      output: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCMD [\"poetry\", \"run\", \"serve\"]",
    },
    {
      name: "shell form with escape directive and continuation",
      code: "# escape=`\nFROM python:3.11-alpine\nCMD python manage.py `\n    migrate && exec gunicorn app.wsgi\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM python:3.11-alpine\nENV PYTHONUNBUFFERED=1\nCMD python manage.py `\n    migrate && exec gunicorn app.wsgi\n",
    },
    {
      name: "FROM is the last line",
      code: "FROM python:3.12-slim AS app\nCMD [\"celery\", \"-A\", \"proj\", \"worker\"]\nFROM app",
      errors: [{ line: 2, column: 6 }],
      output: "FROM python:3.12-slim AS app\nCMD [\"celery\", \"-A\", \"proj\", \"worker\"]\nFROM app\nENV PYTHONUNBUFFERED=1\n",
    },
  ],
});
