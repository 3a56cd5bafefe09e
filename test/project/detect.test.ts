import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { InputError } from "../../src/errors.js";
import { detectProject, type DetectOptions } from "../../src/project/detect.js";
import type { ProjectFacts } from "../../src/project/facts.js";
import { removeTempDirs, tempProject } from "../helpers/cli.js";

const FIXTURES = new URL("../fixtures/projects/", import.meta.url).pathname;

/** Every fact as plain data: value and source, so a test states all of them. */
function summary(f: ProjectFacts) {
  const d = f.dependencies.value;
  return {
    dependencies: {
      manager: d.manager,
      source: f.dependencies.source,
      manifests: d.manifests,
      lockFile: d.lockFile,
      requirementsFile: d.requirementsFile,
      needsSource: d.needsSource,
      toolVersion: d.toolVersion,
      sources: d.sources,
      distributions: Object.fromEntries(d.distributions),
    },
    python: [f.python.value, f.python.source],
    package: f.package,
    framework: [f.framework.value, f.framework.source],
    start: f.start && [f.start.value, f.start.source],
    appDir: f.appDir,
    http: [f.http.value, f.http.source],
    port: [f.port.value, f.port.source],
    servers: f.servers,
    settings: f.settingsModule && [f.settingsModule.value, f.settingsModule.source],
    native: f.native.map((n) => ({ distribution: n.distribution, compiles: n.compiles, build: n.build, runtime: n.runtime, source: n.source })),
    venvDirs: f.venvDirs,
    notes: f.notes,
  };
}

const detect = (name: string, options?: DetectOptions) => summary(detectProject(join(FIXTURES, name), options));

const project = tempProject;
after(removeTempDirs);

const noServers = { gunicorn: false, uvicorn: false, uvicornWorker: false };
const notInstallable = { name: undefined, backend: undefined, installable: false, backendFiles: [], scripts: {}, srcLayout: false };

