import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixText } from "../../src/fix/fixer.js";
import healthcheckToolMissing from "../../src/rules/healthcheck-tool-missing.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(healthcheckToolMissing, {
  valid: [
    { name: "curl installed", code: "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n" },
    { name: "full python image has curl", code: "FROM python:3.12\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost:8000/\"]\n" },
    { name: "Alpine has BusyBox wget", code: "FROM python:3.12-alpine\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8000/health || exit 1\n" },
    { name: "Python probe", code: "FROM python:3.12-slim\nHEALTHCHECK CMD [\"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\"]\n" },
    { name: "unknown base", code: "FROM corp/runtime:1\nHEALTHCHECK CMD curl -f http://localhost/\n" },
    { name: "HEALTHCHECK NONE", code: "FROM python:3.12-slim\nHEALTHCHECK NONE\n" },
    { name: "curl installed in a parent stage", code: "FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nHEALTHCHECK CMD curl -f http://localhost/\n" },
    { name: "curl binary copied in", code: "FROM python:3.12-slim AS tools\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=tools /usr/bin/curl /usr/bin/curl\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n" },
    { name: "healthcheck of a stage that is not the target", code: "FROM python:3.12-slim AS other\nHEALTHCHECK CMD curl -f http://localhost/\nFROM python:3.12\nCMD [\"python\", \"app.py\"]\n" },
    {
      name: "a health script that probes with Python",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nHEALTHCHECK CMD [\"sh\", \"healthcheck.sh\"]\n",
      files: { "healthcheck.sh": "#!/bin/sh\nexec python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\"\n" },
    },
    {
      name: "a health script whose curl the Dockerfile installs",
      code: "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCOPY healthcheck.sh /usr/local/bin/\nHEALTHCHECK CMD healthcheck.sh\n",
      files: { "healthcheck.sh": "#!/bin/sh\ncurl -fsS http://127.0.0.1:8000/health\n" },
    },
    { name: "a health script the context does not hold", code: "FROM python:3.12-slim\nHEALTHCHECK CMD [\"/app/healthcheck.sh\"]\n", files: { "other.txt": "" } },
  ],
  invalid: [
    {
      name: "curl on slim, shell form",
      code: "FROM python:3.12-slim\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1\n",
      errors: [{ line: 2, column: 32, endColumn: 36, message: "does not ship and this Dockerfile never installs" }],
    },
    {
      name: "wget on slim, exec form",
      code: "FROM python:3.12-slim-bookworm\nHEALTHCHECK CMD [\"wget\", \"-q\", \"--spider\", \"http://127.0.0.1:8080/\"]\n",
      errors: [{ line: 2, column: 18 }],
    },
    {
      name: "curl in distroless",
      code: "FROM gcr.io/distroless/python3-debian12:nonroot\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
      errors: [{ line: 2, column: 18 }],
    },
    {
      name: "inherited HEALTHCHECK, curl installed only in a builder",
      code: "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y curl\nFROM python:3.12-slim AS base\nHEALTHCHECK CMD curl -fsS localhost:8000/ping\nFROM base\nCMD [\"python\", \"app.py\"]\n",
      errors: [{ line: 4, column: 17 }],
    },
    {
      name: "a health script from the context that runs curl, found through PATH",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY healthcheck.sh /usr/local/bin/\nHEALTHCHECK --interval=10s CMD healthcheck.sh || exit 1\n",
      files: { "healthcheck.sh": "#!/bin/sh\nset -e\ncurl -fsS http://127.0.0.1:8000/health > /dev/null\n" },
      errors: [{ line: 4, column: 32, endColumn: 46, message: "HEALTHCHECK runs healthcheck.sh line 3 (curl -fsS http://127.0.0.1:8000/health): curl is not in the image (python:3.12-slim does not ship it" }],
    },
    {
      name: "a health script written by a heredoc that runs wget",
      code: "FROM python:3.12-slim\nCOPY --chmod=755 <<EOF /health.sh\n#!/bin/sh\nwget -q --spider http://127.0.0.1:8000/\nEOF\nHEALTHCHECK CMD [\"/health.sh\"]\n",
      errors: [{ line: 6, column: 18, message: "HEALTHCHECK runs health.sh line 2 (wget -q --spider http://127.0.0.1:8000/): wget is not in the image" }],
    },
    {
      name: "Alpine without curl",
      code: "FROM python:3.12-alpine\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
      errors: [{ line: 2, column: 17 }],
    },
  ],
});

describe("healthcheck-tool-missing suggestion", () => {
  const cases: Array<[string, string, string]> = [
    ["shell form with || exit 1", "FROM python:3.12-slim\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1\n",
      "FROM python:3.12-slim\nHEALTHCHECK --interval=30s CMD [\"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=5)\"]\n"],
    ["exec form, URL without a scheme", "FROM python:3.12-slim\nHEALTHCHECK CMD [ \"curl\", \"-fsS\", \"localhost:8000/ping\" ]\n",
      "FROM python:3.12-slim\nHEALTHCHECK CMD [\"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://localhost:8000/ping', timeout=5)\"]\n"],
    ["no edit when the URL holds a variable", "FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost:$PORT/\n",
      "FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost:$PORT/\n"],
    ["no edit without Python in the image", "FROM debian:bookworm-slim\nHEALTHCHECK CMD curl -f http://localhost/\n",
      "FROM debian:bookworm-slim\nHEALTHCHECK CMD curl -f http://localhost/\n"],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => assert.equal(fixText({ path: "Dockerfile", text: code, suggestions: true, checks: [healthcheckToolMissing] }).text, expected));
  }
});
