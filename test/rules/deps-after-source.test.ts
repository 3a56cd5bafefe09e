import depsAfterSource from "../../src/rules/deps-after-source.js";
import { ruleTester } from "../helpers/rule-tester.js";

const REQS = { "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n", "app.py": "" };
const POETRY = { "pyproject.toml": "[tool.poetry]\nname = \"shop\"\n", "poetry.lock": "", "shop/__init__.py": "" };

ruleTester(depsAfterSource, {
  valid: [
    {
      name: "a wheelhouse copied, then installed: the wheels are the install's input, not source",
      code: "FROM python:3.12-slim\nCOPY wheels/ /tmp/wheels/\nRUN pip install /tmp/wheels/*.whl && rm -rf /tmp/wheels\nCOPY src/ /app/src/\n",
    },
    {
      name: "manifests copied and installed before the source",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
      files: REQS,
    },
    {
      name: "poetry: dependencies with --no-root first, the project after the source",
      code:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main --no-root\n" +
        "COPY README.md ./\nCOPY shop ./shop\nRUN poetry install --only main\n",
      files: POETRY,
    },
    {
      name: "uv: --no-install-project first, then uv sync after the source",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-install-project\nCOPY . .\nRUN uv sync --frozen\n",
    },
    {
      name: "uv with bind mounts of the manifests only",
      code:
        "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nWORKDIR /app\n" +
        "RUN --mount=type=cache,target=/root/.cache/uv \\\n    --mount=type=bind,source=uv.lock,target=uv.lock \\\n" +
        "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    uv sync --frozen --no-install-project\n" +
        "COPY . .\nRUN uv sync --frozen\n",
    },
    {
      name: "install from a prepared wheelhouse after the source",
      code:
        "FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY requirements.txt .\nRUN pip wheel -w /wheels -r requirements.txt\n" +
        "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nWORKDIR /app\nCOPY . .\n" +
        "RUN pip install --no-cache-dir --no-index --find-links /wheels -r requirements.txt\n",
    },
    { name: "--no-deps install of the project", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir --no-deps .\n" },
    { name: "--no-deps wheel of the project", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip wheel --no-deps -w /wheels .\n" },
    { name: "named packages read nothing from the context", code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir gunicorn\n" },
    {
      name: "the requirements come in their own COPY, apart from the partial source copy",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
      files: REQS,
    },
    {
      name: "a stage the target never builds",
      code:
        "FROM python:3.12-slim AS lint\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements-dev.txt\n" +
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
    },
    {
      name: "dependencies installed in the parent stage, project installed after the source",
      code:
        "FROM python:3.12-slim AS deps\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n" +
        "FROM deps\nCOPY . .\nRUN pip install -e .\n",
    },
    {
      name: "pipenv before the source",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --system --deploy\nCOPY . .\n",
    },
    {
      name: "heredoc install before the source",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN <<EOF\nset -e\npip install -r requirements.txt\nEOF\nCOPY . .\n",
    },
    { name: "pip upgrading itself after the source", code: "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --upgrade pip setuptools\n" },
  ],
  invalid: [
    {
      name: "the classic: COPY . . then pip install -r",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
      files: REQS,
      errors: [{ line: 4, column: 5, endLine: 4, endColumn: 16, message: "after `COPY . .` (line 3)" }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    },
    {
      name: "poetry install after the whole source: a --no-root install goes first, the original stays",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install poetry==1.8.3 && poetry install --only main\n",
      files: POETRY,
      errors: [{ line: 4, column: 34, endColumn: 48, message: "poetry install runs after" }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN pip install poetry==1.8.3 && poetry install --no-root --only main\n" +
        "COPY . .\nRUN pip install poetry==1.8.3 && poetry install --only main\n",
    },
    {
      name: "uv sync with the WORKDIR after the COPY: the WORKDIR goes along",
      code: "FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN uv sync --frozen\n",
      files: { "pyproject.toml": "[project]\nname = \"x\"\n", "uv.lock": "" },
      errors: [{ line: 4, column: 5, endColumn: 12 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml uv.lock /app/\nRUN uv sync --no-install-project --frozen\nCOPY . /app\nWORKDIR /app\nRUN uv sync --frozen\n",
    },
    {
      name: "pip install . with a requirements file in the context",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir .\n",
      files: { ...REQS, "pyproject.toml": "" },
      errors: [{ line: 4, column: 5 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN pip install --no-cache-dir .\n",
    },
    {
      name: "pip install -e . keeps its other flags, drops -e",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY --chown=app:app . .\nRUN pip install --user -e . && python -m compileall .\n",
      files: { ...REQS, "setup.py": "" },
      errors: [{ line: 4, column: 5 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /srv\nCOPY --chown=app:app requirements.txt ./\nRUN pip install --user -r requirements.txt\nCOPY --chown=app:app . .\n" +
        "RUN pip install --user -e . && python -m compileall .\n",
    },
    {
      name: "partial source copy before a project install, pip only: no rewrite pip could do",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nCOPY src ./src\nRUN pip install --no-cache-dir .\n",
      files: { "pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"httpx\"]\n", "src/x/__init__.py": "" },
      errors: [{ line: 5, column: 5, message: "after `COPY src ./src` (line 4)" }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nCOPY src ./src\nRUN pip install --no-cache-dir .\n",
    },
    {
      name: "partial source copy before uv pip install .: dependencies read from pyproject.toml, already copied",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nCOPY src ./src\nRUN uv pip install --system .\n",
      files: { "pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"httpx\"]\n", "src/x/__init__.py": "" },
      errors: [{ line: 5, column: 5, endColumn: 19 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nRUN uv pip install --system -r pyproject.toml\nCOPY src ./src\nRUN uv pip install --system .\n",
    },
    {
      name: "source file copied together with the requirements",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py requirements.txt ./\nRUN pip install -r requirements.txt\n",
      files: REQS,
      errors: [{ line: 4, column: 5 }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY app.py requirements.txt ./\n",
    },
    {
      name: "the whole context bind-mounted into the install",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN --mount=type=bind,target=/src pip install -r /src/requirements.txt\n",
      errors: [{ line: 3, column: 35, message: "whole build context bind-mounted" }],
    },
    {
      name: "source copied in the parent stage",
      code: "FROM python:3.12-slim AS base\nWORKDIR /app\nCOPY . .\nFROM base\nRUN pip install -r requirements.txt\n",
      errors: [{ line: 5, column: 5, message: "(line 3, stage base)" }],
      suggestionOutput: "FROM python:3.12-slim AS base\nWORKDIR /app\nCOPY . .\nFROM base\nRUN pip install -r requirements.txt\n",
    },
    {
      name: "builder stage that does not ship still costs build time",
      code:
        "FROM python:3.12 AS build\nWORKDIR /src\nCOPY . .\nRUN pip wheel -w /wheels -r requirements.txt\n" +
        "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-index --find-links /wheels /wheels/*\n",
      files: REQS,
      errors: [{ line: 4, column: 5, endColumn: 14 }],
      suggestionOutput:
        "FROM python:3.12 AS build\nWORKDIR /src\nCOPY requirements.txt ./\nRUN pip wheel -w /wheels -r requirements.txt\nCOPY . .\n" +
        "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-index --find-links /wheels /wheels/*\n",
    },
    {
      name: "a wheel built from the source, then installed with its dependencies",
      code: "FROM python:3.12 AS build\nWORKDIR /src\nCOPY . .\nRUN python -m build --wheel\nRUN pip install --no-cache-dir dist/*.whl\n",
      files: REQS,
      errors: [{ line: 5, column: 5, endColumn: 16 }],
    },
    {
      name: "pip wheel . resolves and builds every dependency",
      code: "FROM python:3.12 AS build\nWORKDIR /src\nCOPY . .\nRUN pip wheel --wheel-dir /wheels .\n",
      files: { ...REQS, "pyproject.toml": "" },
      errors: [{ line: 4, column: 5, endColumn: 14 }],
      suggestionOutput: "FROM python:3.12 AS build\nWORKDIR /src\nCOPY requirements.txt ./\nRUN pip wheel --wheel-dir /wheels -r requirements.txt\nCOPY . .\nRUN pip wheel --wheel-dir /wheels .\n",
    },
    {
      name: "escape directive with backtick continuations: the RUN moves verbatim",
      code: "# escape=`\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir `\n    -r requirements.txt\nEXPOSE 8000\n",
      files: REQS,
      errors: [{ line: 5, column: 5 }],
      suggestionOutput:
        "# escape=`\nFROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir `\n    -r requirements.txt\nCOPY . .\nEXPOSE 8000\n",
    },
    {
      name: "heredoc: the install alone goes before the source, the heredoc stays",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN <<EOF\nset -e\npip install -r requirements.txt\npython manage.py collectstatic --noinput\nEOF\n",
      files: REQS,
      errors: [{ line: 6, column: 1 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n" +
        "RUN <<EOF\nset -e\npip install -r requirements.txt\npython manage.py collectstatic --noinput\nEOF\n",
    },
    {
      name: "pipenv: the RUN moves with Pipfile and Pipfile.lock",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install pipenv && pipenv install --system --deploy\nCMD [\"gunicorn\", \"app:app\"]\n",
      files: { Pipfile: "[packages]\nflask = \"*\"\n", "Pipfile.lock": "{}" },
      errors: [{ line: 4, column: 27 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY Pipfile Pipfile.lock ./\nRUN pip install pipenv && pipenv install --system --deploy\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n",
    },
    {
      name: "nested requirement files keep their directory",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements/prod.txt\n",
      files: { "requirements/prod.txt": "-r base.txt\ngunicorn\n", "requirements/base.txt": "django\n" },
      errors: [{ line: 4, column: 5 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements/prod.txt requirements/base.txt ./requirements/\nRUN pip install -r requirements/prod.txt\nCOPY . .\n",
    },
    {
      name: "a requirements file that installs the project itself cannot go first",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
      files: { "requirements.txt": "flask\n-e .\n" },
      errors: [{ line: 4, column: 5 }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
    },
    {
      name: "venv creation travels with the install, later steps stay",
      code:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n" +
        "RUN python -m venv /opt/venv \\\n && /opt/venv/bin/pip install -r requirements.txt \\\n && /opt/venv/bin/python manage.py collectstatic --noinput\n",
      files: REQS,
      errors: [{ line: 5, column: 5, endColumn: 30 }],
      suggestionOutput:
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN python -m venv /opt/venv \\\n && /opt/venv/bin/pip install -r requirements.txt\nCOPY . .\n" +
        "RUN python -m venv /opt/venv \\\n && /opt/venv/bin/pip install -r requirements.txt \\\n && /opt/venv/bin/python manage.py collectstatic --noinput\n",
    },
    {
      name: "an ENV between the copy and the install blocks the rewrite",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install -r requirements.txt\n",
      files: REQS,
      errors: [{ line: 5, column: 5 }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install -r requirements.txt\n",
    },
  ],
});
