import pipenvCache from "../../src/rules/pipenv-cache.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(pipenvCache, {
  valid: [
    { name: "cache removed", code: "FROM python:3.11-slim\nRUN pipenv install --system --deploy && rm -rf /root/.cache/pipenv\n" },
    { name: "~/.cache removed", code: "FROM python:3.11-slim\nRUN pipenv install --system --deploy && rm -rf ~/.cache\n" },
    { name: "PIP_NO_CACHE_DIR reaches pip", code: "FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pipenv install --deploy\n" },
    { name: "cache mount", code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache pipenv sync\n" },
    { name: "custom PIPENV_CACHE_DIR removed", code: "FROM python:3.11-slim\nENV PIPENV_CACHE_DIR=/tmp/pipenv\nRUN pipenv install --deploy && rm -rf /tmp/pipenv\n" },
    { name: "builder stage", code: "FROM python:3.11-slim AS build\nRUN pipenv install --deploy\nFROM python:3.11-slim\nCOPY --from=build /app/.venv /app/.venv\n" },
    { name: "pipenv lock is not an install", code: "FROM python:3.11-slim\nRUN pipenv requirements > requirements.txt\n" },
  ],
  invalid: [
    {
      name: "pipenv install",
      code: "FROM python:3.11-slim\nRUN pipenv install --system --deploy\n",
      errors: [{ line: 2, column: 5, endColumn: 19 }],
      output: "FROM python:3.11-slim\nRUN pipenv install --system --deploy && rm -rf /root/.cache/pipenv\n",
    },
    {
      name: "pipenv sync over continuations",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir pipenv && \\\n    pipenv sync\n",
      errors: [{ line: 3, column: 5 }],
      output: "FROM python:3.11-slim\nRUN pip install --no-cache-dir pipenv && \\\n    pipenv sync && \\\n    rm -rf /root/.cache/pipenv\n",
    },
    {
      name: "pip's own cache directory removed is not pipenv's",
      code: "FROM python:3.11-slim\nRUN pipenv install --deploy && rm -rf /root/.cache/pip\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nRUN pipenv install --deploy && rm -rf /root/.cache/pip && rm -rf /root/.cache/pipenv\n",
    },
    {
      name: "backtick escape",
      code: "# escape=`\nFROM python:3.11-slim\nRUN pipenv install `\n    --deploy\n",
      errors: [{ line: 3 }],
      output: "# escape=`\nFROM python:3.11-slim\nRUN pipenv install `\n    --deploy `\n    && rm -rf /root/.cache/pipenv\n",
    },
    {
      name: "sh -c",
      code: "FROM python:3.11-slim\nRUN sh -c 'pipenv install --deploy --system'\n",
      errors: [{ line: 2, column: 12 }],
      output: "FROM python:3.11-slim\nRUN sh -c 'pipenv install --deploy --system' && rm -rf /root/.cache/pipenv\n",
    },
  ],
});
