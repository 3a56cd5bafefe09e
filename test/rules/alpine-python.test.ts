import alpinePython from "../../src/rules/alpine-python.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(alpinePython, {
  valid: [
    { name: "slim base", code: "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc && pip install numpy\n" },
    { name: "Alpine with pure-Python packages", code: "FROM python:3.12-alpine\nRUN pip install --no-cache-dir flask gunicorn\n" },
    { name: "Alpine without pip", code: "FROM alpine:3.20\nRUN apk add --no-cache gcc musl-dev && make\n" },
    { name: "Alpine requirements without extension packages", code: "FROM python:3.12-alpine\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n", files: { "requirements.txt": "flask==3.0\nrequests\n" } },
    { name: "Alpine stage that is not built", code: "FROM python:3.12-alpine AS old\nRUN pip install numpy\nFROM python:3.12-slim\nRUN pip install numpy\n" },
    { name: "Alpine final stage receiving wheels from a glibc builder does not compile", code: "FROM python:3.12-slim AS build\nRUN pip wheel -w /wheels numpy\nFROM nginx:alpine\nCOPY --from=build /wheels /wheels\n" },
  ],
  invalid: [
    {
      name: "toolchain and psycopg2",
      code: "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\\n && pip install psycopg2==2.9.9 \\\n && apk del .build-deps\n",
      errors: [{ line: 1, column: 6, endColumn: 24, message: "gcc, musl-dev, postgresql-dev, psycopg2" }],
    },
    {
      name: "extension packages named in the manifests",
      code: "FROM python:3.11-alpine3.19\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
      files: { "requirements.txt": "pandas>=2\nrequests\n" },
      errors: [{ line: 1, column: 6, message: "pandas" }],
    },
    {
      name: "bare Alpine with a distro Python and a builder stage",
      code: "FROM alpine:3.20 AS build\nRUN apk add --no-cache python3 py3-pip build-base\nRUN <<EOF\nset -e\npip install --break-system-packages 'numpy<2'\nEOF\nFROM build\nCMD [\"python3\"]\n",
      errors: [{ line: 1, column: 6, message: "build-base, numpy" }],
    },
    {
      name: "poetry project with orjson",
      code: "FROM python:3.12-alpine\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main\n",
      files: { "pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.12\"\norjson = \"*\"\n" },
      errors: [{ line: 1, column: 6, message: "orjson" }],
    },
    {
      name: "each Alpine base reported once",
      code: "FROM python:3.12-alpine AS a\nRUN pip install lxml\nFROM python:3.12-alpine\nCOPY --from=a /usr/local /usr/local\nRUN pip install uvloop\n",
      errors: [{ line: 1, column: 6, message: "lxml" }, { line: 3, column: 6, message: "uvloop" }],
    },
  ],
});
