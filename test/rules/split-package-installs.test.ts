import splitPackageInstalls from "../../src/rules/split-package-installs.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(splitPackageInstalls, {
  valid: [
    { name: "one install", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl libpq5 && rm -rf /var/lib/apt/lists/*\n" },
    {
      name: "repository bootstrap, repository, then the install",
      code:
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl gnupg ca-certificates\n" +
        "RUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource.gpg.key | gpg --dearmor -o /usr/share/keyrings/nodesource.gpg \\\n" +
        "    && echo 'deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main' > /etc/apt/sources.list.d/nodesource.list\n" +
        "RUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*\n",
    },
    {
      name: "bootstrap and repository in one RUN",
      code:
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y software-properties-common && add-apt-repository ppa:deadsnakes/ppa\n" +
        "RUN apt-get update && apt-get install -y python3.12\n",
    },
    {
      name: "one install per stage",
      code: "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y libpq5\n",
    },
    {
      name: "builder stage with split installs never ships",
      code: "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get update && apt-get install -y make\nFROM debian:bookworm-slim\nCOPY --from=build /out /out\n",
    },
    { name: "pip installs are not system installs", code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq5\nRUN pip install --no-cache-dir flask\nRUN pip install --no-cache-dir gunicorn\n" },
    {
      name: "parent and child stage each install once",
      code: "FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y libpq5\nFROM base\nRUN apt-get update && apt-get install -y curl\n",
    },
    { name: "update and cleanup RUNs are not installs", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN apt-get purge -y curl && apt-get autoremove -y\n" },
  ],
  invalid: [
    {
      name: "two adjacent RUNs merged",
      code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
      errors: [{ line: 3, column: 23, endColumn: 38, message: "line 2" }],
      output: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl \\\n    && apt-get update && apt-get install -y git\n",
    },
    {
      name: "multi-line bodies",
      code:
        "FROM python:3.11-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\n" +
        "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
      errors: [{ line: 7, column: 8 }],
      output:
        "FROM python:3.11-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf /var/lib/apt/lists/* \\\n" +
        "    && apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
    },
    {
      name: "three adjacent RUNs become one",
      code: "FROM alpine:3.19\nRUN apk add --no-cache curl\nRUN apk add --no-cache git\nRUN apk add --no-cache bash\n",
      errors: [{ line: 3, column: 5 }, { line: 4, column: 5 }],
      output: "FROM alpine:3.19\nRUN apk add --no-cache curl \\\n    && apk add --no-cache git \\\n    && apk add --no-cache bash\n",
    },
    {
      name: "same cache mounts: still mergeable",
      code: "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\nRUN --mount=type=cache,target=/var/lib/apt apt-get install -y git\n",
      errors: [{ line: 3 }],
      output: "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl \\\n    && apt-get install -y git\n",
    },
    {
      name: "different RUN flags: no automatic merge",
      code: "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
      errors: [{ line: 3 }],
    },
    {
      name: "not adjacent: suggestion only",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq-dev gcc\nRUN pip install --no-cache-dir psycopg2\nRUN apt-get update && apt-get install -y curl\n",
      errors: [{ line: 4, message: "line 2" }],
    },
    {
      name: "a ; chain is not merged",
      code: "FROM debian:bookworm-slim\nRUN apt-get update; apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
      errors: [{ line: 3 }],
    },
    {
      name: "heredoc RUNs",
      code: "FROM fedora:40\nRUN <<EOF\ndnf install -y python3\nEOF\nRUN dnf install -y git && dnf clean all\n",
      errors: [{ line: 5, column: 5, endColumn: 16 }],
    },
    {
      name: "bootstrap packages without a repository count as an install",
      code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y libpq5\n",
      errors: [{ line: 3 }],
      output: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl \\\n    && apt-get update && apt-get install -y libpq5\n",
    },
    {
      name: "backtick escape",
      code: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install -y curl\nRUN apt-get install -y git\n",
      errors: [{ line: 4 }],
      output: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install -y curl `\n    && apt-get install -y git\n",
    },
  ],
});
