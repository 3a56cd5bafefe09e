import pipCache from "../../src/rules/pip-cache.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(pipCache, {
  valid: [
    { name: "flag given", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n" },
    { name: "flag before the subcommand", code: "FROM python:3.11-slim\nRUN pip --no-cache-dir install flask\n" },
    { name: "PIP_NO_CACHE_DIR=0 still disables the cache", code: "FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=0\nRUN pip install flask\n" },
    { name: "env var inherited from a parent stage", code: "FROM python:3.11-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n" },
    { name: "prefix assignment", code: "FROM python:3.11-slim\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n" },
    { name: "exported earlier in the RUN", code: "FROM python:3.11-slim\nRUN export PIP_NO_CACHE_DIR=off && pip install flask\n" },
    { name: "cache mount", code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n" },
    { name: "cache mount on ~/.cache", code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n" },
    { name: "cache mount for a non-root user", code: "FROM python:3.11-slim\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install flask\n" },
    { name: "removed in the same RUN", code: "FROM python:3.11-slim\nRUN pip install flask && rm -rf /root/.cache/pip\n" },
    { name: "purged in the same RUN", code: "FROM python:3.11-slim\nRUN pip install flask \\\n && pip cache purge\n" },
    { name: "builder stage that never ships", code: "FROM python:3.11 AS build\nRUN pip install --prefix=/install flask\nFROM python:3.11-slim\nCOPY --from=build /install /usr/local\n" },
    { name: "uv pip with --no-cache", code: "FROM python:3.11-slim\nRUN uv pip install --system --no-cache flask\n" },
    { name: "uv pip with UV_NO_CACHE", code: "FROM python:3.11-slim\nENV UV_NO_CACHE=1\nRUN uv pip install --system flask\n" },
    { name: "pip download is not an install", code: "FROM python:3.11-slim\nRUN pip download -d /wheels flask\n" },
    { name: "heredoc with the flag", code: "FROM python:3.11-slim\nRUN <<EOF\nset -e\npip install --no-cache-dir flask\nEOF\n" },
    { name: "uv cache clean in the same RUN", code: "FROM python:3.11-slim\nRUN uv pip install --system flask && uv cache clean\n" },
    { name: "--cache-dir on a cache mount", code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/pipcache pip install --cache-dir /pipcache flask\n" },
    { name: "PIP_CACHE_DIR removed with its variable", code: "FROM python:3.11-slim\nENV PIP_CACHE_DIR=/tmp/pip\nRUN pip install flask && rm -rf $PIP_CACHE_DIR\n" },
  ],
  invalid: [
    {
      name: "plain install",
      code: "FROM python:3.11-slim\nRUN pip install flask\n",
      errors: [{ line: 2, column: 5, endColumn: 16, message: "--no-cache-dir" }],
      output: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n",
    },
    {
      name: "python -m pip, versioned, over a continuation",
      code: "FROM python:3.11-slim\nRUN apt-get update && \\\n    python3.11 -m pip install \\\n      -r requirements.txt\n",
      errors: [{ line: 3, column: 19, endLine: 3, endColumn: 30 }],
      output: "FROM python:3.11-slim\nRUN apt-get update && \\\n    python3.11 -m pip install --no-cache-dir \\\n      -r requirements.txt\n",
    },
    {
      name: "venv pip in a heredoc",
      code: "FROM python:3.11-slim\nRUN <<EOF\nset -e\n/opt/venv/bin/pip install flask\nEOF\n",
      errors: [{ line: 4, column: 1 }],
      output: "FROM python:3.11-slim\nRUN <<EOF\nset -e\n/opt/venv/bin/pip install --no-cache-dir flask\nEOF\n",
    },
    {
      name: "cache mount on another directory does not help",
      code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/var/cache/apt pip install flask\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/var/cache/apt pip install --no-cache-dir flask\n",
    },
    {
      name: "removal in a later RUN does not help",
      code: "FROM python:3.11-slim\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\nRUN rm -rf /root/.cache/pip\n",
    },
    {
      name: "escape directive with backtick continuations",
      code: "# escape=`\nFROM python:3.11-slim\nRUN pip install `\n    flask\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM python:3.11-slim\nRUN pip install --no-cache-dir `\n    flask\n",
    },
    {
      name: "uv pip",
      code: "FROM python:3.11-slim\nRUN uv pip install --system flask\n",
      errors: [{ line: 2, message: "--no-cache" }],
      output: "FROM python:3.11-slim\nRUN uv pip install --no-cache --system flask\n",
    },
    {
      name: "UV_NO_CACHE=0 keeps uv's cache (uv reads it as a boolean)",
      code: "FROM python:3.11-slim\nENV UV_NO_CACHE=0\nRUN uv pip install --system flask\n",
      errors: [{ line: 3 }],
      output: "FROM python:3.11-slim\nENV UV_NO_CACHE=0\nRUN uv pip install --no-cache --system flask\n",
    },
    {
      name: "sudo and a sh -c script",
      code: "FROM python:3.11-slim\nRUN sh -c \"sudo pip install flask\"\n",
      errors: [{ line: 2, column: 17 }],
      output: "FROM python:3.11-slim\nRUN sh -c \"sudo pip install --no-cache-dir flask\"\n",
    },
  ],
});
