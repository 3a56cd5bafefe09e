import assert from "node:assert/strict";
import { test } from "node:test";
import secretsInBuild, { secretName } from "../../src/rules/secrets-in-build.js";
import { ruleTester } from "../helpers/rule-tester.js";

test("secret-looking names and the references that are not secrets", () => {
  for (const n of ["GITHUB_TOKEN", "HF_TOKEN", "PGPASSWORD", "DB_PASS", "MYSQL_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY", "API_KEY", "STRIPE_APIKEY", "SSH_PRIVATE_KEY", "DJANGO_SECRET_KEY", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "NPM_AUTH", "OAUTH_CLIENT_SECRET", "authToken"]) {
    assert.ok(secretName(n), n);
  }
  for (const n of ["TOKEN_URL", "SECRET_KEY_FILE", "DB_PASSWORD_FILE", "TOKENIZERS_PARALLELISM", "AWS_ACCESS_KEY_ID", "GPG_KEY", "PWD", "SECRETS_DIR", "NEXT_PUBLIC_API_KEY", "PASSWORD_MIN_LENGTH", "AUTH_TYPE", "PIP_INDEX_URL", "KEYCLOAK_REALM", "BYPASS_CACHE"]) {
    assert.ok(!secretName(n), n);
  }
});

ruleTester(secretsInBuild, {
  valid: [
    {
      name: "a secret mount for the index credentials",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN --mount=type=secret,id=pip_index,env=PIP_INDEX_URL pip install --no-cache-dir -r requirements.txt\n",
    },
    { name: "references to secrets are not secrets", code: "FROM python:3.12-slim\nENV SECRET_KEY_FILE=/run/secrets/django_key \\\n    OAUTH_TOKEN_URL=https://auth.example.com/token \\\n    DB_PASSWORD_FILE=/run/secrets/db\n" },
    { name: "a URL whose password comes from the environment", code: "FROM python:3.12-slim\nRUN --mount=type=secret,id=pw,env=PW pip install --extra-index-url \"https://ci:${PW}@pypi.example.com/simple\" private-lib\n" },
    { name: "an empty ENV value clears a variable", code: "FROM python:3.12-slim\nENV API_TOKEN=\n" },
    { name: "templates of .env files", code: "FROM python:3.12-slim\nCOPY .env.example /app/.env.example\nCOPY id_rsa.pub /root/.ssh/authorized_keys\n" },
    { name: "a CA bundle is not a private key", code: "FROM python:3.12-slim\nCOPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.crt\n", files: { "corp-ca.pem": "-----BEGIN CERTIFICATE-----\n" } },
    { name: "PYTHONHTTPSVERIFY=1 keeps verification", code: "FROM python:3.12-slim\nENV PYTHONHTTPSVERIFY=1\n" },
    { name: "a stage the target never builds", code: "FROM python:3.12-slim AS old\nARG GITHUB_TOKEN\nFROM python:3.12-slim\nCMD [\"python\"]\n" },
    { name: "an index URL without credentials", code: "FROM python:3.12-slim\nENV PIP_INDEX_URL=https://pypi.example.com/simple\nRUN pip install --index-url https://pypi.example.com/simple flask\n" },
    { name: "numbers and switches are settings", code: "FROM python:3.12-slim\nENV ACCESS_TOKEN_EXPIRE_SECONDS=3600 CSRF_TOKEN_CHECK=false API_TOKEN_RETRIES=3\n" },
    { name: "tokenizers settings are not tokens", code: "FROM python:3.12-slim\nENV TOKENIZERS_PARALLELISM=false HF_HUB_DISABLE_TELEMETRY=1\n" },
  ],
  invalid: [
    {
      name: "build args named like secrets",
      code: "FROM python:3.12-slim\nARG PYPI_TOKEN\nARG AWS_SECRET_ACCESS_KEY=abc123\n",
      errors: [
        { line: 2, column: 5, endColumn: 15, severity: "warning", message: "ARG PYPI_TOKEN looks like a secret" },
        { line: 3, column: 5, endColumn: 26, severity: "warning", message: "this default sits in the Dockerfile itself" },
      ],
    },
    {
      name: "a global ARG counts too",
      code: "ARG GITHUB_TOKEN\nFROM python:3.12-slim\n",
      errors: [{ line: 1, column: 5 }],
    },
    {
      name: "ENV with a password, and verification turned off on the next line",
      code: "FROM python:3.12-slim\nENV DATABASE_PASSWORD=hunter2 \\\n    PYTHONHTTPSVERIFY=0\n",
      errors: [
        { line: 2, column: 5, endColumn: 22, message: "ENV DATABASE_PASSWORD puts a secret into the image configuration" },
        { line: 3, column: 5, endColumn: 24, message: "PYTHONHTTPSVERIFY=0" },
      ],
    },
    {
      name: "Django's placeholder SECRET_KEY is still a finding, and said to be one",
      code: "FROM python:3.12-slim\nENV DJANGO_SECRET_KEY=dummy-for-collectstatic\nRUN python manage.py collectstatic --noinput\n",
      errors: [{ line: 2, column: 5, message: "build-time placeholder (e.g. for collectstatic)" }],
    },
    {
      name: "credentials inside an index URL passed to pip, with --trusted-host",
      code: "FROM python:3.12-slim\nRUN pip install --no-cache-dir \\\n      --trusted-host pypi.internal \\\n      --extra-index-url https://ci:s3cr3t@pypi.internal/simple \\\n      -r requirements.txt\n",
      errors: [
        { line: 3, column: 7, endColumn: 21, severity: "warning", message: "--trusted-host" },
        { line: 4, column: 33, endColumn: 43, severity: "error", message: "credentials inside a URL (ci:***@)" },
      ],
    },
    {
      name: "ENV PIP_INDEX_URL with credentials",
      code: "FROM python:3.12-slim\nENV PIP_INDEX_URL=https://deploy:t0ps3cret@nexus.example.com/repository/pypi/simple\n",
      errors: [{ line: 2, column: 27, endColumn: 44, severity: "error" }],
    },
    {
      name: "pip config set: credentials and a trusted host",
      code: "FROM python:3.12-slim\nRUN pip config set global.index-url https://u:p4ss@pypi.example.com/simple \\\n && pip config set global.trusted-host pypi.example.com\n",
      errors: [
        { line: 2, column: 45, severity: "error" },
        { line: 3, column: 20, endColumn: 39, severity: "warning", message: "disables certificate checks for pypi.example.com" },
      ],
    },
    {
      name: "poetry http-basic with a literal password, and with a variable",
      code: "FROM python:3.12-slim\nRUN poetry config http-basic.private ci s3cret\nARG REPO_PW_VALUE\nRUN poetry config http-basic.private ci \"$REPO_PW_VALUE\"\n",
      errors: [
        { line: 2, column: 19, severity: "error", message: "this literal credential" },
        { line: 4, column: 19, severity: "warning", message: "auth.toml" },
      ],
    },
    {
      name: "a token in a git URL",
      code: "FROM python:3.12-slim\nRUN pip install git+https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/org/private.git\n",
      errors: [{ line: 2, column: 29, severity: "error", message: "access token inside a URL" }],
    },
    {
      name: "copied secret files",
      code: "FROM python:3.12-slim\nCOPY .env /app/.env\nCOPY id_rsa /root/.ssh/id_rsa\nADD .pypirc /root/\nCOPY tls/server.pem /etc/tls/\n",
      files: { "tls/server.pem": "-----BEGIN PRIVATE KEY-----\n" },
      errors: [
        { line: 2, column: 6, endColumn: 10, message: "COPY .env puts a secret file into a layer" },
        { line: 3, column: 6 },
        { line: 4, column: 5 },
        { line: 5, column: 6, message: "private key" },
      ],
    },
    {
      name: "a pip.conf with credentials",
      code: "FROM python:3.12-slim\nCOPY pip.conf /etc/pip.conf\n",
      files: { "pip.conf": "[global]\nindex-url = https://u:p@pypi.example.com/simple\n" },
      errors: [{ line: 2, column: 6, severity: "error" }],
    },
    {
      name: "git and pip told to skip verification",
      code: "FROM python:3.12-slim\nENV GIT_SSL_NO_VERIFY=true PIP_TRUSTED_HOST=pypi.example.com\nRUN git config --global http.sslVerify false\n",
      errors: [
        { line: 2, column: 5, message: "GIT_SSL_NO_VERIFY" },
        { line: 2, column: 28, message: "PIP_TRUSTED_HOST" },
        { line: 3, column: 25, message: "http.sslVerify=false" },
      ],
    },
    {
      name: "a builder stage that does not ship still records the build arg",
      code: "FROM python:3.12-slim AS build\nARG PIP_EXTRA_INDEX_TOKEN\nRUN pip wheel -w /wheels private-lib\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n",
      errors: [{ line: 2, column: 5 }],
    },
    {
      name: "a heredoc RUN",
      code: "FROM python:3.12-slim\nRUN <<EOF\npip install --index-url https://u:pw@pypi.example.com/simple flask\nEOF\n",
      errors: [{ line: 3, column: 33, endColumn: 38, severity: "error" }],
    },
    {
      name: "escape directive: a credential URL across a backtick continuation",
      code: "# escape=`\nFROM python:3.12-slim\nRUN pip install `\n    --index-url https://bot:hunter2@pypi.example.com/simple flask\n",
      errors: [{ line: 4, column: 25, endColumn: 37, severity: "error" }],
    },
  ],
});
