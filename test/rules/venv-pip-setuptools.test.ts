import venvPipSetuptools from "../../src/rules/venv-pip-setuptools.js";
import { ruleTester } from "../helpers/rule-tester.js";

const runtime = "FROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\n";

ruleTester(venvPipSetuptools, {
  valid: [
    { name: "pip and setuptools uninstalled", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install -r req.txt && /opt/venv/bin/pip uninstall -y pip setuptools\n" + runtime },
    { name: "python -m pip uninstall in a later builder RUN", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\nRUN /opt/venv/bin/pip install flask\nRUN /opt/venv/bin/python -m pip uninstall -y pip setuptools\n" + runtime },
    { name: "created without pip", code: "FROM python:3.11 AS build\nRUN python -m venv --without-pip /opt/venv && pip --python /opt/venv/bin/python install flask\n" + runtime },
    { name: "uv venv has no pip", code: "FROM python:3.11 AS build\nRUN uv venv /opt/venv && uv pip install --python /opt/venv/bin/python flask\n" + runtime },
    { name: "uv sync", code: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN uv sync --frozen --no-cache\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n" },
    { name: "the runtime installs more with pip", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\n" + runtime + "RUN pip install --no-cache-dir gunicorn\n" },
    { name: "creation not visible", code: "FROM python:3.11 AS build\nENV VIRTUAL_ENV=/opt/venv\n" + runtime },
    { name: "site-packages pip removed", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv && rm -rf /opt/venv/lib/python3.11/site-packages/pip*\n" + runtime },
    { name: "a venv in a builder only", code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\nFROM python:3.11-slim\nCOPY --from=build /opt/venv/lib /tmp/lib\n" },
  ],
  invalid: [
    {
      name: "python -m venv",
      code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install flask\n" + runtime,
      errors: [{ line: 4, column: 19, endColumn: 28, message: "pip and setuptools" }],
    },
    {
      name: "Python 3.12 venvs have pip only",
      code: "FROM python:3.12-slim AS build\nRUN python3 -m venv /venv\nFROM python:3.12-slim\nCOPY --from=build /venv /venv\n",
      errors: [{ line: 4, message: "still holds pip," }],
    },
    {
      name: "virtualenv, relative path",
      code: "FROM python:3.11 AS build\nWORKDIR /app\nRUN virtualenv .venv\nFROM python:3.11-slim\nCOPY --from=build /app/.venv /app/.venv\n",
      errors: [{ line: 5 }],
    },
    {
      name: "pip added back with ensurepip",
      code: "FROM python:3.11 AS build\nRUN python -m venv --without-pip /opt/venv && /opt/venv/bin/python -m ensurepip\n" + runtime,
      errors: [{ line: 4 }],
    },
    {
      name: "uv venv --seed",
      code: "FROM python:3.11 AS build\nRUN uv venv --seed /opt/venv\n" + runtime,
      errors: [{ line: 4 }],
    },
    {
      name: "Poetry in-project venv",
      code: "FROM python:3.11 AS build\nWORKDIR /app\nENV POETRY_VIRTUALENVS_IN_PROJECT=true\nRUN poetry install --only main\nFROM python:3.11-slim\nCOPY --from=build /app/.venv /app/.venv\n",
      errors: [{ line: 6 }],
    },
  ],
});
