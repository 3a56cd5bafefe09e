import interpreterMismatch from "../../src/rules/interpreter-mismatch.js";
import { ruleTester } from "../helpers/rule-tester.js";

const venvBuilder = (image: string) => `FROM ${image} AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask\n`;

ruleTester(interpreterMismatch, {
  valid: [
    { name: "same image family and version", code: `${venvBuilder("python:3.12-bookworm")}FROM python:3.12-slim-bookworm\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "unknown runtime base", code: `${venvBuilder("python:3.12-slim")}FROM registry.example.com/runtime:1\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "unknown builder base", code: `${venvBuilder("corp/python-builder:3.11")}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "version not named in the tag", code: `${venvBuilder("python:3-slim")}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "only wheels are copied", code: "FROM python:3.11 AS build\nRUN pip wheel -w /wheels -r requirements.txt\nFROM python:3.12-alpine\nCOPY --from=build /wheels /wheels\n" },
    { name: "distroless with the matching -debian12 builder", code: "FROM debian:12-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends python3-venv python3 && python3 -m venv /venv\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /venv /venv\n" },
    { name: "a stage that does not ship", code: `${venvBuilder("python:3.11-slim")}FROM python:3.12-slim AS other\nCOPY --from=build /opt/venv /opt/venv\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n` },
    { name: "both stages on the build platform", code: "FROM --platform=$BUILDPLATFORM python:3.12-slim AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask\nFROM --platform=$BUILDPLATFORM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n" },
    { name: "wheels fetched for the target platform on purpose", code: "FROM --platform=$BUILDPLATFORM python:3.12-slim AS build\nARG TARGETPLATFORM\nRUN pip install --no-cache-dir --target /deps --platform manylinux2014_aarch64 --only-binary=:all: flask\nFROM python:3.12-slim\nCOPY --from=build /deps /usr/local/lib/python3.12/site-packages\n" },
    { name: "a literal platform against the target: depends on the build", code: "FROM --platform=linux/amd64 python:3.12-slim AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask\nFROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n" },
  ],
  invalid: [
    {
      name: "venv built on $BUILDPLATFORM, run on the target platform",
      code: "FROM --platform=${BUILDPLATFORM} python:3.12-slim AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir psycopg2-binary\nFROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n",
      errors: [{ line: 4, column: 19, endColumn: 28, severity: "warning", message: "stage build: built on the build machine's platform" }],
    },
    {
      name: "two fixed platforms that differ",
      code: "FROM --platform=linux/amd64 python:3.12-slim AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir numpy\nFROM --platform=linux/arm64 python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n",
      errors: [{ line: 4, column: 19, message: "built for linux/amd64, run on linux/arm64" }],
    },
    {
      name: "3.11 builder into 3.12 runtime",
      code: `${venvBuilder("python:3.11-slim")}FROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n`,
      errors: [{ line: 4, column: 19, endColumn: 28, message: "built with Python 3.11, run with 3.12" }],
    },
    {
      name: "glibc builder into Alpine",
      code: "FROM python:3.12 AS build\nRUN pip install --prefix=/install -r requirements.txt\nFROM python:3.12-alpine\nCOPY --from=build /install /usr/local\n",
      errors: [{ line: 4, column: 19, message: "built against glibc, run on musl" }],
    },
    {
      name: "slim venv into distroless",
      code: `${venvBuilder("python:3.11-slim")}FROM gcr.io/distroless/python3-debian12\nCOPY --from=build /opt/venv /opt/venv\n`,
      errors: [{ line: 4, column: 19, message: "the venv's python points to /usr/local/bin" }],
    },
    {
      name: "user site from 3.10 into 3.12, through a parent stage",
      code: "FROM python:3.10-slim AS build\nRUN pip install --user flask\nFROM python:3.12-slim AS base\nFROM base\nCOPY --from=build /root/.local /root/.local\n",
      errors: [{ line: 5, column: 19, message: "3.10" }],
    },
    {
      name: "site-packages of one minor version into another",
      code: "FROM python:3.11-slim AS build\nRUN pip install flask\nFROM python:3.12-slim\nCOPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n",
      errors: [{ line: 4, column: 19 }],
    },
    {
      name: "uv venv into Alpine's distro Python",
      code: "FROM python:3.12-slim AS build\nWORKDIR /app\nRUN uv sync --frozen\nFROM alpine:3.20\nRUN apk add --no-cache python3\nCOPY --from=build /app/.venv /app/.venv\n",
      errors: [{ line: 6, column: 19, message: "built against glibc, run on musl" }],
    },
  ],
});
