import bytecodeAndTests from "../../src/rules/bytecode-and-tests.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(bytecodeAndTests, {
  valid: [
    {
      name: "tests removed in the same RUN",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy pandas \\\n    && find /usr/local/lib/python3.11/site-packages -depth -type d -name tests -exec rm -rf {} +\n",
    },
    { name: "bytecode removed in the same RUN", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy && find /usr/local -name '*.pyc' -delete\n" },
    { name: "rm of a tests glob", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir scipy && rm -rf /usr/local/lib/python3.11/site-packages/*/tests\n" },
    {
      name: "installs only in a builder",
      code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install numpy\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n",
    },
    { name: "development target", code: "FROM python:3.11-slim AS test\nRUN pip install --no-cache-dir pytest numpy\n" },
    { name: "no Python install", code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq5\n" },
    { name: "pip download is not an install", code: "FROM python:3.11-slim\nRUN pip download -d /wheels numpy\n" },
    { name: "conda packages are out of scope", code: "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -afy\n" },
    { name: "a web stack without large test suites", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask gunicorn\n" },
    {
      name: "requirements without large test suites",
      code: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
      files: { "requirements.txt": "django==5.0\npsycopg2-binary\n" },
    },
  ],
  invalid: [
    {
      name: "pip install",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy pandas\n",
      errors: [{ line: 2, column: 5, endColumn: 16, message: "numpy, pandas keep their tests/", severity: "info" }],
    },
    {
      name: "once per file, at the first install that brings a large suite, from the manifests",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir gunicorn\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir scipy\n",
      files: { "requirements.txt": "pandas>=2\nflask\n" },
      errors: [{ line: 3, message: "pandas keeps its tests/" }],
    },
    {
      name: "uv sync in a heredoc",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\nuv sync --frozen --no-cache\nEOF\n",
      files: { "pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"numpy>=1.26\"]\n" },
      errors: [{ line: 4, column: 1, endColumn: 8 }],
    },
    {
      name: "tests removed in a later RUN is not the same RUN",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy\nRUN find / -name tests -type d -exec rm -rf {} +\n",
      errors: [{ line: 2 }],
    },
    {
      name: "poetry install in a shipped parent stage",
      code: "FROM python:3.11-slim AS base\nRUN poetry install --only main\nFROM base\nCMD [\"python\", \"-m\", \"app\"]\n",
      files: { "pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.11\"\nscikit-learn = \"^1.4\"\n" },
      errors: [{ line: 2, column: 5, endColumn: 19 }],
    },
  ],
});
