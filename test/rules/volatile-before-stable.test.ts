import volatileBeforeStable from "../../src/rules/volatile-before-stable.js";
import { ruleTester } from "../helpers/rule-tester.js";

const APT = "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n";

ruleTester(volatileBeforeStable, {
  valid: [
    {
      name: "source copied after the installs",
      code: `FROM python:3.12-slim\n${APT}WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY src/ ./src/\nCMD ["python", "-m", "src"]\n`,
    },
    {
      name: "commit ARG declared after the installs",
      code: `FROM python:3.12-slim\n${APT}COPY requirements.txt .\nRUN pip install -r requirements.txt\nARG GIT_COMMIT=unknown\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\nRUN echo $GIT_COMMIT > /version\n`,
    },
    {
      name: "global ARG before FROM, not declared in the stage",
      code: `ARG GIT_SHA\nFROM python:3.12-slim\n${APT}`,
    },
    {
      name: "an ARG that changes nothing in its stage does not reach the stages built FROM it",
      code: `FROM python:3.12-slim AS base\nARG GIT_SHA\nLABEL revision=$GIT_SHA\nFROM base\n${APT}`,
    },
    {
      name: "the install uses the version ARG: it has to rerun",
      code: "FROM python:3.12-slim\nARG APP_VERSION\nRUN pip install --no-cache-dir myapp==${APP_VERSION}\n",
    },
    {
      name: "tool versions are stable",
      code: `FROM python:3.12-slim\nARG POETRY_VERSION=1.8.3\nARG PYTHON_VERSION=3.12\nARG TINI_SHA256=abc\n${APT}RUN pip install poetry==$POETRY_VERSION\n`,
    },
    {
      name: "manifests and configuration above the installs",
      code: `FROM python:3.12-slim\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY requirements.txt pyproject.toml ./\nCOPY docker/ /docker/\n${APT}RUN pip install -r requirements.txt\n`,
    },
    {
      name: "a script copied for the next RUN, which uses it",
      code: "FROM python:3.12-slim\nCOPY scripts/install-system-deps.sh /tmp/\nRUN sh /tmp/install-system-deps.sh && apt-get install -y curl\n",
    },
    {
      name: "whole source before pip install -r is deps-after-source's",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
    },
    {
      name: "partial source before the project install it feeds",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nCOPY src ./src\nRUN pip install .\n",
    },
    {
      name: "files from another stage are not the build context",
      code: `FROM python:3.12-slim AS build\nRUN pip wheel -w /wheels flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n${APT}`,
    },
    {
      name: "a stage the target never builds",
      code: `FROM python:3.12-slim AS scratchpad\nCOPY app.py .\n${APT}FROM python:3.12-slim\nCMD ["python"]\n`,
    },
    {
      name: "a source copy followed by quick steps only",
      code: "FROM python:3.12-slim\nCOPY app.py .\nRUN useradd --uid 10001 app\nUSER app\n",
    },
  ],
  invalid: [
    {
      name: "part of the source above the dependency install",
      code: "FROM python:3.11-slim\nWORKDIR /app\nCOPY src/ ./src/\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN useradd --uid 10001 app\n",
      files: { "requirements.txt": "flask\nrequests\n", "src/main.py": "" },
      errors: [{ line: 3, column: 1, message: "COPY src/ ./src/ copies source code above the slow pip install (line 5)" }],
      suggestionOutput: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY src/ ./src/\nRUN useradd --uid 10001 app\n",
    },
    {
      name: "commit ARG at the top: ARG and the LABEL that records it move below the installs",
      code:
        `# header comment\nFROM python:3.12-slim\nARG GIT_COMMIT=unknown\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\n${APT}WORKDIR /app\n` +
        "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY api/ ./api/\n",
      errors: [{ line: 3, column: 5, endColumn: 15, message: "2 slow steps: apt-get install (line 5), pip install (line 8)" }],
      suggestionOutput:
        `# header comment\nFROM python:3.12-slim\n${APT}WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n` +
        "ARG GIT_COMMIT=unknown\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\nCOPY api/ ./api/\n",
    },
    {
      name: "a RUN that never mentions the ARG still reruns (Docker passes it in the environment)",
      code: `FROM python:3.12-slim\nARG BUILD_DATE\n${APT}`,
      errors: [{ line: 2, column: 5, message: "carries a build date" }],
      suggestionOutput: `FROM python:3.12-slim\n${APT}ARG BUILD_DATE\n`,
    },
    {
      name: "a global ARG redeclared in the stage is in scope again",
      code: `ARG GIT_SHA\nFROM python:3.12-slim\nARG GIT_SHA\n${APT}`,
      errors: [{ line: 3, column: 5, message: "ARG GIT_SHA carries a commit hash" }],
      suggestionOutput: `ARG GIT_SHA\nFROM python:3.12-slim\n${APT}ARG GIT_SHA\n`,
    },
    {
      name: "a RUN between that uses the value pins the ARG: no rewrite",
      code: `FROM python:3.12-slim\nARG VCS_REF\nRUN echo "$VCS_REF" > /etc/revision\n${APT}`,
      errors: [{ line: 2, column: 5, message: "carries a commit hash" }],
      suggestionOutput: `FROM python:3.12-slim\nARG VCS_REF\nRUN echo "$VCS_REF" > /etc/revision\n${APT}`,
    },
    {
      name: "the ARG changes the parent stage, so the child's installs rebuild",
      code: `FROM python:3.12-slim AS base\nARG GIT_SHA\nRUN echo $GIT_SHA > /version\nFROM base\n${APT}`,
      errors: [{ line: 2, column: 5, message: "(in stages built FROM this one)" }],
      suggestionOutput: `FROM python:3.12-slim AS base\nARG GIT_SHA\nRUN echo $GIT_SHA > /version\nFROM base\n${APT}`,
    },
    {
      name: "the whole source above a system package install",
      code: `FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n${APT}CMD ["python", "app.py"]\n`,
      errors: [{ line: 3, column: 1, message: "copies the whole source above the slow apt-get install (line 4)" }],
      suggestionOutput: `FROM python:3.12-slim\nWORKDIR /app\n${APT}COPY . .\nCMD ["python", "app.py"]\n`,
    },
    {
      name: "escape directive and backtick continuations",
      code: "# escape=`\nFROM python:3.12-slim\nCOPY app.py .\nRUN apt-get update && `\n    apt-get install -y curl\n",
      errors: [{ line: 3, column: 1, message: "apt-get install (line 5)" }],
      suggestionOutput: "# escape=`\nFROM python:3.12-slim\nRUN apt-get update && `\n    apt-get install -y curl\nCOPY app.py .\n",
    },
    {
      name: "heredoc install below a source copy",
      code: "FROM python:3.12-slim\nCOPY app/ /srv/app/\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
      errors: [{ line: 2, column: 1, message: "apt-get install (line 6)" }],
      suggestionOutput: "FROM python:3.12-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\nCOPY app/ /srv/app/\n",
    },
    {
      name: "an ARG named after the project's version",
      code: "FROM python:3.12-slim\nARG INVENTORY_VERSION=0.0.0\nRUN pip install --no-cache-dir gunicorn==22.0.0\n",
      files: { "pyproject.toml": "[project]\nname = \"inventory\"\nversion = \"1.0\"\n" },
      errors: [{ line: 2, column: 5, message: "the project's version" }],
      suggestionOutput: "FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn==22.0.0\nARG INVENTORY_VERSION=0.0.0\n",
    },
    {
      name: "builder stages cost build time too",
      code: "FROM python:3.12 AS build\nARG CI_PIPELINE_ID\nRUN pip wheel -w /wheels -r /dev/null flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n",
      errors: [{ line: 2, column: 5, message: "a build number" }],
    },
    {
      name: "a RUN between uses the copied file: no rewrite",
      code: "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nRUN python app.py --init\nRUN pip install gunicorn\n",
      errors: [{ line: 3, column: 1, message: "pip install (line 5)" }],
      suggestionOutput: "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nRUN python app.py --init\nRUN pip install gunicorn\n",
    },
  ],
});
