import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import shellFormCmd from "../../src/rules/shell-form-cmd.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(shellFormCmd, {
  valid: [
    { name: "an empty exec form resets the inherited entrypoint", code: "FROM python:3.12-slim\nENTRYPOINT []\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "an empty CMD", code: "FROM python:3.12-slim\nENTRYPOINT [\"/usr/bin/tini\", \"--\", \"python\", \"-m\", \"app\"]\nCMD [ ]\n" },
    { name: "exec form", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "shell form that execs", code: "FROM python:3.12-slim\nCMD exec gunicorn --bind 0.0.0.0:$PORT app:app\n" },
    { name: "migrations, then exec", code: "FROM python:3.12-slim\nCMD python manage.py migrate && exec gunicorn mysite.wsgi\n" },
    { name: "explicit sh -c in exec form", code: "FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"gunicorn -b :$PORT app:app\"]\n" },
    { name: "SHELL chosen on purpose", code: "FROM python:3.12-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nCMD gunicorn app:app\n" },
    { name: "CMD overridden later", code: "FROM python:3.12-slim\nCMD gunicorn app:app\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "shell form only in a builder stage", code: "FROM python:3.12-slim AS build\nCMD make test\nFROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n" },
    { name: "CMD ignored behind a shell-form ENTRYPOINT that execs", code: "FROM python:3.12-slim\nENTRYPOINT exec python -m app\nCMD --help\n" },
  ],
  invalid: [
    {
      name: "plain command",
      code: "FROM python:3.12-slim\nCMD gunicorn --bind 0.0.0.0:8000 app:app\n",
      errors: [{ line: 2, column: 5, endColumn: 41, message: "SIGTERM never reaches gunicorn" }],
      output: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
    },
    {
      name: "quoted words and a continuation",
      code: "FROM python:3.12-slim\nENTRYPOINT python -c 'print(\"hi there\")' \\\n    \"--flag=a b\"\n",
      errors: [{ line: 2, column: 12, endLine: 3, message: "CMD and `docker run` arguments are ignored" }],
      output: "FROM python:3.12-slim\nENTRYPOINT [\"python\", \"-c\", \"print(\\\"hi there\\\")\", \"--flag=a b\"]\n",
    },
    {
      name: "escape directive",
      code: "# escape=`\nFROM python:3.12-slim\nCMD celery -A proj `\n    worker\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM python:3.12-slim\nCMD [\"celery\", \"-A\", \"proj\", \"worker\"]\n",
    },
    {
      name: "variable: exec suggested, not a safe rewrite",
      code: "FROM python:3.12-slim\nCMD gunicorn --bind 0.0.0.0:$PORT app:app\n",
      errors: [{ line: 2, column: 5, message: "start with exec" }],
    },
    {
      name: "operators: reported without a fix",
      code: "FROM python:3.12-slim\nCMD python manage.py migrate && gunicorn mysite.wsgi\n",
      errors: [{ line: 2, column: 5, message: "never reaches gunicorn" }],
    },
    {
      name: "a glob is not rewritten",
      code: "FROM python:3.12-slim\nCMD python /app/*.py\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "single-quoted pseudo-JSON",
      code: "FROM python:3.12-slim\nCMD ['gunicorn', 'app:app']\n",
      errors: [{ line: 2, column: 5, message: "not valid JSON" }],
      output: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"app:app\"]\n",
    },
    {
      name: "inherited shell-form CMD of a parent stage",
      code: "FROM python:3.12-slim AS base\nCMD python app.py\nFROM base\nRUN true\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM python:3.12-slim AS base\nCMD [\"python\", \"app.py\"]\nFROM base\nRUN true\n",
    },
  ],
});

describe("shell-form-cmd suggestion", () => {
  it("prefixes exec when the command needs the shell", () => {
    const code = "FROM python:3.12-slim\nCMD gunicorn --bind 0.0.0.0:$PORT app:app\n";
    assert.equal(fixText({ path: "Dockerfile", text: code, suggestions: true, checks: [shellFormCmd] }).text, "FROM python:3.12-slim\nCMD exec gunicorn --bind 0.0.0.0:$PORT app:app\n");
  });
});
