import chownAfterCopy from "../../src/rules/chown-after-copy.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(chownAfterCopy, {
  valid: [
    { name: "owner set on the COPY", code: "FROM python:3.11-slim\nRUN useradd -m app\nCOPY --chown=app:app . /app\nUSER app\n" },
    { name: "a path no COPY brought", code: "FROM python:3.11-slim\nCOPY . /app\nRUN mkdir /data && chown -R app /data\n" },
    { name: "chown before the COPY", code: "FROM python:3.11-slim\nRUN mkdir /app && chown app /app\nCOPY --chown=app . /app\n" },
    { name: "the pre-existing working directory itself", code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY --chown=app:app . .\nRUN chown app:app /app\n" },
    { name: "a directory made after the COPY", code: "FROM python:3.11-slim\nCOPY . /app\nRUN mkdir -p /app/media && chown app /app/media\n" },
    { name: "builder stage never ships", code: "FROM python:3.11 AS build\nCOPY . /src\nRUN chown -R nobody /src\nFROM python:3.11-slim\nCOPY --from=build /src/dist /dist\n" },
    { name: "COPY in the parent stage", code: "FROM python:3.11-slim AS base\nCOPY . /app\nFROM base\nRUN chmod -R g+w /app\n" },
    { name: "non-recursive change of a copied directory itself", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\nRUN chown app /opt/venv\n" },
    { name: "chown --reference is left alone", code: "FROM python:3.11-slim\nCOPY . /app\nRUN chown -R --reference=/etc /app\n" },
  ],
  invalid: [
    {
      name: "no WORKDIR: the COPY creates /app, the RUN goes",
      code: "FROM python:3.11-slim\nRUN useradd -m app\nCOPY . /app\nRUN chown -R app:app /app\nUSER app\n",
      errors: [{ line: 4, column: 5, endColumn: 26, message: "line 3", severity: "warning" }],
      output: "FROM python:3.11-slim\nRUN useradd -m app\nCOPY --chown=app:app . /app\nUSER app\n",
    },
    {
      name: "WORKDIR made the directory: keep its own owner change",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN chown -R app:app /app\n",
      errors: [{ line: 4, column: 5 }],
      output: "FROM python:3.11-slim\nWORKDIR /app\nCOPY --chown=app:app . .\nRUN chown app:app /app\n",
    },
    {
      name: "requirements copied first into the same directory",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN chown -R 1000:1000 .\n",
      errors: [{ line: 6, message: "line 5" }],
      output: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY --chown=1000:1000 . .\nRUN chown 1000:1000 .\n",
    },
    {
      name: "a venv from the builder",
      code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\nRUN chown -R 10001:10001 /opt/venv\n",
      errors: [{ line: 5 }],
      output: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\nFROM python:3.11-slim\nCOPY --chown=10001:10001 --from=build /opt/venv /opt/venv\n",
    },
    {
      name: "chmod of one file with BuildKit",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nCOPY entrypoint.sh /entrypoint.sh\nRUN chmod 755 /entrypoint.sh\n",
      errors: [{ line: 4, column: 5, severity: "info" }],
      output: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nCOPY --chmod=755 entrypoint.sh /entrypoint.sh\n",
    },
    { name: "chmod without BuildKit: suggestion", code: "FROM python:3.11-slim\nCOPY entrypoint.sh /entrypoint.sh\nRUN chmod 755 /entrypoint.sh\n", errors: [{ line: 3, severity: "info" }] },
    { name: "symbolic mode: suggestion", code: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nCOPY . /app\nRUN chmod +x /app/entrypoint.sh\n", errors: [{ line: 4, message: "--chmod" }] },
    {
      name: "several commands in the RUN: suggestion",
      code: "FROM python:3.11-slim\nCOPY . /app\nRUN useradd -m app \\\n    && chown -R app:app /app\n",
      errors: [{ line: 4, column: 8 }],
    },
    {
      name: "something else wrote under the directory: suggestion",
      code: "FROM python:3.11-slim\nRUN python -m venv /app/.venv\nCOPY . /app\nRUN chown -R app /app\n",
      errors: [{ line: 4 }],
    },
    {
      name: "recursive change of a parent directory",
      code: "FROM python:3.11-slim\nCOPY app/ /srv/app/\nRUN chown -R app /srv\n",
      errors: [{ line: 3 }],
    },
    { name: "contents glob", code: "FROM python:3.11-slim\nCOPY . /app\nRUN chown app /app/*\n", errors: [{ line: 3 }] },
    {
      name: "heredoc RUN",
      code: "FROM python:3.11-slim\nCOPY . /app\nRUN <<EOF\nchown -R app /app\nEOF\n",
      errors: [{ line: 4, column: 1 }],
    },
    {
      name: "relative path with a variable",
      code: "FROM python:3.11-slim\nENV APP_HOME=/srv/app\nCOPY . $APP_HOME\nRUN chown -R app:app $APP_HOME\n",
      errors: [{ line: 4 }],
      output: "FROM python:3.11-slim\nENV APP_HOME=/srv/app\nCOPY --chown=app:app . $APP_HOME\n",
    },
  ],
});
