import poetryCache from "../../src/rules/poetry-cache.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(poetryCache, {
  valid: [
    { name: "cache and artifacts removed", code: "FROM python:3.11-slim\nRUN poetry install --only main && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts\n" },
    { name: "whole cache dir removed (in-project venv)", code: "FROM python:3.11-slim\nENV POETRY_VIRTUALENVS_IN_PROJECT=1\nRUN poetry install --only main && rm -rf ~/.cache/pypoetry\n" },
    { name: "custom cache dir removed", code: "FROM python:3.11-slim\nENV POETRY_CACHE_DIR=/tmp/poetry_cache\nRUN poetry install --without dev && rm -rf $POETRY_CACHE_DIR\n" },
    { name: "cache mount", code: "FROM python:3.11-slim\nENV POETRY_CACHE_DIR=/tmp/poetry_cache\nRUN --mount=type=cache,target=/tmp/poetry_cache poetry install --no-root\n" },
    { name: "--no-cache", code: "FROM python:3.11-slim\nRUN poetry install --no-cache --only main\n" },
    { name: "poetry cache clear --all", code: "FROM python:3.11-slim\nRUN poetry install && poetry cache clear pypi --all -n\n" },
    { name: "builder stage", code: "FROM python:3.11-slim AS build\nRUN poetry install --only main\nFROM python:3.11-slim\nCOPY --from=build /app/.venv /app/.venv\n" },
    { name: "poetry export is not an install", code: "FROM python:3.11-slim\nRUN poetry export -f requirements.txt -o requirements.txt\n" },
  ],
  invalid: [
    {
      name: "poetry install",
      code: "FROM python:3.11-slim\nRUN poetry install --only main\n",
      errors: [{ line: 2, column: 5, endColumn: 19, message: "artifacts" }],
      output: "FROM python:3.11-slim\nRUN poetry install --only main && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts\n",
    },
    {
      name: "POETRY_CACHE_DIR relocates the cache",
      code: "FROM python:3.11-slim\nENV POETRY_CACHE_DIR=/opt/poetry-cache\nRUN poetry install \\\n    --no-root\n",
      errors: [{ line: 3 }],
      output: "FROM python:3.11-slim\nENV POETRY_CACHE_DIR=/opt/poetry-cache\nRUN poetry install \\\n    --no-root \\\n    && rm -rf /opt/poetry-cache/cache /opt/poetry-cache/artifacts\n",
    },
    {
      name: "a non-root user's home",
      code: "FROM python:3.11-slim\nUSER app\nRUN poetry install\n",
      errors: [{ line: 3 }],
      output: "FROM python:3.11-slim\nUSER app\nRUN poetry install && rm -rf /home/app/.cache/pypoetry/cache /home/app/.cache/pypoetry/artifacts\n",
    },
    {
      name: "only the artifacts removed",
      code: "FROM python:3.11-slim\nRUN poetry install && rm -rf /root/.cache/pypoetry/artifacts\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nRUN poetry install && rm -rf /root/.cache/pypoetry/artifacts && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts\n",
    },
    {
      name: "heredoc with python -m poetry",
      code: "FROM python:3.11-slim\nRUN <<EOF\npython -m poetry install --only main\nEOF\n",
      errors: [{ line: 3, column: 11 }],
      output: "FROM python:3.11-slim\nRUN <<EOF\npython -m poetry install --only main\nrm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts\nEOF\n",
    },
  ],
});
