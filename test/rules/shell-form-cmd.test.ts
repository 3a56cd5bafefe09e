import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import shellFormCmd from "../../src/rules/shell-form-cmd.js";
import { ruleTester } from "../helpers/rule-tester.js";

const ENTRY = "FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"gunicorn\", \"app:app\"]\n";
const START = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n";

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
    { name: "an entrypoint script that ends in exec \"$@\"", code: ENTRY, files: { "docker-entrypoint.sh": "#!/bin/sh\nset -e\npython manage.py migrate\nexec \"$@\"\n" } },
    { name: "a start script that execs the server", code: START, files: { "start.sh": "python manage.py migrate\nexec gunicorn app:app\n" } },
    { name: "a start script that runs the server in the background and passes SIGTERM on", code: START, files: { "start.sh": "trap 'kill -TERM $child' TERM\ngunicorn app:app &\nchild=$!\nwait $child\n" } },
    { name: "a start script under tini", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"tini\", \"--\", \"sh\", \"start.sh\"]\n", files: { "start.sh": "gunicorn app:app\n" } },
    { name: "a start script whose last command is in a branch", code: START, files: { "start.sh": "if [ \"$1\" = worker ]; then\n  celery -A proj worker\nfi\n" } },
    { name: "a start script whose last command is no Python app", code: START, files: { "start.sh": "python manage.py collectstatic --noinput\nnginx -g 'daemon off;'\n" } },
    { name: "a start script the context does not hold", code: START, files: { "app.py": "" } },
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
    {
      name: "an entrypoint script that runs CMD without exec",
      code: ENTRY,
      files: { "docker-entrypoint.sh": "#!/bin/sh\nset -e\npython manage.py migrate\n\"$@\"\n" },
      errors: [{ line: 3, column: 13, endColumn: 35, message: "docker-entrypoint.sh line 4 (\"$@\"): the command given as arguments (gunicorn app:app) runs as a child of the script's shell" }],
    },
    {
      name: "sh start.sh whose last command starts gunicorn without exec",
      code: START,
      files: { "start.sh": "python manage.py migrate\ngunicorn app:app\n" },
      errors: [{ line: 4, column: 12, message: "start.sh line 2 (gunicorn app:app): gunicorn runs as a child" }],
    },
    {
      name: "a TERM trap does not help a server in the foreground",
      code: START,
      files: { "start.sh": "trap 'echo stopping' TERM\ncelery -A proj worker\n" },
      errors: [{ line: 4, column: 12, message: "start.sh line 2 (celery -A proj worker): celery runs as a child" }],
    },
    {
      name: "a heredoc start script: the suggestion edits the heredoc",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY <<EOF /start.sh\nuvicorn main:app --host 0.0.0.0\nEOF\nCMD [\"sh\", \"/start.sh\"]\n",
      errors: [{ line: 6, column: 12, message: "uvicorn runs as a child" }],
      suggestionOutput: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY <<EOF /start.sh\nexec uvicorn main:app --host 0.0.0.0\nEOF\nCMD [\"sh\", \"/start.sh\"]\n",
    },
  ],
});

describe("shell-form-cmd suggestion", () => {
  it("prefixes exec when the command needs the shell", () => {
    const code = "FROM python:3.12-slim\nCMD gunicorn --bind 0.0.0.0:$PORT app:app\n";
    assert.equal(fixText({ path: "Dockerfile", text: code, suggestions: true, checks: [shellFormCmd] }).text, "FROM python:3.12-slim\nCMD exec gunicorn --bind 0.0.0.0:$PORT app:app\n");
  });
  it("prefixes exec in a start script from the build context", () => {
    const fixed = fixText({ path: "Dockerfile", text: START, files: { "start.sh": "python manage.py migrate\ngunicorn app:app\n" }, suggestions: true, checks: [shellFormCmd] });
    assert.equal(fixed.text, START);
    assert.deepEqual(fixed.files, { "start.sh": "python manage.py migrate\nexec gunicorn app:app\n" });
  });
});
