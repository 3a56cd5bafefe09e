import updateWithoutInstall from "../../src/rules/update-without-install.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(updateWithoutInstall, {
  valid: [
    { name: "update and install together", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
    { name: "apk add --no-cache needs no update", code: "FROM alpine:3.20\nRUN apk add --no-cache curl\n" },
    { name: "apk update and add together", code: "FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n" },
    { name: "heredoc with update and install", code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "a script after the update may install", code: "FROM debian:bookworm-slim\nCOPY install-deps.sh /tmp/\nRUN apt-get update && /tmp/install-deps.sh\n" },
    { name: "upgrade uses the index", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get -y upgrade\n" },
    { name: "xargs-fed install", code: "FROM debian:bookworm-slim\nCOPY packages.txt .\nRUN apt-get update && xargs apt-get install -y < packages.txt\n" },
    { name: "dnf makecache is not in scope", code: "FROM rockylinux:9\nRUN dnf makecache\nRUN dnf install -y python3\n" },
    { name: "a stage the target never builds", code: "FROM debian:bookworm-slim AS old\nRUN apt-get update\nFROM debian:bookworm-slim\nCMD [\"true\"]\n" },
    { name: "sh -c wrapping update and install", code: "FROM debian:bookworm-slim\nRUN sh -c \"apt-get update && apt-get install -y curl\"\n" },
  ],
  invalid: [
    {
      name: "update in its own RUN, install in the next",
      code: "FROM python:3.11\nRUN apt-get update\nRUN apt-get install -y gettext postgresql-client\n",
      errors: [{ line: 2, column: 5, endColumn: 19, message: "apt-get update runs without an install in the same RUN" }],
      output: "FROM python:3.11\nRUN apt-get update && apt-get install -y gettext postgresql-client\n",
    },
    {
      name: "the update keeps its flags and environment; comments stay",
      code: "FROM debian:bookworm-slim\nRUN DEBIAN_FRONTEND=noninteractive apt-get -qq update\n# runtime libraries\nRUN apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*\n",
      errors: [{ line: 2, column: 36, endColumn: 54 }],
      output:
        "FROM debian:bookworm-slim\n# runtime libraries\nRUN DEBIAN_FRONTEND=noninteractive apt-get -qq update && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*\n",
    },
    {
      name: "apk update before apk add --no-cache: the update goes",
      code: "FROM alpine:3.20\nRUN apk update\nRUN apk add --no-cache curl\n",
      errors: [{ line: 2, column: 5, message: "apk update" }],
      output: "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
    },
    {
      name: "apk update before a plain apk add: merged",
      code: "FROM alpine:3.20\nRUN apk update\nRUN apk add curl\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM alpine:3.20\nRUN apk update && apk add curl\n",
    },
    {
      name: "a COPY between: no safe merge",
      code: "FROM debian:bookworm-slim\nRUN apt-get update\nCOPY packages.txt .\nRUN apt-get install -y curl\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "the install chain uses ';': merging would hide a failed update",
      code: "FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "escape directive with backtick continuations",
      code: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y `\n    curl\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y `\n    curl\n",
    },
    {
      name: "identical cache mounts on both RUNs: merged",
      code:
        "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n" +
        "RUN --mount=type=cache,target=/var/lib/apt apt-get install -y curl\n",
      errors: [{ line: 3, column: 44 }],
      output: "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n",
    },
    {
      name: "the update has a cache mount the install lacks: no safe merge",
      code: "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nRUN apt-get install -y curl\n",
      errors: [{ line: 3, column: 44 }],
    },
    {
      name: "only a pip install follows the update",
      code: "FROM python:3.12-slim\nRUN apt-get update && pip install --no-cache-dir flask\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "no safe merge in a file with an unclosed heredoc",
      code: "FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y curl\nRUN <<EOF\nset -e\necho done\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "update in the parent stage, install in the child",
      code: "FROM debian:bookworm-slim AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",
      errors: [{ line: 2, column: 5 }],
    },
  ],
});
