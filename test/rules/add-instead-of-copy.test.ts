import addInsteadOfCopy from "../../src/rules/add-instead-of-copy.js";
import { ruleTester } from "../helpers/rule-tester.js";

const TAR = "app/".padEnd(257, "\0") + "ustar\u000000" + "\0".repeat(100);

ruleTester(addInsteadOfCopy, {
  valid: [
    { name: "COPY", code: "FROM python:3.11-slim\nCOPY . /app\n" },
    { name: "a URL", code: "FROM python:3.11-slim\nADD https://example.com/tini /tini\n" },
    { name: "a git repository", code: "FROM python:3.11-slim\nADD git@github.com:org/repo.git /src\n" },
    { name: "a local tar archive, unpacked on purpose", code: "FROM python:3.11-slim\nADD rootfs.tar.xz /\n" },
    { name: "--checksum", code: "FROM python:3.11-slim\nADD --checksum=sha256:abc https://example.com/x /x\n" },
    { name: "a glob over an unknown context may match archives", code: "FROM python:3.11-slim\nADD *.tgz /opt/\n" },
    { name: "a glob that matches an archive in the context", code: "FROM python:3.11-slim\nADD vendor* /opt/\n", files: { "vendor.tar": "", "app.py": "" } },
    { name: "an extensionless archive, known by content", code: "FROM python:3.11-slim\nADD rootfs /\n", files: { rootfs: TAR } },
    { name: "lowercase keyword with a URL", code: "FROM python:3.11-slim\nadd https://example.com/x.tgz /tmp/\n" },
  ],
  invalid: [
    {
      name: "the whole context",
      code: "FROM python:3.11-slim\nADD . /app\n",
      errors: [{ line: 2, column: 1, endColumn: 4 }],
      output: "FROM python:3.11-slim\nCOPY . /app\n",
    },
    {
      name: "a file with flags",
      code: "FROM python:3.11-slim\nADD --chown=app:app requirements.txt /app/\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nCOPY --chown=app:app requirements.txt /app/\n",
    },
    {
      name: "exec form, builder stage too",
      code: "FROM python:3.11 AS build\nADD [\"src/\", \"/src/\"]\nFROM python:3.11-slim\n",
      errors: [{ line: 2 }],
      output: "FROM python:3.11 AS build\nCOPY [\"src/\", \"/src/\"]\nFROM python:3.11-slim\n",
    },
    {
      name: "a glob the known context resolves to plain files",
      code: "FROM python:3.11-slim\nADD *.py /app/\n",
      files: { "app.py": "print(1)\n", "wsgi.py": "" },
      errors: [{ line: 2 }],
      output: "FROM python:3.11-slim\nCOPY *.py /app/\n",
    },
    {
      name: "heredoc",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nADD <<EOF /etc/app.ini\n[app]\nEOF\n",
      errors: [{ line: 3 }],
      output: "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nCOPY <<EOF /etc/app.ini\n[app]\nEOF\n",
    },
    {
      name: "lowercase keyword",
      code: "FROM python:3.11-slim\nadd app.py /app/\n",
      errors: [{ line: 2, column: 1 }],
      output: "FROM python:3.11-slim\nCOPY app.py /app/\n",
    },
  ],
});
