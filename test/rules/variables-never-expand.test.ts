import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import variablesNeverExpand from "../../src/rules/variables-never-expand.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(variablesNeverExpand, {
  valid: [
    { name: "shell form expands", code: "FROM python:3.12-slim\nCMD exec gunicorn -b :$PORT app:app\n" },
    { name: "sh -c in exec form", code: "FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"exec gunicorn -b :$PORT app:app\"]\n" },
    { name: "uwsgi's own $(VAR) syntax", code: "FROM python:3.12-slim\nCMD [\"uwsgi\", \"--http\", \":$(PORT)\"]\n" },
    { name: "ENV referencing another variable", code: "FROM python:3.12-slim\nENV PATH=/opt/venv/bin:$PATH APP_HOME=${HOME}/app\n" },
    { name: "PS1 is evaluated by the shell later", code: "FROM python:3.12-slim\nENV PS1=\"$(whoami)@\\h \"\n" },
    { name: "single quotes ask for the literal text", code: "FROM python:3.12-slim\nENV TEMPLATE='$(cat /etc/hostname)'\n" },
    { name: "legacy form with one value", code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED 1\nENV MESSAGE hello world\nENV JAVA_OPTS -Xmx1g -Xms1g\n" },
    { name: "key=value form", code: "FROM python:3.12-slim\nENV A=1 B=2\n" },
  ],
  invalid: [
    {
      name: "variable in exec-form CMD",
      code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:$PORT\", \"app:app\"]\n",
      errors: [{ line: 2, column: 24, endColumn: 39, message: "$PORT in exec-form CMD" }],
    },
    {
      name: "braced variable in ENTRYPOINT",
      code: "FROM python:3.12-slim\nENTRYPOINT [\"python\", \"${APP_MODULE}\"]\n",
      errors: [{ line: 2, column: 23, message: "${APP_MODULE}" }],
    },
    {
      name: "exec-form RUN",
      code: "FROM python:3.12-slim\nRUN [\"pip\", \"install\", \"--index-url\", \"$INDEX\", \"flask\"]\n",
      errors: [{ line: 2, column: 39 }],
    },
    {
      name: "command substitution in ENV and ARG",
      code: "FROM python:3.12-slim\nARG BUILD_DATE=$(date -u)\nENV GIT_SHA=`git rev-parse HEAD` APP=web\n",
      errors: [{ line: 2, column: 16, message: "$(...)" }, { line: 3, column: 13, message: "`...`" }],
    },
    {
      name: "legacy ENV swallowing the next variable",
      code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED 1 PYTHONDONTWRITEBYTECODE 1\n",
      errors: [{ line: 2, column: 22, endColumn: 49, message: "ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1" }],
    },
    {
      name: "legacy ENV followed by key=value pairs, over a continuation",
      code: "FROM python:3.12-slim\nENV APP_ENV production \\\n    LOG_LEVEL=info\n",
      errors: [{ line: 2, column: 13, endLine: 3 }],
    },
  ],
});

describe("variables-never-expand suggestions", () => {
  const cases: Array<[string, string, string]> = [
    ["CMD through sh -c", "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:$PORT\", \"--name\", \"my app\", \"app:app\"]\n",
      "FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"exec gunicorn -b 0.0.0.0:$PORT --name \\\"my app\\\" app:app\"]\n"],
    ["no rewrite when ENTRYPOINT and CMD combine", "FROM python:3.12-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"-b\", \":$PORT\"]\n",
      "FROM python:3.12-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"-b\", \":$PORT\"]\n"],
    ["legacy ENV pairs", "FROM python:3.12-slim\nENV PYTHONUNBUFFERED 1 PYTHONDONTWRITEBYTECODE 1\n",
      "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\n"],
    ["legacy ENV then key=value", "FROM python:3.12-slim\nENV APP_ENV production LOG_LEVEL=info\n",
      "FROM python:3.12-slim\nENV APP_ENV=production LOG_LEVEL=info\n"],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => assert.equal(fixText({ path: "Dockerfile", text: code, suggestions: true, checks: [variablesNeverExpand] }).text, expected));
  }
});
