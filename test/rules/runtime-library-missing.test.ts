import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import runtimeLibraryMissing from "../../src/rules/runtime-library-missing.js";
import { runtimePackageFor } from "../../src/rules/lib/runtime-libs.js";
import { ruleTester } from "../helpers/rule-tester.js";

const APT_BUILDER =
  "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n && rm -rf /var/lib/apt/lists/*\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir psycopg2\n";

ruleTester(runtimeLibraryMissing, {
  valid: [
    { name: "runtime library installed", code: `${APT_BUILDER}FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "full python image ships it", code: `${APT_BUILDER}FROM python:3.12\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "headers installed in the final stage too", code: `${APT_BUILDER}FROM python:3.12-slim\nRUN apt-get update && apt-get install -y libpq-dev\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "slim already has libffi and libssl", code: "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y gcc libffi-dev libssl-dev\nRUN pip install --prefix=/install cryptography\nFROM python:3.12-slim\nCOPY --from=build /install /usr/local\n" },
    { name: "wheels of a stage without headers", code: "FROM python:3.12-slim AS build\nRUN pip wheel -w /wheels flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n" },
    { name: "other files of a builder with headers", code: "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y libpq-dev\nRUN make docs\nFROM python:3.12-slim\nCOPY --from=build /src/site /srv/site\n" },
    { name: "unknown final base", code: `${APT_BUILDER}FROM corp/runtime:1\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "installed in a parent stage", code: `${APT_BUILDER}FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y libpq5=15.* && rm -rf /var/lib/apt/lists/*\nFROM base\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "Alpine runtime library", code: "FROM python:3.12-alpine AS build\nRUN apk add --no-cache build-base postgresql-dev && pip install --prefix=/install psycopg2\nFROM python:3.12-alpine\nRUN apk add --no-cache libpq\nCOPY --from=build /install /usr/local\n" },
  ],
  invalid: [
    {
      name: "libpq5 missing",
      code: `${APT_BUILDER}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n`,
      errors: [{ line: 6, column: 19, endColumn: 28, message: "built against libpq-dev, but the final stage lacks the runtime library: install libpq5" }],
    },
    {
      name: "several libraries, Alpine",
      code: "FROM python:3.12-alpine AS build\nRUN apk add --no-cache --virtual .deps build-base libxml2-dev libxslt-dev jpeg-dev zlib-dev\nRUN pip install --prefix=/install lxml pillow\nFROM python:3.12-alpine\nCOPY --from=build /install /usr/local\n",
      errors: [{ line: 5, column: 19, message: "install libxml2 libxslt libjpeg-turbo" }],
    },
    {
      name: "user install from a heredoc builder",
      code: "FROM python:3.11-slim-bookworm AS build\nRUN <<EOF\nset -e\napt-get update\napt-get install -y default-libmysqlclient-dev pkg-config gcc\npip install --user mysqlclient\nEOF\nFROM python:3.11-slim-bookworm\nCOPY --from=build /root/.local /root/.local\n",
      errors: [{ line: 9, column: 19, message: "libmariadb3" }],
    },
    {
      name: "Debian slim base with a venv from uv",
      code: "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y libxml2-dev libxslt1-dev\nWORKDIR /app\nRUN uv sync --frozen --no-dev\nFROM debian:bookworm-slim\nCOPY --from=build /app/.venv /app/.venv\n",
      errors: [{ line: 6, column: 19, message: "libxml2 libxslt1.1" }],
    },
    {
      name: "wheelhouse installed in the final stage",
      code: "FROM python:3.11-slim-bookworm AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev libjpeg62-turbo-dev zlib1g-dev\nWORKDIR /src\nRUN pip wheel --no-cache-dir --wheel-dir wheels -r requirements.txt\nFROM python:3.11-slim-bookworm\nCOPY --from=builder /src/wheels /wheels\nRUN pip install --no-index --find-links=/wheels /wheels/*\n",
      errors: [{ line: 6, column: 21, message: "built against libpq-dev, libjpeg62-turbo-dev, but the final stage lacks the runtime libraries: install libpq5 libjpeg62-turbo" }],
    },
    {
      name: "pip --target directory",
      code: "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y libyaml-dev\nRUN pip install --target=/deps pyyaml\nFROM python:3.12-slim\nCOPY --from=build /deps /deps\n",
      errors: [{ line: 5, column: 19, message: "libyaml-0-2" }],
    },
  ],
});

describe("runtime-library-missing suggestion", () => {
  it("installs the runtime package right after the final FROM", () => {
    const code = `${APT_BUILDER}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n`;
    const fixed = fixText({ path: "Dockerfile", text: code, suggestions: true, checks: [runtimeLibraryMissing] });
    assert.equal(
      fixed.text,
      `${APT_BUILDER}FROM python:3.12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /opt/venv /opt/venv\n`,
    );
  });
});

describe("runtime-libs", () => {
  it("maps build packages to runtime packages per manager", () => {
    assert.equal(runtimePackageFor("libpq-dev", "apt"), "libpq5");
    assert.equal(runtimePackageFor("postgresql-dev", "apk"), "libpq");
    assert.equal(runtimePackageFor("postgresql-devel", "dnf"), "libpq");
    assert.equal(runtimePackageFor("postgresql-devel", "microdnf"), "libpq");
    assert.equal(runtimePackageFor("build-essential", "apt"), undefined);
    assert.equal(runtimePackageFor("libpq-dev", "zypper"), undefined);
  });
});
