import syntaxError from "../../src/rules/syntax-error.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(syntaxError, {
  valid: [
    { name: "well-formed", code: "ARG PY=3.12\nFROM python:${PY}-slim AS base\nRUN pip install --no-cache-dir flask\nFROM base\nCMD [\"flask\", \"run\"]\n" },
    { name: "lower-case keywords", code: "from python:3.12-slim\nrun echo hi\n" },
    { name: "comments and directives", code: "# syntax=docker/dockerfile:1\n# escape=\\\n# a comment\nFROM python:3.12-slim\n" },
    { name: "onbuild and healthcheck", code: "FROM python:3.12-slim\nONBUILD COPY . /app\nHEALTHCHECK NONE\nSTOPSIGNAL SIGINT\n" },
    { name: "existing target", code: "FROM python:3.12-slim AS build\nFROM python:3.12-slim AS prod\n", target: "build" },
    { name: "heredoc", code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\necho hi\nEOF\n" },
    {
      name: "flags with their values joined by =, boolean flags bare",
      code: "FROM --platform=$BUILDPLATFORM python:3.12-slim AS build\nRUN --mount=type=cache,target=/root/.cache/pip --network=none pip --version\nFROM python:3.12-slim\nCOPY --link --from=build --chown=1000:1000 /a /a\nADD --link --checksum=sha256:abc https://example.com/x.tar.gz /x\nHEALTHCHECK --interval=30s --retries=3 CMD true\n",
    },
    {
      name: "every flag BuildKit knows, booleans with and without a value",
      code:
        "FROM python:3.12-slim AS build\nRUN --security=insecure --device=/dev/fuse true\nFROM python:3.12-slim\n" +
        "COPY --parents --link=false --exclude=*.pyc --chmod=644 src/./pkg /app/\n" +
        "ADD --keep-git-dir=true --unpack --exclude=docs --chown=app https://example.com/repo.git /src\n" +
        "HEALTHCHECK --timeout=3s --start-period=5s --start-interval=1s CMD true\n",
    },
    { name: "a double dash after the flags belongs to the command", code: "FROM python:3.12-slim\nRUN python -m pip --version --verbose\n" },
  ],
  invalid: [
    {
      name: "unknown instructions, the rest still linted",
      code: "FROM python:3.11-slim\nRUNN apt-get update\nCOPPY requirements.txt .\nRUN pip install -r requirements.txt\n",
      errors: [{ line: 2, column: 1, endColumn: 5, message: "unknown instruction \"RUNN\"", severity: "error" }, { line: 3, column: 1, message: "COPPY" }],
    },
    {
      name: "instruction before FROM",
      code: "RUN echo hi\nFROM python:3.12-slim\n",
      errors: [{ line: 1, column: 1, message: "RUN before the first FROM" }],
    },
    {
      name: "FROM without an image",
      code: "FROM\nRUN echo hi\n",
      errors: [{ line: 1, column: 1, message: "FROM without an image" }],
    },
    {
      name: "FROM with stray words",
      code: "FROM python:3.12-slim builder\n",
      errors: [{ line: 1, column: 23, message: "FROM takes an image" }],
    },
    {
      name: "missing target",
      code: "FROM python:3.12-slim AS app\n",
      target: "prod",
      errors: [{ line: 1, column: 1, message: "target stage \"prod\" not found" }],
    },
    {
      name: "a string flag given its value after a space: BuildKit takes the value for an argument and stops",
      code: "FROM python:3.12-slim AS build\nFROM python:3.12-slim\nCOPY --from build /a /a\nHEALTHCHECK --interval 30s CMD true\nRUN --mount type=cache,target=/x true\n",
      errors: [
        { line: 3, column: 6, endColumn: 12, message: "--from needs a value joined by \"=\" (--from=build)" },
        { line: 4, column: 13, endColumn: 23, message: "(--interval=30s)" },
        { line: 5, column: 5, endColumn: 12, message: "(--mount=type=cache,target=/x)" },
      ],
    },
    {
      name: "a mistyped flag: BuildKit stops on a name it does not know; the nearest known one is suggested",
      code: "FROM --plattform=linux/amd64 python:3.12-slim\nCOPY --chwon=app:app . /app\nADD --lnk a.tar /x\nRUN --mout=type=cache,target=/x --foo true\nHEALTHCHECK --intervall=5s CMD true\n",
      errors: [
        { line: 1, column: 6, endColumn: 29, message: 'FROM has no flag --plattform (did you mean --platform?): BuildKit stops with "unknown flag: plattform"' },
        { line: 2, column: 6, endColumn: 21, message: "COPY has no flag --chwon (did you mean --chown?)" },
        { line: 3, column: 5, endColumn: 10, message: "ADD has no flag --lnk (did you mean --link?)" },
        { line: 4, column: 5, endColumn: 32, message: "RUN has no flag --mout (did you mean --mount?)" },
        { line: 4, column: 33, endColumn: 38, message: 'RUN has no flag --foo: BuildKit stops with "unknown flag: foo"' },
        { line: 5, column: 13, endColumn: 27, message: "HEALTHCHECK has no flag --intervall (did you mean --interval?)" },
      ],
    },
    {
      name: "a mistyped instruction gets the nearest one suggested, a made-up one none",
      code: "FROM python:3.12-slim\nWORKDRI /app\nFROBNICATE x\n",
      errors: [
        { line: 2, column: 1, message: 'unknown instruction "WORKDRI" (did you mean WORKDIR?)' },
        { line: 3, column: 1, message: 'unknown instruction "FROBNICATE"' },
      ],
    },
    {
      name: "ONBUILD triggers BuildKit refuses, and one no build FROM the image can run",
      code: "FROM python:3.12-slim\nONBUILD ONBUILD RUN true\nONBUILD FROM python:3.12\nONBUILD\nONBUILD RUNN pip install -r requirements.txt\nONBUILD COPY . /app\n",
      errors: [
        { line: 2, column: 9, endColumn: 16, message: "ONBUILD ONBUILD: BuildKit stops" },
        { line: 3, column: 9, endColumn: 13, message: "FROM cannot be an ONBUILD trigger" },
        { line: 4, column: 1, endColumn: 8, message: "ONBUILD without an instruction" },
        { line: 5, column: 9, endColumn: 13, message: 'unknown instruction "RUNN" in ONBUILD (did you mean RUN?): every build FROM this image fails on it' },
      ],
    },
    {
      name: "no FROM at all",
      code: "ARG X=1\n",
      errors: [{ line: 1, column: 1, message: "no FROM instruction" }],
    },
  ],
});
