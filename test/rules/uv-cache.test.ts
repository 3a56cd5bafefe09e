import uvCache from "../../src/rules/uv-cache.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(uvCache, {
  valid: [
    { name: "--no-cache", code: "FROM python:3.12-slim\nRUN uv sync --frozen --no-cache\n" },
    { name: "global flag before the subcommand", code: "FROM python:3.12-slim\nRUN uv --no-cache sync --frozen\n" },
    { name: "UV_NO_CACHE=1", code: "FROM python:3.12-slim\nENV UV_NO_CACHE=1\nRUN uv sync --frozen\n" },
    { name: "cache mount", code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen\n" },
    { name: "cache mount on a custom UV_CACHE_DIR", code: "FROM python:3.12-slim\nENV UV_CACHE_DIR=/uv-cache\nRUN --mount=type=cache,target=/uv-cache uv sync --locked\n" },
    { name: "cache cleaned in the same RUN", code: "FROM python:3.12-slim\nRUN uv sync --frozen && uv cache clean\n" },
    { name: "cache removed in the same RUN", code: "FROM python:3.12-slim\nRUN uv sync --frozen && rm -rf ~/.cache/uv\n" },
    { name: "builder stage", code: "FROM python:3.12-slim AS build\nRUN uv sync --frozen\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n" },
    { name: "uv pip is pip-cache's case", code: "FROM python:3.12-slim\nRUN uv pip install --system flask\n" },
    { name: "uv run does not count", code: "FROM python:3.12-slim\nRUN uv sync --no-cache\nRUN uv run python -m compileall .\n" },
  ],
  invalid: [
    {
      name: "uv sync",
      code: "FROM python:3.12-slim\nRUN uv sync --frozen\n",
      errors: [{ line: 2, column: 5, endColumn: 12, message: "--no-cache" }],
      output: "FROM python:3.12-slim\nRUN uv sync --no-cache --frozen\n",
    },
    {
      name: "UV_NO_CACHE=0 keeps the cache",
      code: "FROM python:3.12-slim\nENV UV_NO_CACHE=0\nRUN uv sync\n",
      errors: [{ line: 3 }],
      output: "FROM python:3.12-slim\nENV UV_NO_CACHE=0\nRUN uv sync --no-cache\n",
    },
    {
      name: "a cache mount on another directory",
      code: "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip uv add requests\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip uv add --no-cache requests\n",
    },
    {
      name: "heredoc",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\nuv sync --locked\nEOF\n",
      errors: [{ line: 4, column: 1 }],
      output: "FROM python:3.12-slim\nRUN <<EOF\nset -e\nuv sync --no-cache --locked\nEOF\n",
    },
    {
      name: "uv tool install over a continuation",
      code: "FROM python:3.12-slim\nRUN uv tool install \\\n    ruff\n",
      errors: [{ line: 2, column: 5, endColumn: 12 }],
      output: "FROM python:3.12-slim\nRUN uv tool --no-cache install \\\n    ruff\n",
    },
    {
      name: "removed in a later RUN",
      code: "FROM python:3.12-slim\nRUN uv sync\nRUN rm -rf /root/.cache/uv\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.12-slim\nRUN uv sync --no-cache\nRUN rm -rf /root/.cache/uv\n",
    },
  ],
});
