import cacheMountsAvailable from "../../src/rules/cache-mounts-available.js";
import { ruleTester } from "../helpers/rule-tester.js";

const SYNTAX = "# syntax=docker/dockerfile:1\n";

ruleTester(cacheMountsAvailable, {
  valid: [
    { name: "nothing shows BuildKit is in use", code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n" },
    { name: "pip behind a cache mount", code: `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n` },
    {
      name: "a mount on ~/.cache covers pip and poetry",
      code: `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install poetry==1.8.3 && poetry install --no-root\n`,
    },
    { name: "pip's cache switched off image-wide", code: `${SYNTAX}FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n` },
    {
      name: "offline install from a wheelhouse",
      code: `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels pip install --no-index --find-links=/wheels app\n`,
    },
    { name: "upgrading pip itself", code: `${SYNTAX}FROM python:3.12-slim\nRUN pip install --upgrade pip setuptools wheel\n` },
    {
      name: "apt with its cache mounts",
      code:
        `${SYNTAX}FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n` +
        "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    apt-get update && apt-get install -y --no-install-recommends curl\n",
    },
    { name: "a stage the target never builds", code: `${SYNTAX}FROM python:3.12-slim AS unused\nRUN pip install flask\nFROM python:3.12-slim\nCMD ["python"]\n` },
    { name: "a step run by a non-root user", code: `${SYNTAX}FROM python:3.12-slim\nUSER app\nRUN pip install --user flask\n` },
    {
      name: "uv with its mount",
      code: `${SYNTAX}FROM python:3.12-slim\nENV UV_LINK_MODE=copy\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-install-project\n`,
    },
    { name: "--no-deps build of the project fetches nothing", code: `${SYNTAX}FROM python:3.12-slim\nCOPY . .\nRUN pip wheel --no-deps -w /wheels .\n` },
  ],
  invalid: [
    {
      name: "pip with --no-cache-dir: the mount replaces the flag",
      code: `${SYNTAX}FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n`,
      errors: [{ line: 4, column: 5, endColumn: 16, message: "pip could keep its downloads" }],
      suggestionOutput: `${SYNTAX}FROM python:3.12-slim\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n`,
    },
    {
      name: "apt and pip in one RUN: one finding, every mount, the lists removal dropped",
      code:
        `${SYNTAX}FROM python:3.12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n` +
        " && rm -rf /var/lib/apt/lists/* \\\n && pip install psycopg2-binary\n",
      errors: [{ line: 4, column: 5, endColumn: 20, message: "apt and pip could keep their downloads" }],
      suggestionOutput:
        `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked ` +
        "--mount=type=cache,target=/root/.cache/pip apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n && pip install psycopg2-binary\n",
    },
    {
      name: "a removal that also cleans other paths keeps them",
      code: "FROM debian:bookworm-slim\nCOPY --link app /app\nRUN apt-get update && apt-get install -y curl && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/*\n",
      errors: [{ line: 3, column: 23, message: "apt could keep" }],
      suggestionOutput:
        "FROM debian:bookworm-slim\nCOPY --link app /app\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked " +
        "apt-get update && apt-get install -y curl && rm -rf /tmp/*\n",
    },
    {
      name: "poetry with its own cache directory",
      code: `${SYNTAX}FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/opt/poetry-cache\nRUN poetry install --only main --no-root\n`,
      errors: [{ line: 4, column: 5, endColumn: 19, message: "target=/opt/poetry-cache" }],
      suggestionOutput: `${SYNTAX}FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/opt/poetry-cache\nRUN --mount=type=cache,target=/opt/poetry-cache poetry install --only main --no-root\n`,
    },
    {
      name: "uv sync --no-cache next to an existing bind mount",
      code: `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync --no-cache --frozen\n`,
      errors: [{ line: 3, column: 53, endColumn: 60 }],
      suggestionOutput: `${SYNTAX}FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv --mount=type=bind,source=uv.lock,target=uv.lock uv sync --frozen\n`,
    },
    {
      name: "heredoc: the lists removal line goes",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -eu\napt-get update\napt-get install -y --no-install-recommends tini\nrm -rf /var/lib/apt/lists/*\nEOF\n",
      errors: [{ line: 5, column: 1, endColumn: 16 }],
      suggestionOutput:
        "FROM python:3.12-slim\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked <<EOF\n" +
        "set -eu\napt-get update\napt-get install -y --no-install-recommends tini\nEOF\n",
    },
    {
      name: "escape directive with backtick continuations",
      code: SYNTAX + "# escape=`\nFROM python:3.12-slim\nRUN pip install `\n      --no-cache-dir flask\n",
      errors: [{ line: 4, column: 5 }],
      suggestionOutput: SYNTAX + "# escape=`\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install `\n      flask\n",
    },
    {
      name: "builder stages count: their rebuilds are what the mount speeds up",
      code: `${SYNTAX}FROM python:3.12 AS build\nRUN pip wheel -w /wheels -r requirements.txt\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n`,
      errors: [{ line: 3, column: 5, endColumn: 14 }],
      suggestionOutput: `${SYNTAX}FROM python:3.12 AS build\nRUN --mount=type=cache,target=/root/.cache/pip pip wheel -w /wheels -r requirements.txt\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n`,
    },
  ],
});
