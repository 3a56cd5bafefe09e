import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import cleanupLaterLayer from "../../src/rules/cleanup-later-layer.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(cleanupLaterLayer, {
  valid: [
    { name: "cleanup in the same RUN", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n" },
    { name: "a base-image file", code: "FROM debian:bookworm-slim\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n" },
    {
      name: "each RUN cleans its own lists",
      code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n",
    },
    { name: "builder stage", code: "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc\nRUN rm -rf /var/lib/apt/lists/*\nFROM debian:bookworm-slim\nCOPY --from=build /out /out\n" },
    {
      name: "the context holds no tests directory",
      code: "FROM python:3.11-slim\nCOPY . /app\nRUN rm -rf /app/tests\n",
      files: { "app.py": "", "requirements.txt": "" },
    },
    {
      name: ".dockerignore already keeps tests out",
      code: "FROM python:3.11-slim\nCOPY . /app\nRUN rm -rf /app/tests\n",
      files: { ".dockerignore": "tests\n", "tests/test_a.py": "", "app.py": "" },
    },
    { name: "pip cache on a cache mount", code: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nRUN rm -rf /root/.cache/pip\n" },
    { name: "pip cache off", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\nRUN pip cache purge\n" },
    { name: "nothing earlier wrote to /tmp", code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\nRUN rm -rf /tmp/*\n" },
    { name: "a package of the base image", code: "FROM debian:bookworm-slim\nRUN apt-get purge -y --auto-remove perl-modules-5.36\n" },
    { name: "wheels mounted, not copied", code: "FROM python:3.12 AS build\nRUN pip wheel --wheel-dir /wheels flask\nFROM python:3.12-slim\nRUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install --no-cache-dir /wheels/*\n" },
    { name: "an empty directory", code: "FROM python:3.11-slim\nRUN mkdir -p /data\nRUN rm -rf /data\n" },
    { name: "a package installed and removed in one RUN", code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc && pip install --no-cache-dir x && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\nRUN apt-get purge -y gcc\n" },
  ],
  invalid: [
    {
      name: "apt lists removed a RUN later",
      code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
      errors: [{ line: 3, column: 5, endColumn: 32, message: "the apt lists, which the RUN at line 2 created" }],
    },
    {
      name: "toolchain purged later",
      code: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir psutil\nRUN apt-get purge -y --auto-remove gcc\n",
      errors: [{ line: 4, message: "removes gcc" }],
    },
    {
      name: "apk virtual package deleted later",
      code: "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev\nRUN pip install --no-cache-dir psutil\nRUN apk del .build-deps\n",
      errors: [{ line: 4, column: 5, endColumn: 24 }],
    },
    {
      name: "pip uninstall of what an earlier RUN installed",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir Cython==3.0.0 numpy\nRUN pip uninstall -y cython\n",
      errors: [{ line: 3, message: "line 2" }],
    },
    {
      name: "pip and setuptools of a venv",
      code: "FROM python:3.11-slim\nRUN python -m venv /opt/venv\nRUN /opt/venv/bin/pip uninstall -y pip setuptools\n",
      errors: [{ line: 3, message: "pip, setuptools" }],
    },
    {
      name: "tests brought by the COPY",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN rm -rf tests docs\n",
      files: { "tests/test_a.py": "", "app.py": "" },
      errors: [{ line: 4, message: "/app/tests, which the COPY at line 3" }],
    },
    {
      name: "unknown context: a COPY destination that covers the path",
      code: "FROM python:3.11-slim\nCOPY src/ /app/\nRUN rm -rf /app/tests\n",
      errors: [{ line: 3, message: "COPY at line 2" }],
    },
    {
      name: "a download removed later",
      code: "FROM python:3.11-slim\nRUN curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /usr/local/bin\nRUN rm /tmp/tool.tgz\n",
      errors: [{ line: 3, message: "/tmp/tool.tgz" }],
    },
    {
      name: "the COPY that brought a file, not the RUN that read it",
      code: "FROM python:3.11-slim\nCOPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\nRUN rm /tmp/requirements.txt\n",
      errors: [{ line: 4, message: "the COPY at line 2" }],
    },
    {
      name: "wheels copied from a builder, installed and removed in the next layer",
      code: "FROM python:3.12 AS build\nRUN pip wheel --wheel-dir /wheels flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir /wheels/* && rm -rf /wheels\n",
      errors: [{ line: 5, column: 45, message: "the COPY at line 4" }],
    },
    {
      name: "pip --target wrote the directory a later RUN trims",
      code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir --target /opt/deps flask\nRUN rm -rf /opt/deps/bin\n",
      errors: [{ line: 3, message: "the RUN at line 2" }],
    },
    {
      name: "yum clean all in a later RUN",
      code: "FROM rockylinux:9\nRUN yum install -y python3\nRUN yum clean all\n",
      errors: [{ line: 3, message: "yum/dnf cache" }],
    },
    {
      name: "pip cache of a non-root user removed later",
      code: "FROM python:3.11-slim\nUSER app\nRUN pip install --user flask\nRUN rm -rf ~/.cache/pip\n",
      errors: [{ line: 4, message: "the pip cache" }],
    },
    {
      name: "bytecode removed after the install",
      code: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\nRUN find /usr/local/lib/python3.11 -name '*.pyc' -delete\n",
      errors: [{ line: 3, message: "bytecode" }],
    },
    {
      name: "conda clean in a later RUN",
      code: "FROM continuumio/miniconda3\nRUN conda install -y numpy\nRUN conda clean -afy\n",
      errors: [{ line: 3, message: "conda cache" }],
    },
    {
      name: "heredoc removal, shipped parent stage",
      code: "FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN <<EOF\nrm -rf /var/lib/apt/lists/*\nEOF\n",
      errors: [{ line: 5, column: 1, message: "line 2" }],
    },
  ],
});

describe("cleanup-later-layer suggestions", () => {
  const apply = (text: string) => fixText({ path: "Dockerfile", text, files: {}, suggestions: true, checks: [cleanupLaterLayer] }).text;
  it("moves the command into the creating RUN when nothing in between uses the files", () => {
    assert.equal(
      apply("FROM debian:bookworm-slim\nRUN apt-get update \\\n    && apt-get install -y curl\nENV A=1\nRUN rm -rf /var/lib/apt/lists/*\n"),
      "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nENV A=1\n",
    );
  });
  it("leaves the file alone when a step in between may need the files, or the RUN does more", () => {
    for (const text of [
      "FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
      "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/* && echo done\n",
      "FROM python:3.11-slim\nCOPY . /app\nRUN rm -rf /app/tests\n",
    ]) assert.equal(apply(text), text);
  });
});
