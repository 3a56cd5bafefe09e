import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveConfig } from "../../src/config.js";
import { lint } from "../../src/lint/engine.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";
import buildToolchain from "../../src/rules/build-toolchain.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(buildToolchain, {
  valid: [
    {
      name: "apk virtual package removed in the same RUN",
      code: "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\\n    && pip install --no-cache-dir psycopg2 \\\n    && apk del .build-deps\n",
    },
    {
      name: "apt purge of the packages in the same RUN",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev libpq5 \\\n    && pip install --no-cache-dir psycopg2 \\\n    && apt-get purge -y --auto-remove gcc libpq-dev && rm -rf /var/lib/apt/lists/*\n",
    },
    {
      name: "official image pattern: apt-mark auto then purge --auto-remove",
      code:
        "FROM python:3.11-slim\nRUN set -eux; \\\n    savedAptMark=\"$(apt-mark showmanual)\"; \\\n    apt-get update; apt-get install -y --no-install-recommends build-essential; \\\n" +
        "    pip install --no-cache-dir uwsgi; \\\n    apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \\\n    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\\n    rm -rf /var/lib/apt/lists/*\n",
    },
    {
      name: "toolchain in a builder stage only",
      code:
        "FROM python:3.11-slim AS build\nRUN apt-get update && apt-get install -y build-essential libpq-dev\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install psycopg2\n" +
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /opt/venv /opt/venv\n",
    },
    { name: "development target", code: "FROM python:3.11-slim AS dev\nRUN apt-get update && apt-get install -y build-essential\n" },
    { name: "runtime libraries only", code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 libffi8 libjpeg62-turbo\n" },
    { name: "git the application may use at run time", code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y git\nCMD [\"python\", \"app.py\"]\n" },
    {
      name: "git used by the start command",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y git\nRUN pip install --no-cache-dir git+https://example.com/lib.git\nCMD [\"sh\", \"-c\", \"git pull && python app.py\"]\n",
    },
    { name: "dnf remove in the same RUN", code: "FROM fedora:40\nRUN dnf install -y gcc python3-devel && pip install psutil && dnf remove -y gcc python3-devel && dnf clean all\n" },
    { name: "udev is not a header package", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y udev\n" },
  ],
  invalid: [
    {
      name: "gcc in the final stage",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev && pip install psycopg2\n",
      errors: [{ line: 2, column: 42, endColumn: 45, message: "gcc, libpq-dev" }],
    },
    {
      name: "headers alone",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq-dev\n",
      errors: [{ line: 2, column: 66, message: "build headers libpq-dev" }],
    },
    {
      name: "apk without removal",
      code: "FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev linux-headers\n",
      errors: [{ line: 2, column: 24, message: "gcc, musl-dev, linux-headers" }],
    },
    {
      name: "virtual package removed in a later RUN does not help",
      code: "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev\nRUN pip install psutil\nRUN apk del .build-deps\n",
      errors: [{ line: 2, column: 46 }],
    },
    {
      name: "git used to build",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y git\nRUN pip install --no-cache-dir git+https://example.com/lib.git\n",
      errors: [{ line: 2, column: 42, message: "(git)" }],
    },
    {
      name: "git+ requirement read from the context",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y git build-essential\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
      files: { "requirements.txt": "flask\nmylib @ git+https://example.com/mylib.git\n" },
      errors: [{ line: 2, column: 42, message: "git, build-essential" }],
    },
    {
      name: "heredoc",
      code: "FROM python:3.11-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends build-essential\nEOF\n",
      errors: [{ line: 5, column: 44 }],
    },
    {
      name: "shipped parent stage, removal of another package only",
      code: "FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y make g++-12 && apt-get purge -y make\nFROM base\nCMD [\"app\"]\n",
      errors: [{ line: 2, column: 47, message: "(g++-12)" }],
    },
    {
      name: "dnf group install",
      code: "FROM fedora:40\nRUN dnf groupinstall -y \"Development Tools\" && dnf clean all\n",
      errors: [{ line: 2, column: 25 }],
    },
    {
      name: "sh -c string",
      code: "FROM python:3.11-slim\nRUN sh -c \"apt-get update && apt-get install -y cmake\"\n",
      errors: [{ line: 2, column: 49 }],
    },
  ],
});

describe("build-toolchain categories", () => {
  const categories = (code: string) =>
    lint({ path: "Dockerfile", text: code, project: projectContext(undefined, memoryFiles({})), config: resolveConfig({}), checks: [buildToolchain] })
      .findings.map((f) => [f.category, ...(f.alsoCategories ?? [])]);
  it("headers alone are a size matter, a compiler also a security one", () => {
    assert.deepEqual(categories("FROM python:3.11-slim\nRUN apt-get install -y libpq-dev\n"), [["size"]]);
    assert.deepEqual(categories("FROM python:3.11-slim\nRUN apt-get install -y gcc libpq-dev\n"), [["size", "security"]]);
  });
});
