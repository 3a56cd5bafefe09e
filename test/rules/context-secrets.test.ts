import contextSecrets from "../../src/rules/context-secrets.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(contextSecrets, {
  valid: [
    {
      name: "secrets present and excluded",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      files: { ".dockerignore": ".git\n.env\n**/*.pem\n", ".env": "TOKEN=x\n", "certs/server.pem": "", "server.pem": "", ".git/HEAD": "" },
    },
    { name: "only a template", code: "FROM python:3.11-slim\nCOPY . .\n", files: { ".env.example": "TOKEN=\n", "app.py": "" } },
    { name: "no secrets in the context", code: "FROM python:3.11-slim\nCOPY . .\n", files: { "app.py": "", "requirements.txt": "" } },
    { name: "named sources only", code: "FROM python:3.11-slim\nCOPY app.py requirements.txt /app/\n" },
    {
      name: "a secret file the Dockerfile names is another check's business",
      code: "FROM python:3.11-slim\nCOPY . .\nCOPY .env.production /app/.env\n",
      files: { ".env.production": "X=1\n", "app.py": "" },
    },
    {
      name: "the repository is needed for the version",
      code: "FROM python:3.11-slim\nCOPY . .\nRUN pip install --no-cache-dir .\n",
      files: { ".git/HEAD": "", "pyproject.toml": "[build-system]\nrequires = [\"hatchling\", \"hatch-vcs\"]\n" },
    },
  ],
  invalid: [
    {
      name: "no context information: the standard set",
      code: "FROM python:3.11-slim\nCOPY . .\n",
      errors: [{ line: 2, column: 6, message: "no .dockerignore", severity: "warning" }],
      output: "FROM python:3.11-slim\nCOPY . .\n",
      outputFiles: {
        ".dockerignore":
          "# Secrets and keys: never send them to the builder\n.env\n.env.*\n**/*.pem\n**/*.key\n**/id_rsa*\n**/id_dsa*\n**/id_ecdsa*\n**/id_ed25519*\n.git\n",
      },
    },
    {
      name: "secret files named one by one, templates kept",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n",
      files: { ".dockerignore": ".git\n", ".env": "A=1\n", ".env.local": "B=2\n", ".env.example": "A=\n", "id_rsa": "key", "app.py": "" },
      errors: [{ line: 3, message: ".env, .env.local, SSH keys", severity: "error" }],
      outputFiles: { ".dockerignore": ".git\n\n# Secrets and keys: never send them to the builder\n.env\n.env.local\n**/id_rsa*\n**/id_dsa*\n**/id_ecdsa*\n**/id_ed25519*\n" },
    },
    {
      name: "git history alone is a warning",
      code: "FROM python:3.11-slim\nCOPY . /app\n",
      files: { ".git/HEAD": "", "app.py": "" },
      errors: [{ line: 2, message: ".git", severity: "warning" }],
      outputFiles: { ".dockerignore": "# Secrets and keys: never send them to the builder\n.git\n" },
    },
    {
      name: "credentials files and keys",
      code: "FROM python:3.11-slim\nADD . /srv\n",
      files: { ".pypirc": "[pypi]\n", "tls.key": "", "app.py": "" },
      errors: [{ line: 2, column: 5, severity: "error" }],
      outputFiles: { ".dockerignore": "# Secrets and keys: never send them to the builder\n**/*.key\n.pypirc\n.netrc\n" },
    },
    {
      name: "a builder stage copying the context still sends the secrets",
      code: "FROM python:3.11 AS build\nCOPY . /src\nRUN pip wheel -w /w /src\nFROM python:3.11-slim\nCOPY --from=build /w /w\n",
      files: { ".env": "X=1\n", "app.py": "" },
      errors: [{ line: 2, message: ".env" }],
      outputFiles: { ".dockerignore": "# Secrets and keys: never send them to the builder\n.env\n" },
    },
  ],
});
