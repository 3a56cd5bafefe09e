import remoteAdd from "../../src/rules/remote-add.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(remoteAdd, {
  valid: [
    { name: "a downloaded binary used as it is", code: "FROM python:3.11-slim\nADD --chmod=755 https://example.com/tini /tini\nENTRYPOINT [\"/tini\", \"--\"]\n" },
    { name: "download, extract and delete in one RUN", code: "FROM python:3.11-slim\nRUN curl -fsSL https://example.com/x.tgz -o /tmp/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz\n" },
    { name: "local tar archives are unpacked by ADD itself", code: "FROM python:3.11-slim\nADD vendor.tar.gz /opt/vendor/\nRUN ls /opt/vendor\n" },
    { name: "builder stage", code: "FROM python:3.11 AS build\nADD https://example.com/x.tgz /tmp/\nRUN tar -xzf /tmp/x.tgz -C /opt\nFROM python:3.11-slim\nCOPY --from=build /opt /opt\n" },
    { name: "git sources", code: "FROM python:3.11-slim\nADD https://github.com/org/repo.git /src\nRUN rm -rf /src/.git\n" },
    { name: "another file is extracted", code: "FROM python:3.11-slim\nADD https://example.com/a.tgz /tmp/\nRUN tar -xzf /tmp/b.tgz -C /opt\n" },
    { name: "COPY is not ADD", code: "FROM python:3.11-slim\nCOPY dist/app.whl /tmp/\nRUN pip install --no-cache-dir /tmp/app.whl\n" },
  ],
  invalid: [
    {
      name: "remote archive extracted later",
      code: "FROM python:3.11-slim\nADD https://example.com/tool-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt && rm /tmp/tool-1.2.tar.gz\n",
      errors: [{ line: 2, column: 5, endColumn: 40, message: "the RUN at line 3 extracts /tmp/tool-1.2.tar.gz" }],
    },
    {
      name: "remote file removed later, relative to WORKDIR",
      code: "FROM python:3.11-slim\nWORKDIR /build\nADD https://example.com/get-pip.py get-pip.py\nRUN python get-pip.py\nRUN rm get-pip.py\n",
      errors: [{ line: 3, message: "removes /build/get-pip.py" }],
    },
    {
      name: "a wheel added and installed",
      code: "FROM python:3.11-slim\nADD dist/app-1.0-py3-none-any.whl /tmp/\nRUN pip install --no-cache-dir /tmp/app-1.0-py3-none-any.whl\n",
      errors: [{ line: 2, message: "bind-mount" }],
    },
    {
      name: "a zip unpacked in a heredoc",
      code: "FROM python:3.11-slim\nADD https://example.com/data.zip /data.zip\nRUN <<EOF\nunzip /data.zip -d /data\nEOF\n",
      errors: [{ line: 2, message: "extracts /data.zip" }],
    },
    {
      name: "chmod of a downloaded binary",
      code: "FROM python:3.11-slim\nADD https://example.com/tini /usr/local/bin/tini\nRUN chmod +x /usr/local/bin/tini\n",
      errors: [{ line: 2, message: "--chmod" }],
    },
    {
      name: "shipped parent stage, extraction in the child",
      code: "FROM python:3.11-slim AS base\nADD https://example.com/x.tar.xz /opt/\nFROM base\nRUN tar -xJf /opt/x.tar.xz -C /opt\n",
      errors: [{ line: 2 }],
    },
  ],
});
