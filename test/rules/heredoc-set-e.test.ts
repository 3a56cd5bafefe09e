import heredocSetE from "../../src/rules/heredoc-set-e.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(heredocSetE, {
  valid: [
    { name: "set -e", code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "set -eux after a comment", code: "FROM debian:bookworm-slim\nRUN <<EOF\n# install\nset -eux\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "set -o errexit", code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -o errexit\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "shebang with -e", code: "FROM debian:bookworm-slim\nRUN <<EOF\n#!/bin/bash -ex\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "chained with &&", code: "FROM debian:bookworm-slim\nRUN <<EOF\napt-get update &&\n  apt-get install -y curl\nEOF\n" },
    { name: "one command", code: "FROM debian:bookworm-slim\nRUN <<EOF\napt-get update\nEOF\n" },
    { name: "SHELL with -e", code: "FROM debian:bookworm-slim\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "python heredoc", code: "FROM python:3.12-slim\nRUN python3 <<EOF\nimport os\nprint(os.getcwd())\nEOF\n" },
    { name: "python shebang", code: "FROM python:3.12-slim\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nprint(1)\nEOF\n" },
    { name: "bash -e reading the heredoc", code: "FROM debian:bookworm-slim\nRUN bash -e <<EOF\napt-get update\napt-get install -y curl\nEOF\n" },
    { name: "heredoc written to a file", code: "FROM debian:bookworm-slim\nRUN cat <<EOF > /etc/app.conf\na=1\nb=2\nEOF\n" },
    { name: "COPY heredoc", code: "FROM debian:bookworm-slim\nCOPY <<EOF /app/run.sh\necho a\necho b\nEOF\n" },
  ],
  invalid: [
    {
      name: "two commands",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
      errors: [{ line: 2, column: 5, endColumn: 10, message: "2 commands without set -e" }],
      output: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
    },
    {
      name: "after a shell shebang",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\n#!/bin/bash\napt-get update\napt-get install -y curl\nEOF\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM debian:bookworm-slim\nRUN <<EOF\n#!/bin/bash\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
    },
    {
      name: "with a mount flag, quoted marker, <<- form",
      code: "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip <<-'SCRIPT'\n\tpip install -r requirements.txt\n\tpython -m compileall /app\nSCRIPT\n",
      errors: [{ line: 2, column: 48, message: "2 commands" }],
      output: "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip <<-'SCRIPT'\nset -e\n\tpip install -r requirements.txt\n\tpython -m compileall /app\nSCRIPT\n",
    },
    {
      name: "set -x is not errexit",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -x\napt-get update\nEOF\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\nset -x\napt-get update\nEOF\n",
    },
    {
      name: "sh reading the heredoc, in a builder stage",
      code: "FROM debian:bookworm-slim AS build\nRUN sh <<EOF\nmake\nmake install\nEOF\nFROM debian:bookworm-slim\n",
      errors: [{ line: 2, column: 8 }],
      output: "FROM debian:bookworm-slim AS build\nRUN sh <<EOF\nset -e\nmake\nmake install\nEOF\nFROM debian:bookworm-slim\n",
    },
    {
      name: "a SHELL without -e does not help",
      code: "FROM debian:bookworm-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN <<EOF\ncurl -fsSL https://example.com/x | tar -xz\nmv x /opt/x\nEOF\n",
      errors: [{ line: 3, column: 5 }],
      output: "FROM debian:bookworm-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN <<EOF\nset -e\ncurl -fsSL https://example.com/x | tar -xz\nmv x /opt/x\nEOF\n",
    },
  ],
});
