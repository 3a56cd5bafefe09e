/** What `whittle init` knows about a Python project, each fact with where it came from. */

/** A detected value and its evidence: the file it was read from (or "default", "option") and why. */
export interface Fact<T> {
  value: T;
  /** Context-relative file, "default" when nothing decided it, "option" for a command-line or pyproject option. */
  source: string;
  reason: string;
}

export type PackageManager = "pip" | "poetry" | "pipenv" | "uv" | "pdm";

/** How dependencies are declared and locked. */
export interface Dependencies {
  manager: PackageManager;
  /** Files the dependency install reads: copied before the source so the install layer survives code edits. */
  manifests: string[];
  /** The lock file the install follows, when there is one. */
  lockFile?: string;
  /** For pip: the requirements file installed (with its -r/-c includes among the manifests). */
  requirementsFile?: string;
  /** The requirements reference the project itself or local paths (`-e .`): the source must be present to install. */
  needsSource: boolean;
  /** Normalised names of the runtime (non-dev) distributions, with the extras requested. */
  distributions: Map<string, string[]>;
  /** The tool version to install in the builder (poetry from the lock header, others a tested line). */
  toolVersion?: string;
  /** Poetry's [[tool.poetry.source]] names: private sources whose credentials come from the netrc secret. */
  sources: string[];
}

export interface ProjectPackage {
  name?: string;
  /** [build-system] build-backend. */
  backend?: string;
  /** The project builds into a distribution that can be installed (a build backend, setup.py, not Poetry package-mode false). */
  installable: boolean;
  /** Files a build backend reads besides the code (README, LICENSE named in pyproject). */
  backendFiles: string[];
  /** Console scripts: name -> "module:function". */
  scripts: Record<string, string>;
  /** The code lives under src/ (imports resolve only from there or once installed). */
  srcLayout: boolean;
}

export type Framework = "django" | "flask" | "fastapi" | "starlette" | "none";

/** How the app starts, before a server is chosen. */
export type StartSpec =
  /** A WSGI callable, "module:attr" (or "module:factory()"). */
  | { kind: "wsgi"; app: string }
  /** An ASGI application, "module:attr". */
  | { kind: "asgi"; app: string }
  /** A command given whole (Procfile, --cmd, a console script, python -m). */
  | { kind: "command"; argv: string[] };

export interface Servers {
  gunicorn: boolean;
  uvicorn: boolean;
  /** The uvicorn-worker distribution (the maintained home of the gunicorn worker class). */
  uvicornWorker: boolean;
}

export interface NativeFact {
  distribution: string;
  compiles: boolean;
  build: string[];
  runtime: string[];
  source: string;
  reason: string;
}

export interface ProjectFacts {
  dir: string;
  dependencies: Fact<Dependencies>;
  python: Fact<string>;
  package: ProjectPackage;
  framework: Fact<Framework>;
  start: Fact<StartSpec> | undefined;
  /** Directory (context-relative, "." for the root) the app runs from: where manage.py or the import root is. */
  appDir: string;
  http: Fact<boolean>;
  port: Fact<number>;
  servers: Servers;
  /** For Django: the settings module. */
  settingsModule?: Fact<string>;
  native: NativeFact[];
  /** Top-level directories holding a virtual environment (pyvenv.cfg): never part of the context. */
  venvDirs: string[];
  /** Things the user should know: guesses, missing locks, ignored inputs. */
  notes: string[];
}