describe("detectProject on fixture projects", () => {
  it("Django with pip requirements (and an include), psycopg2 compiled from source", () => {
    assert.deepEqual(detect("django-pip"), {
      dependencies: {
        manager: "pip",
        source: "requirements.txt",
        manifests: ["requirements.txt", "requirements/base.txt"],
        lockFile: undefined,
        requirementsFile: "requirements.txt",
        needsSource: false,
        toolVersion: undefined,
        sources: [],
        distributions: { django: [], asgiref: [], sqlparse: [], gunicorn: [], psycopg2: [] },
      },
      python: ["3.11", ".python-version"],
      package: notInstallable,
      framework: ["django", "manage.py"],
      start: [{ kind: "wsgi", app: "mysite.wsgi:application" }, "mysite/settings.py"],
      appDir: ".",
      http: [true, "mysite/settings.py"],
      port: [8000, "default"],
      servers: { gunicorn: true, uvicorn: false, uvicornWorker: false },
      settings: ["mysite.settings", "manage.py"],
      native: [{ distribution: "psycopg2", compiles: true, build: ["libpq-dev"], runtime: ["libpq5"], source: "requirements.txt" }],
      venvDirs: ["env"],
      notes: [],
    });
  });

  it("Flask factory with Poetry: the lock's main closure (dev psycopg2 left out), sources, the Poetry that wrote the lock", () => {
    assert.deepEqual(detect("flask-poetry"), {
      dependencies: {
        manager: "poetry",
        source: "poetry.lock",
        manifests: ["pyproject.toml", "poetry.lock"],
        lockFile: "poetry.lock",
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: "1.8.3",
        sources: ["internal"],
        distributions: { flask: [], blinker: [], gunicorn: [], psycopg: ["pool"], "psycopg-pool": [] },
      },
      python: ["3.12", "pyproject.toml"],
      package: { name: "shop", backend: "poetry-core", installable: false, backendFiles: ["README.rst"], scripts: {}, srcLayout: false },
      framework: ["flask", "shop/__init__.py"],
      start: [{ kind: "wsgi", app: "shop:create_app()" }, "shop/__init__.py"],
      appDir: ".",
      http: [true, "shop/__init__.py"],
      port: [8000, "default"],
      servers: { gunicorn: true, uvicorn: false, uvicornWorker: false },
      settings: undefined,
      native: [{ distribution: "psycopg", compiles: false, build: [], runtime: ["libpq5"], source: "poetry.lock" }],
      venvDirs: [],
      notes: [],
    });
  });

  it("FastAPI with uv: the closure of the project's dependencies in uv.lock, without the dev group", () => {
    assert.deepEqual(detect("fastapi-uv"), {
      dependencies: {
        manager: "uv",
        source: "uv.lock",
        manifests: ["pyproject.toml", "uv.lock"],
        lockFile: "uv.lock",
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: "0.8.*",
        sources: [],
        distributions: { fastapi: [], pydantic: [], starlette: [], anyio: [], idna: [], sniffio: [], lxml: [], uvicorn: [] },
      },
      python: ["3.11", "pyproject.toml"],
      package: { name: "catalog-api", backend: undefined, installable: false, backendFiles: [], scripts: {}, srcLayout: false },
      framework: ["fastapi", "app/main.py"],
      start: [{ kind: "asgi", app: "app.main:app" }, "app/main.py"],
      appDir: ".",
      http: [true, "app/main.py"],
      port: [8000, "default"],
      servers: { gunicorn: false, uvicorn: true, uvicornWorker: false },
      settings: undefined,
      native: [],
      venvDirs: [],
      notes: [],
    });
  });

  it("a command-line tool with hatchling, a src layout and a console script", () => {
    assert.deepEqual(detect("cli-hatch"), {
      dependencies: {
        manager: "pip",
        source: "pyproject.toml",
        manifests: ["pyproject.toml"],
        lockFile: undefined,
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: undefined,
        sources: [],
        distributions: { requests: [], cryptography: [] },
      },
      python: ["3.12", "pyproject.toml"],
      package: { name: "mycli", backend: "hatchling", installable: true, backendFiles: ["README.md", "LICENSE.txt"], scripts: { mycli: "mycli.cli:main" }, srcLayout: true },
      framework: ["none", "default"],
      start: [{ kind: "command", argv: ["mycli"] }, "pyproject.toml"],
      appDir: ".",
      http: [false, "pyproject.toml"],
      port: [8000, "default"],
      servers: noServers,
      settings: undefined,
      // cryptography has wheels: nothing to compile, nothing to add.
      native: [],
      venvDirs: [],
      notes: [],
    });
  });

  it("a Procfile web process wins over the Flask app it serves; pipenv with its lock's default packages", () => {
    assert.deepEqual(detect("procfile-pipenv"), {
      dependencies: {
        manager: "pipenv",
        source: "Pipfile.lock",
        manifests: ["Pipfile", "Pipfile.lock"],
        lockFile: "Pipfile.lock",
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: "2024.4.*",
        sources: [],
        distributions: { blinker: [], flask: [], gunicorn: [], mysqlclient: [] },
      },
      python: ["3.10", "Pipfile"],
      package: notInstallable,
      framework: ["flask", "app.py"],
      start: [{ kind: "command", argv: ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--workers", "3"] }, "Procfile"],
      appDir: ".",
      http: [true, "Procfile"],
      port: [8000, "Procfile"],
      servers: { gunicorn: true, uvicorn: false, uvicornWorker: false },
      settings: undefined,
      native: [{ distribution: "mysqlclient", compiles: true, build: ["default-libmysqlclient-dev", "pkg-config"], runtime: ["libmariadb3"], source: "Pipfile.lock" }],
      venvDirs: [],
      notes: [],
    });
  });

  it("FastAPI with PDM, gunicorn and uvicorn-worker; runtime.txt; a ctypes library that wheels do not bundle", () => {
    assert.deepEqual(detect("pdm-fastapi"), {
      dependencies: {
        manager: "pdm",
        source: "pdm.lock",
        manifests: ["pyproject.toml", "pdm.lock"],
        lockFile: "pdm.lock",
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: "2.26.*",
        sources: [],
        distributions: { fastapi: [], gunicorn: [], pillow: [], "python-magic": [], uvicorn: [], "uvicorn-worker": [] },
      },
      python: ["3.10", "runtime.txt"],
      package: { name: "thumbnailer", backend: undefined, installable: false, backendFiles: [], scripts: {}, srcLayout: false },
      framework: ["fastapi", "service/api.py"],
      start: [{ kind: "asgi", app: "service.api:api" }, "service/api.py"],
      appDir: ".",
      http: [true, "service/api.py"],
      port: [8000, "default"],
      servers: { gunicorn: true, uvicorn: true, uvicornWorker: true },
      settings: undefined,
      native: [{ distribution: "python-magic", compiles: false, build: [], runtime: ["libmagic1"], source: "pdm.lock" }],
      venvDirs: [],
      notes: [],
    });
  });

  it("a setuptools worker started with python -m; requires-python caps the version; psycopg[binary] needs no libpq", () => {
    assert.deepEqual(detect("worker-setuptools"), {
      dependencies: {
        manager: "pip",
        source: "pyproject.toml",
        manifests: ["pyproject.toml"],
        lockFile: undefined,
        requirementsFile: undefined,
        needsSource: false,
        toolVersion: undefined,
        sources: [],
        distributions: { "python-ldap": [], pyyaml: [], psycopg: ["binary"] },
      },
      python: ["3.10", "pyproject.toml"],
      package: { name: "ldap-sync", backend: "setuptools", installable: true, backendFiles: [], scripts: {}, srcLayout: false },
      framework: ["none", "default"],
      start: [{ kind: "command", argv: ["python", "-m", "worker"] }, "worker/__main__.py"],
      appDir: ".",
      http: [false, "worker/__main__.py"],
      port: [8000, "default"],
      servers: noServers,
      settings: undefined,
      native: [{ distribution: "python-ldap", compiles: true, build: ["libldap2-dev", "libsasl2-dev"], runtime: ["libldap-2.5-0", "libsasl2-2"], source: "pyproject.toml" }],
      venvDirs: [],
      notes: [],
    });
  });
});

describe("detectProject options and edge cases", () => {
  it("options win over the project and say so", () => {
    const f = detectProject(join(FIXTURES, "django-pip"), { python: "3.12", port: 9000, cmd: "gunicorn mysite.wsgi -b 0.0.0.0:$PORT" });
    assert.deepEqual([f.python.value, f.python.source], ["3.12", "option"]);
    assert.deepEqual(f.start?.value, { kind: "command", argv: ["gunicorn", "mysite.wsgi", "-b", "0.0.0.0:9000"] });
    assert.deepEqual([f.port.value, f.port.source, f.http.value], [9000, "option", true]);
  });

  it("the Procfile's $PORT follows --port", () => {
    const f = detectProject(join(FIXTURES, "procfile-pipenv"), { port: 5000 });
    assert.deepEqual(f.start?.value, { kind: "command", argv: ["gunicorn", "app:app", "--bind", "0.0.0.0:5000", "--workers", "3"] });
    assert.equal(f.port.value, 5000);
  });

  it("Alpine names for native packages, and musllinux wheels where they exist", () => {
    const f = detectProject(join(FIXTURES, "django-pip"), { distro: "alpine" });
    assert.deepEqual(f.native.map((n) => [n.distribution, n.build, n.runtime]), [["psycopg2", ["libpq-dev"], ["libpq"]]]);
  });

  it("a Procfile development server is ignored for the app it runs", () => {
    const dir = project({ Procfile: "web: flask run --host 0.0.0.0\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n", "requirements.txt": "flask\n" });
    const f = detectProject(dir);
    assert.deepEqual(f.start?.value, { kind: "wsgi", app: "app:app" });
    assert.match(f.notes[0], /development server/);
  });

  it("Django ASGI when the settings ask for it, from a subdirectory, with a settings package", () => {
    const dir = project({
      "requirements.txt": "django\nchannels\n",
      "backend/manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.production")\nfrom django.core.management import execute_from_command_line\n',
      "backend/core/settings/base.py": 'ASGI_APPLICATION = "core.asgi.application"\nWSGI_APPLICATION = "core.wsgi.application"\n',
      "backend/core/settings/production.py": "from .base import *\n",
      "backend/core/asgi.py": "application = object()\n",
    });
    const f = detectProject(dir);
    assert.deepEqual(f.start?.value, { kind: "asgi", app: "core.asgi:application" });
    assert.equal(f.start?.source, "backend/core/settings/base.py");
    assert.equal(f.appDir, "backend");
    assert.equal(f.settingsModule?.value, "core.settings.production");
  });

  it("requirements that install the project itself need the source first; dev requirements are never chosen", () => {
    const dir = project({ "requirements-dev.txt": "pytest\n", "requirements/production.txt": "-c constraints.txt\n-e .\nflask[async]==3.1\n", "requirements/constraints.txt": "werkzeug<4\n", "app.py": "import flask\napp = flask.Flask(__name__)\n" });
    const f = detectProject(dir);
    assert.equal(f.dependencies.value.requirementsFile, "requirements/production.txt");
    assert.deepEqual(f.dependencies.value.manifests, ["requirements/production.txt", "requirements/constraints.txt"]);
    assert.deepEqual(Object.fromEntries(f.dependencies.value.distributions), { flask: ["async"] });
    assert.equal(f.dependencies.value.needsSource, true);
    assert.match(f.notes[0], /source is copied before the dependencies/);
  });

  it("Poetry 2 locks record groups; a missing lock is a note", () => {
    const lock = '[[package]]\nname = "flask"\nversion = "3.1.0"\ngroups = ["main"]\n\n[[package]]\nname = "psycopg2"\nversion = "2.9.10"\ngroups = ["dev"]\n';
    const withLock = detectProject(project({ "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.13"\ndependencies = ["flask"]\n[tool.poetry]\npackage-mode = false\n', "poetry.lock": lock, "app.py": "from flask import Flask\napp = Flask(__name__)\n" }));
    assert.deepEqual(Object.fromEntries(withLock.dependencies.value.distributions), { flask: [] });
    assert.equal(withLock.dependencies.value.toolVersion, "2.1.*");
    assert.equal(withLock.python.value, "3.13");
    const noLock = detectProject(project({ "pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "~3.9"\nrequests = "*"\n', "main.py": 'if __name__ == "__main__":\n    pass\n' }));
    assert.equal(noLock.dependencies.value.manager, "poetry");
    assert.equal(noLock.python.value, "3.9");
    assert.deepEqual(noLock.start?.value, { kind: "command", argv: ["python", "main.py"] });
    assert.match(noLock.notes[0], /without its lock file/);
  });

  it("no start command is undefined, not a guess", () => {
    const f = detectProject(project({ "requirements.txt": "requests\n", "lib.py": "def f():\n    pass\n" }));
    assert.equal(f.start, undefined);
  });

  it("bad input is an InputError naming the file", () => {
    assert.throws(() => detectProject(join(FIXTURES, "nope")), (e) => e instanceof InputError && /no such directory/.test(e.message));
    assert.throws(() => detectProject(join(FIXTURES, "django-pip", "manage.py")), (e) => e instanceof InputError && /not a directory/.test(e.message));
    const broken = project({ "pyproject.toml": "[project\nname = 1\n" });
    assert.throws(() => detectProject(broken), (e) => e instanceof InputError && /pyproject\.toml: not valid TOML/.test(e.message));
    const brokenLock = project({ "Pipfile.lock": "{not json" });
    assert.throws(() => detectProject(brokenLock), (e) => e instanceof InputError && /Pipfile\.lock: not valid JSON/.test(e.message));
  });
});
