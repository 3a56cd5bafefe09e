import pathScriptsDir from "../../src/rules/path-scripts-dir.js";
import { ruleTester } from "../helpers/rule-tester.js";

const BUILD_VENV = "FROM python:3.12-slim AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask\n";

ruleTester(pathScriptsDir, {
  valid: [
    { name: "venv bin on PATH", code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCMD ["gunicorn", "app:app"]\n` },
    {
      name: "a start script that activates the venv",
      code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
      files: { "entrypoint.sh": "#!/bin/sh\n. /opt/venv/bin/activate\nexec gunicorn app:app\n" },
    },
    { name: "absolute venv paths in CMD", code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nCMD ["/opt/venv/bin/python", "app.py"]\n` },
    { name: "PATH via a variable", code: `${BUILD_VENV}FROM python:3.12-slim\nENV VIRTUAL_ENV=/opt/venv\nCOPY --from=build /opt/venv $VIRTUAL_ENV\nENV PATH=$VIRTUAL_ENV/bin:$PATH\nCMD ["flask", "run"]\n` },
    { name: "user install with ~/.local/bin", code: "FROM python:3.12-slim AS build\nRUN pip install --user flask\nFROM python:3.12-slim\nCOPY --from=build /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCMD [\"flask\", \"run\"]\n" },
    { name: "copied venv with no start command: a base image", code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: ".local on PATH with no user install anywhere", code: "FROM python:3.12-slim\nENV PATH=/opt/tools/.local:$PATH\nCMD [\"tool\"]\n" },
    { name: "venv bin set in a parent stage", code: `${BUILD_VENV}FROM python:3.12-slim AS base\nENV PATH=/opt/venv/bin:$PATH\nFROM base\nCOPY --from=build /opt/venv /opt/venv\nCMD ["gunicorn", "app:app"]\n` },
  ],
  invalid: [
    {
      name: "~/.local instead of ~/.local/bin",
      code: "FROM python:3.12-slim AS build\nRUN pip install --user -r requirements.txt\nFROM python:3.12-slim\nCOPY --from=build /root/.local /root/.local\nENV PATH=/root/.local:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n",
      errors: [{ line: 5, column: 10, endColumn: 22, message: "/root/.local/bin" }],
      output: "FROM python:3.12-slim AS build\nRUN pip install --user -r requirements.txt\nFROM python:3.12-slim\nCOPY --from=build /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n",
    },
    {
      name: "quoted $HOME/.local for a non-root user",
      code: "FROM python:3.12-slim\nUSER app\nRUN pip install --user flask\nENV PATH=\"$PATH:$HOME/.local\"\nCMD [\"flask\", \"run\"]\n",
      errors: [{ line: 4, column: 17 }],
      output: "FROM python:3.12-slim\nUSER app\nRUN pip install --user flask\nENV PATH=\"$PATH:$HOME/.local/bin\"\nCMD [\"flask\", \"run\"]\n",
    },
    {
      name: "venv root on PATH",
      code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nENV PATH=/opt/venv:$PATH\nCMD ["gunicorn", "app:app"]\n`,
      errors: [{ line: 5, column: 10 }],
      output: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCMD ["gunicorn", "app:app"]\n`,
    },
    {
      name: "venv copied, only VIRTUAL_ENV set",
      code: `${BUILD_VENV}FROM python:3.12-slim\nENV VIRTUAL_ENV=/opt/venv\nCOPY --from=build /opt/venv /opt/venv\nCMD ["python", "app.py"]\n`,
      errors: [{ line: 5, column: 29, endColumn: 38, message: "VIRTUAL_ENV alone" }],
      output: `${BUILD_VENV}FROM python:3.12-slim\nENV VIRTUAL_ENV=/opt/venv\nCOPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCMD ["python", "app.py"]\n`,
    },
    {
      name: "venv copied; a later ENV PATH of the stage gets the entry",
      code: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN uv sync --frozen --no-dev\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=build /app/.venv ./.venv\nENV PATH=/usr/local/bin:$PATH\nCMD uvicorn app:app\n",
      errors: [{ line: 6, column: 30 }],
      output: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN uv sync --frozen --no-dev\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=build /app/.venv ./.venv\nENV PATH=/app/.venv/bin:/usr/local/bin:$PATH\nCMD uvicorn app:app\n",
    },
    {
      name: "a start script that never touches the venv",
      code: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
      files: { "entrypoint.sh": "#!/bin/sh\nexec gunicorn app:app\n" },
      errors: [{ line: 4, column: 29, message: "is not on PATH" }],
      output: `${BUILD_VENV}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
    },
    {
      name: "COPY in exec form, escape directive",
      code: "# escape=`\nFROM python:3.12-slim AS build\nRUN python -m venv /venv\nFROM python:3.12-slim\nCOPY --from=build [\"/venv\", \"/venv\"]\nCMD [\"gunicorn\", `\n  \"app:app\"]\n",
      errors: [{ line: 5, column: 29 }],
      output: "# escape=`\nFROM python:3.12-slim AS build\nRUN python -m venv /venv\nFROM python:3.12-slim\nCOPY --from=build [\"/venv\", \"/venv\"]\nENV PATH=\"/venv/bin:$PATH\"\nCMD [\"gunicorn\", `\n  \"app:app\"]\n",
    },
  ],
});
