import devDependenciesShipped from "../../src/rules/dev-dependencies-shipped.js";
import { ruleTester } from "../helpers/rule-tester.js";

const POETRY = { "pyproject.toml": "[tool.poetry]\nname = \"x\"\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\n[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\nsphinx = \"*\"\n" };
const UV = { "pyproject.toml": "[project]\nname = \"x\"\n[dependency-groups]\ndev = [\"pytest\"]\n" };

ruleTester(devDependenciesShipped, {
  valid: [
    { name: "poetry --only main", code: "FROM python:3.12-slim\nRUN poetry install --only main --no-root\n", files: POETRY },
    { name: "poetry --only=main", code: "FROM python:3.12-slim\nRUN poetry install --only=main\n" },
    { name: "poetry --without dev (optional groups are not installed anyway)", code: "FROM python:3.12-slim\nRUN poetry install --without dev\n", files: POETRY },
    { name: "poetry --no-dev", code: "FROM python:3.12-slim\nRUN poetry install --no-dev\n" },
    { name: "poetry project without dev groups", code: "FROM python:3.12-slim\nRUN poetry install\n", files: { "pyproject.toml": "[tool.poetry]\nname = \"x\"\n" } },
    { name: "uv sync --no-dev", code: "FROM python:3.12-slim\nRUN uv sync --frozen --no-dev\n", files: UV },
    { name: "UV_NO_DEV", code: "FROM python:3.12-slim\nENV UV_NO_DEV=1\nRUN uv sync --locked\n", files: UV },
    { name: "uv project without a dev group", code: "FROM python:3.12-slim\nRUN uv sync\n", files: { "pyproject.toml": "[project]\nname = \"x\"\n" } },
    { name: "pdm --prod", code: "FROM python:3.12-slim\nRUN pdm install --prod --no-editable\n" },
    { name: "pipenv without --dev", code: "FROM python:3.12-slim\nRUN pipenv install --system --deploy\n" },
    { name: "dev install in a test stage that does not ship", code: "FROM python:3.12-slim AS test\nRUN poetry install\nRUN pytest\nFROM python:3.12-slim\nRUN pip install --no-cache-dir .\n", files: POETRY },
    { name: "dev target", code: "FROM python:3.12-slim AS dev\nRUN uv sync\n", files: UV },
    { name: "builder whose venv is not copied", code: "FROM python:3.12-slim AS build\nRUN poetry install && poetry build\nFROM python:3.12-slim\nCOPY --from=build /app/dist /dist\nRUN pip install --no-cache-dir /dist/*.whl\n", files: POETRY },
    { name: "production requirements", code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements/prod.txt '.[postgres]'\n" },
  ],
  invalid: [
    {
      name: "poetry install",
      code: "FROM python:3.12-slim\nRUN poetry install --no-root\n",
      files: POETRY,
      errors: [{ line: 2, column: 5, endColumn: 19, message: "--only main" }],
      output: "FROM python:3.12-slim\nRUN poetry install --only main --no-root\n",
    },
    {
      name: "poetry 1.1 pinned: --no-dev",
      code: "FROM python:3.12-slim\nRUN pip install poetry==1.1.15\nRUN poetry install\n",
      errors: [{ line: 3, column: 5, message: "--no-dev" }],
      output: "FROM python:3.12-slim\nRUN pip install poetry==1.1.15\nRUN poetry install --no-dev\n",
    },
    {
      name: "poetry without another group leaves dev in",
      code: "FROM python:3.12-slim\nRUN poetry install --without docs\n",
      files: POETRY,
      errors: [{ line: 2, column: 5 }],
      output: "FROM python:3.12-slim\nRUN poetry install --only main --without docs\n",
    },
    {
      name: "uv sync in the builder whose venv ships",
      code: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache/uv \\\n    uv sync --frozen\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n",
      files: UV,
      errors: [{ line: 4, column: 5, endColumn: 12, message: "--no-dev" }],
      output: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache/uv \\\n    uv sync --no-dev --frozen\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n",
    },
    {
      name: "pipenv --dev in a heredoc",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\npipenv install --system --dev\nEOF\n",
      errors: [{ line: 4, column: 25, message: "drop --dev" }],
      output: "FROM python:3.12-slim\nRUN <<EOF\nset -e\npipenv install --system\nEOF\n",
    },
    {
      name: "pdm install",
      code: "FROM python:3.12-slim\nRUN pdm install --frozen-lockfile\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM python:3.12-slim\nRUN pdm install --prod --frozen-lockfile\n",
    },
    {
      name: "pip dev requirements and extras: no automatic fix",
      code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements-dev.txt -e '.[dev,postgres]'\n",
      errors: [{ line: 2, column: 35, message: "requirements-dev.txt" }, { line: 2, column: 59, message: "development extras" }],
    },
    {
      name: "poetry --with: reported, not rewritten",
      code: "FROM python:3.12-slim\nRUN poetry install --with dev\n",
      errors: [{ line: 2, column: 5, message: "development groups" }],
    },
    {
      name: "uv sync --all-groups: reported, not rewritten",
      code: "FROM python:3.12-slim\nRUN uv sync --all-groups\n",
      errors: [{ line: 2, column: 5, message: "development group" }],
    },
  ],
});
