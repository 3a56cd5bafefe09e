import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import contextBloat from "../../src/rules/context-bloat.js";
import contextSecrets from "../../src/rules/context-secrets.js";
import { ruleTester } from "../helpers/rule-tester.js";

const STANDARD =
  "# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n" +
  ".git\n**/__pycache__\n**/*.py[cod]\n.venv\nvenv\nnode_modules\nbuild\ndist\n.mypy_cache\n.pytest_cache\n.tox\n.ruff_cache\n";

ruleTester(contextBloat, {
  valid: [
    { name: "only named sources are copied", code: "FROM python:3.11-slim\nCOPY requirements.txt .\nCOPY app/ /app/app/\n" },
    {
      name: "the context holds nothing bulky",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      files: { "app.py": "print(1)\n", "requirements.txt": "flask\n" },
    },
    {
      name: "everything present is excluded",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      files: { ".dockerignore": ".git\n**/__pycache__\n.venv\n", ".git/HEAD": "ref\n", ".venv/pyvenv.cfg": "x\n", "app/__pycache__/a.cpython-311.pyc": "", "app/a.py": "" },
    },
    {
      name: "version from git: .git stays",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\n",
      files: { ".git/HEAD": "ref\n", "pyproject.toml": "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools-scm>=8\"]\nbuild-backend = \"setuptools.build_meta\"\n" },
    },
    {
      name: "a RUN asks git about the checkout",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN git rev-parse HEAD > VERSION\n",
      files: { ".git/HEAD": "ref\n", "app.py": "" },
    },
    {
      name: "dist is what the image installs",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir /app/dist/*.whl\n",
      files: { "dist/app-1.0-py3-none-any.whl": "", ".dockerignore": ".git\n" },
    },
    { name: "copy from another stage", code: "FROM python:3.11 AS build\nRUN mkdir /out\nFROM python:3.11-slim\nCOPY --from=build /out .\n" },
    { name: "a stage that is never built", code: "FROM python:3.11-slim AS unused\nCOPY . .\nFROM python:3.11-slim\nCMD [\"python\"]\n" },
    { name: "heredoc COPY", code: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nCOPY <<EOF /app/config.ini\n[app]\nEOF\n" },
  ],
  invalid: [
    {
      name: "no .dockerignore and no context information: the standard set",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      errors: [{ line: 3, column: 6, endColumn: 7, message: "no .dockerignore" }],
      output: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      outputFiles: { ".dockerignore": STANDARD },
    },
    {
      name: "extends an existing file with what the context holds",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\n",
      files: { ".dockerignore": "*.log", ".git/HEAD": "ref\n", ".venv/pyvenv.cfg": "x\n", "app/main.py": "", "node_modules/x/package.json": "{}" },
      errors: [{ line: 3, column: 6, message: ".git, .venv, node_modules" }],
      outputFiles: { ".dockerignore": "*.log\n\n# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n.git\n.venv\nnode_modules\n" },
    },
    {
      name: "__pycache__ excluded at the top level only",
      code: "FROM python:3.11-slim\nCOPY ./ /srv/\n",
      files: { ".dockerignore": "__pycache__\n", "pkg/__pycache__/m.cpython-311.pyc": "", "pkg/m.py": "" },
      errors: [{ line: 2, column: 6, endColumn: 8, message: "__pycache__/*.pyc" }],
      outputFiles: { ".dockerignore": "__pycache__\n\n# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n**/__pycache__\n**/*.py[cod]\n" },
    },
    {
      name: "a builder stage copies everything",
      code: "FROM python:3.11 AS build\nWORKDIR /src\nCOPY . .\nRUN pip wheel -w /wheels .\nFROM python:3.11-slim\nCOPY --from=build /wheels /wheels\n",
      files: { ".git/HEAD": "ref\n", "pyproject.toml": "[project]\nname = \"x\"\n" },
      errors: [{ line: 3, message: ".git" }],
      outputFiles: { ".dockerignore": "# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n.git\n" },
    },
    {
      name: "ADD in JSON form",
      code: "FROM python:3.11-slim\nADD [\".\", \"/app\"]\n",
      files: { ".mypy_cache/3.11/x.json": "{}", "app.py": "" },
      errors: [{ line: 2, column: 6, endColumn: 9, message: ".mypy_cache" }],
      outputFiles: { ".dockerignore": "# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n.mypy_cache\n" },
    },
    {
      name: "build output only counts when it looks like one",
      code: "FROM python:3.11-slim\nCOPY . .\n",
      files: { "build/lib/pkg/__init__.py": "", "pkg/__init__.py": "" },
      errors: [{ line: 2, message: "build" }],
      outputFiles: { ".dockerignore": "# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\nbuild\n" },
    },
  ],
});

describe("context-bloat and context-secrets together", () => {
  it("extend the same .dockerignore in successive passes without duplicating .git", () => {
    const fixed = fixText({
      path: "Dockerfile",
      text: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      files: { ".git/HEAD": "ref\n", ".env": "TOKEN=x\n", ".env.example": "TOKEN=\n", "__pycache__/a.cpython-311.pyc": "", "a.py": "" },
      checks: [contextBloat, contextSecrets],
    });
    assert.equal(
      fixed.files[".dockerignore"],
      "# Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches\n.git\n**/__pycache__\n**/*.py[cod]\n" +
        "\n# Secrets and keys: never send them to the builder\n.env\n",
    );
    assert.equal(fixed.passes, 2);
  });
});
