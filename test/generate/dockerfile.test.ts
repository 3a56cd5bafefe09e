import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generateDockerfile, serverPlan } from "../../src/generate/dockerfile.js";
import { generateDockerignore } from "../../src/generate/dockerignore.js";
import { detectProject } from "../../src/project/detect.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";

const FIXTURES = new URL("../fixtures/projects/", import.meta.url).pathname;
const fixtures = readdirSync(FIXTURES).sort();

/** Compares with the checked-in file; UPDATE_EXPECTED=1 rewrites it instead (review the diff by eye). */
function expectFile(path: string, actual: string): void {
  if (process.env.UPDATE_EXPECTED === "1") writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, "utf8"), `${path} differs (UPDATE_EXPECTED=1 rewrites it)`);
}

describe("generated Dockerfile and .dockerignore for each fixture project", () => {
  for (const name of fixtures) {
    it(name, () => {
      const facts = detectProject(join(FIXTURES, name));
      expectFile(join(FIXTURES, name, "expected.Dockerfile"), generateDockerfile(facts));
      expectFile(join(FIXTURES, name, "expected.dockerignore"), generateDockerignore(facts));
    });
  }
});

describe("generator options", () => {
  const django = () => detectProject(join(FIXTURES, "django-pip"));

  it("is deterministic", () => {
    assert.equal(generateDockerfile(django()), generateDockerfile(django()));
  });

  it("base and builder images can be replaced (local stand-ins)", () => {
    const text = generateDockerfile(django(), { baseImage: "localhost:5000/py:3.11-slim", builderImage: "localhost:5000/py:3.11" });
    assert.match(text, /^FROM localhost:5000\/py:3\.11 AS builder$/m);
    assert.match(text, /^FROM localhost:5000\/py:3\.11-slim AS runtime$/m);
    assert.doesNotMatch(text, /python:3\.11/);
  });

  it("takes the index as a build argument in the builder only", () => {
    const text = generateDockerfile(django());
    const runtime = text.slice(text.indexOf("AS runtime"));
    assert.match(text.slice(0, text.indexOf("AS runtime")), /^ARG PIP_INDEX_URL$/m);
    assert.doesNotMatch(runtime, /PIP_INDEX_URL|netrc/);
  });

  it("without BuildKit: no mounts, caches removed in the same RUN instead", () => {
    const text = generateDockerfile(django(), { buildkit: false });
    assert.doesNotMatch(text, /--mount/);
    assert.match(text, /pip --python \/opt\/venv\/bin\/python install --no-cache-dir -r requirements\.txt/);
    assert.match(text, /apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf \/var\/lib\/apt\/lists\/\*/);
    assert.match(text, /Never put credentials in a build argument. Only BuildKit passes them as a secret/);
  });

  it("Alpine bases get apk and the Alpine package names", () => {
    const facts = detectProject(join(FIXTURES, "django-pip"), { distro: "alpine" });
    const text = generateDockerfile(facts, { baseImage: "python:3.11-alpine3.20" });
    assert.match(text, /^RUN apk add --no-cache build-base libpq-dev$/m);
    assert.match(text, /^RUN apk add --no-cache libpq$/m);
    assert.match(text, /adduser -S -D -u 10001 -G app/);
    assert.doesNotMatch(text, /apt-get/);
  });

  it("extra system packages go where they were asked for", () => {
    const text = generateDockerfile(detectProject(join(FIXTURES, "fastapi-uv")), { apt: ["ffmpeg"], buildApt: ["git"] });
    const [builder, runtime] = text.split("AS runtime");
    assert.match(builder, /apt-get install -y --no-install-recommends git$/m);
    assert.match(runtime, /# Requested with --apt: ffmpeg\./);
    assert.match(runtime, /apt-get install -y --no-install-recommends ffmpeg$/m);
  });

  it("installs a server the project lacks, and picks the worker class the dependencies provide", () => {
    const facts = detectProject(join(FIXTURES, "flask-poetry"));
    facts.servers = { gunicorn: false, uvicorn: false, uvicornWorker: false };
    assert.deepEqual(serverPlan(facts), {
      argv: ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "shop:create_app()"],
      install: "gunicorn==23.*",
    });
    assert.match(generateDockerfile(facts), /# The project does not depend on gunicorn: installed here to serve it/);
    const asgi = detectProject(join(FIXTURES, "pdm-fastapi"));
    assert.ok(serverPlan(asgi).argv.includes("uvicorn_worker.UvicornWorker"));
    asgi.servers.uvicornWorker = false;
    assert.ok(serverPlan(asgi).argv.includes("uvicorn.workers.UvicornWorker"));
    asgi.servers.gunicorn = false;
    assert.deepEqual(serverPlan(asgi), { argv: ["uvicorn", "service.api:api", "--host", "0.0.0.0", "--port", "8000"], install: undefined });
  });

  it("a gunicorn command given whole gets its heartbeat directory in memory, unless a config file may set it", () => {
    const facts = detectProject(join(FIXTURES, "django-pip"), { cmd: "gunicorn mysite.wsgi" });
    assert.deepEqual(serverPlan(facts).argv, ["gunicorn", "--worker-tmp-dir", "/dev/shm", "mysite.wsgi"]);
    const configured = detectProject(join(FIXTURES, "django-pip"), { cmd: '["gunicorn", "-c", "gunicorn.conf.py", "mysite.wsgi"]' });
    assert.deepEqual(serverPlan(configured).argv, ["gunicorn", "-c", "gunicorn.conf.py", "mysite.wsgi"]);
  });

  it("a command with shell syntax runs through sh, as PID 1's replacement where it can", () => {
    const facts = detectProject(join(FIXTURES, "worker-setuptools"), { cmd: "python -m worker --config $CONFIG" });
    assert.deepEqual(serverPlan(facts).argv, ["sh", "-c", "exec python -m worker --config $CONFIG"]);
  });
});

describe(".dockerignore", () => {
  it("keeps what the build reads even where a pattern would drop it", () => {
    const facts = detectProject(join(FIXTURES, "cli-hatch"));
    facts.package.backendFiles = ["README.md", "build/LICENSE"];
    facts.dependencies.value.manifests = ["pyproject.toml", "requirements/prod.log"];
    const text = generateDockerignore(facts);
    assert.match(text, /\n# Needed by the build\n!build\/LICENSE\n!requirements\/prod\.log\n$/);
    const ignore = projectContext(undefined, memoryFiles({ ".dockerignore": text })).dockerignore()!;
    assert.deepEqual(["README.md", "build/LICENSE", "requirements/prod.log", "build/lib/x.py", ".env", "a/b/id_rsa", ".git/HEAD"].map((p) => ignore.ignores(p)), [false, false, false, true, true, true, true]);
  });
});
