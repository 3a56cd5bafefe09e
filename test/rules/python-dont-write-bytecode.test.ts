import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import pythonDontWriteBytecode from "../../src/rules/python-dont-write-bytecode.js";
import pythonUnbuffered from "../../src/rules/python-unbuffered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const ENTRY = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"run.sh\"]\n";

ruleTester(pythonDontWriteBytecode, {
  valid: [
    { name: "a start script that sets it on its own line", code: ENTRY, files: { "run.sh": "PYTHONDONTWRITEBYTECODE=1\nexport PYTHONDONTWRITEBYTECODE\nexec uvicorn main:app\n" } },
    { name: "a start script running python -B", code: ENTRY, files: { "run.sh": "exec python -B main.py\n" } },
    { name: "set", code: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nCMD [\"python\", \"app.py\"]\n" },
    { name: "UV_COMPILE_BYTECODE in the builder", code: "FROM python:3.12-slim AS build\nENV UV_COMPILE_BYTECODE=1\nRUN uv sync --frozen --no-dev\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\nCMD [\"/app/.venv/bin/gunicorn\", \"app:app\"]\n" },
    { name: "compileall", code: "FROM python:3.12-slim\nCOPY . /app\nRUN python -m compileall -q /app\nCMD [\"python\", \"/app/main.py\"]\n" },
    { name: "pip --compile", code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir --compile .\nCMD [\"myapp\"]\n", files: { "pyproject.toml": "[project]\nname = \"x\"\n[project.scripts]\nmyapp = \"x:main\"\n" } },
    { name: "uv pip --compile-bytecode", code: "FROM python:3.12-slim\nRUN uv pip install --system --compile-bytecode -r requirements.txt\nCMD [\"uvicorn\", \"app:app\"]\n" },
    { name: "python -B", code: "FROM python:3.12-slim\nCMD [\"python\", \"-B\", \"app.py\"]\n" },
    { name: "no app", code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir requests\n" },
    { name: "unknown base", code: "FROM corp/python-base:3.12\nCMD [\"python\", \"app.py\"]\n" },
    { name: "non-root user that owns no code cannot write caches", code: "FROM python:3.12-slim\nRUN useradd app\nCOPY . /app\nUSER app\nCMD [\"python\", \"/app/main.py\"]\n" },
    { name: "distroless nonroot runs as non-root by default", code: "FROM python:3.11-slim AS build\nRUN python -m venv /venv\nFROM gcr.io/distroless/python3-debian12:nonroot\nCOPY --from=build /venv /venv\nCOPY app/ /app/\nENTRYPOINT [\"/venv/bin/python\", \"-m\", \"app\"]\n" },
  ],
  invalid: [
    {
      name: "the app a start script runs",
      code: ENTRY,
      files: { "run.sh": "exec uvicorn main:app --host 0.0.0.0\n" },
      errors: [{ line: 4, column: 12, endColumn: 20, message: "run.sh line 1 (exec uvicorn main:app --host 0.0.0.0): uvicorn writes __pycache__" }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"run.sh\"]\n",
    },
    {
      name: "non-root user that owns the code",
      code: "FROM python:3.12-slim\nRUN useradd app\nCOPY --chown=app:app . /app\nUSER app\nCMD [\"python\", \"/app/main.py\"]\n",
      errors: [{ line: 5, column: 6 }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nRUN useradd app\nCOPY --chown=app:app . /app\nUSER app\nCMD [\"python\", \"/app/main.py\"]\n",
    },
    {
      name: "plain app",
      code: "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
      errors: [{ line: 2, column: 6, endColumn: 14, severity: "info" }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nCMD [\"python\", \"app.py\"]\n",
    },
    {
      name: "joins the existing PYTHON* ENV",
      code: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCMD [\"gunicorn\", \"app:app\"]\n",
      errors: [{ line: 3, column: 6 }],
      output: "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\nCMD [\"gunicorn\", \"app:app\"]\n",
    },
    {
      name: "UV_COMPILE_BYTECODE=0 is no precompilation",
      code: "FROM python:3.12-slim\nENV UV_COMPILE_BYTECODE=0\nRUN uv sync\nCMD uv run uvicorn app:app\n",
      errors: [{ line: 4, column: 12 }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nENV UV_COMPILE_BYTECODE=0\nRUN uv sync\nCMD uv run uvicorn app:app\n",
    },
    {
      name: "compileall in a stage that is not built does not count",
      code: "FROM python:3.12-slim AS unused\nRUN python -m compileall /app\nFROM python:3.12-alpine\nCMD [\"python\", \"-m\", \"app\"]\n",
      errors: [{ line: 4, column: 22 }],
      output: "FROM python:3.12-slim AS unused\nRUN python -m compileall /app\nFROM python:3.12-alpine\nENV PYTHONDONTWRITEBYTECODE=1\nCMD [\"python\", \"-m\", \"app\"]\n",
    },
    {
      name: "manage.py in a heredoc-built image",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install --no-cache-dir django\nEOF\nCMD [\"./manage.py\", \"runserver\"]\n",
      errors: [{ line: 6, column: 6 }],
      output: "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\nRUN <<EOF\nset -e\npip install --no-cache-dir django\nEOF\nCMD [\"./manage.py\", \"runserver\"]\n",
    },
  ],
});

describe("python-unbuffered and python-dont-write-bytecode fixed together", () => {
  const checks = [pythonUnbuffered, pythonDontWriteBytecode];
  const cases: Array<[string, string, string]> = [
    [
      "no ENV yet: one ENV line after FROM",
      "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
      "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1\nCMD [\"python\", \"app.py\"]\n",
    ],
    [
      "existing PYTHON* ENV: both appended",
      "FROM python:3.12-slim AS build\nFROM python:3.12-slim\nENV PYTHONPATH=/app\nCMD [\"python\", \"app.py\"]\n",
      "FROM python:3.12-slim AS build\nFROM python:3.12-slim\nENV PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1\nCMD [\"python\", \"app.py\"]\n",
    ],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => {
      const first = fixText({ path: "Dockerfile", text: code, checks });
      assert.equal(first.text, expected);
      assert.deepEqual(fixText({ path: "Dockerfile", text: code, checks: [...checks].reverse() }).text, expected, "order of checks does not matter");
      assert.equal(fixText({ path: "Dockerfile", text: first.text, checks }).text, first.text, "idempotent");
    });
  }
});
