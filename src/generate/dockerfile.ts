import { posix } from "node:path";
import type { ProjectFacts, StartSpec } from "../project/facts.js";
import { TOOLCHAIN, type Distro } from "../project/native-deps.js";

export interface GenerateOptions {
  /** The runtime base image (default python:<X.Y>-slim-bookworm). */
  baseImage?: string;
  /** The builder base image (default: the runtime base, so the venv's interpreter is the same one). */
  builderImage?: string;
  /** Extra system packages for the runtime stage. */
  apt?: string[];
  /** Extra system packages for the builder stage. */
  buildApt?: string[];
  /** Use BuildKit cache and secret mounts (default true). */
  buildkit?: boolean;
}

export const VENV = "/opt/venv";
export const TOOLS_VENV = "/opt/tools";
export const APP_UID = 10001;

/** Servers installed when the project does not depend on one: a tested major line. */
const SERVER_SPECS = { gunicorn: "gunicorn==23.*", uvicorn: "uvicorn==0.34.*" };

const TOOL_NAMES = { poetry: "Poetry", pdm: "PDM", uv: "uv", pipenv: "pipenv" } as const;

export function defaultBaseImage(python: string): string {
  return `python:${python}-slim-bookworm`;
}

/** Debian or Alpine, from the image name (anything not Alpine is taken for Debian, as the official images are). */
export function distroOf(image: string): Distro {
  return /alpine/i.test(image) ? "alpine" : "debian";
}

interface Ctx {
  facts: ProjectFacts;
  buildkit: boolean;
  distro: Distro;
}

/** A RUN with BuildKit mounts (each on its own continuation line) before the command lines. */
function run(ctx: Ctx, mounts: string[], commands: string[]): string {
  const parts = [...(ctx.buildkit ? mounts.map((m) => `--mount=${m}`) : []), ...commands.map((c, i) => (i === 0 ? c : `&& ${c}`))];
  return `RUN ${parts.join(" \\\n    ")}`;
}

const cacheMount = (dir: string) => `type=cache,target=${dir}`;
const NETRC_MOUNT = "type=secret,id=netrc,target=/root/.netrc";

function systemInstall(ctx: Ctx, packages: string[]): string {
  const list = [...new Set(packages)].join(" ");
  if (ctx.distro === "alpine") return run(ctx, [], [`apk add --no-cache ${list}`]);
  const mounts = [`${cacheMount("/var/cache/apt")},sharing=locked`, `${cacheMount("/var/lib/apt/lists")},sharing=locked`];
  const commands = ["apt-get update", `apt-get install -y --no-install-recommends ${list}`];
  return run(ctx, mounts, ctx.buildkit ? commands : [...commands, "rm -rf /var/lib/apt/lists/*"]);
}

/** `pip install` into the venv with the base interpreter's pip (the venv itself has no pip). */
function pipInstall(ctx: Ctx, args: string, before: string[] = []): string {
  const noCache = ctx.buildkit ? "" : " --no-cache-dir";
  return run(ctx, [cacheMount("/root/.cache/pip"), NETRC_MOUNT], [...before, `pip --python ${VENV}/bin/python install${noCache} ${args}`]);
}

function toolInstall(ctx: Ctx, spec: string): string {
  const noCache = ctx.buildkit ? "" : " --no-cache-dir";
  return run(ctx, [cacheMount("/root/.cache/pip"), NETRC_MOUNT], [`python -m venv ${TOOLS_VENV}`, `${TOOLS_VENV}/bin/pip install${noCache} "${spec}"`]);
}

/** COPY instructions for context-relative files, grouped by directory so paths keep their layout. */
function copyFiles(files: string[]): string[] {
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const dir = posix.dirname(f);
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  return [...byDir].map(([dir, list]) => `COPY ${list.join(" ")} ${dir === "." ? "./" : `${dir}/`}`);
}

const block = (comment: string | undefined, ...lines: string[]) =>
  [...(comment ? comment.split("\n").map((l) => (l === "" ? "#" : `# ${l}`)) : []), ...lines].join("\n");

/** Exec (JSON) form with a space after each comma, as people write it. */
const execForm = (argv: string[]) => `[${argv.map((a) => JSON.stringify(a)).join(", ")}]`;

/** Does the container start through a console script the project must install? */
export function installsProject(facts: ProjectFacts): boolean {
  const start = facts.start?.value;
  return facts.package.installable && start?.kind === "command" && start.argv[0] in facts.package.scripts;
}

/** Index build arguments the install honours, per tool. */
function indexArgs(facts: ProjectFacts): string[] {
  const args = ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"];
  return facts.dependencies.value.manager === "uv" ? [...args, "UV_DEFAULT_INDEX", "UV_INDEX"] : args;
}

function header(facts: ProjectFacts, buildkit: boolean): string {
  const deps = facts.dependencies.value;
  const name = facts.package.name ?? (posix.basename(facts.dir.replace(/\/+$/, "")) || "app");
  const lines = [
    `Container image for ${name}, written by \`whittle init\`.`,
    `Stage "builder" installs the dependencies into a virtual environment at ${VENV};`,
    `stage "runtime" copies only that environment and the code onto a slim base and runs as an unprivileged user.`,
    "",
    "Private package indexes: pass index URLs as build arguments; they exist only while the builder installs",
    "and are not stored in the image:",
    `  docker build --build-arg ${deps.manager === "uv" ? "UV_DEFAULT_INDEX" : "PIP_INDEX_URL"}=https://pypi.example.com/simple .`,
  ];
  if (deps.manager === "poetry") lines.push(`Poetry reads its sources from pyproject.toml${deps.sources.length ? ` (${deps.sources.join(", ")})` : ""}; PIP_INDEX_URL serves the install of Poetry itself.`);
  if (deps.manager === "pipenv") lines.push("pipenv exports the [[source]] of Pipfile.lock with the requirements; PIP_INDEX_URL serves the install of pipenv itself.");
  if (buildkit) {
    lines.push(
      "Never put credentials in a build argument. Put them in a netrc file and pass it as a BuildKit secret:",
      "it is mounted only during the install steps and never written to a layer:",
      "  docker build --secret id=netrc,src=$HOME/.netrc .",
    );
  } else {
    lines.push("Never put credentials in a build argument. Only BuildKit passes them as a secret, and this Dockerfile", "is written for the legacy builder: use index URLs that need no credentials.");
  }
  return block(lines.join("\n"));
}

function builderStage(ctx: Ctx, options: GenerateOptions, builderImage: string): string[] {
  const { facts } = ctx;
  const deps = facts.dependencies.value;
  const blocks: string[] = [`FROM ${builderImage} AS builder`];

  const compiled = facts.native.filter((n) => n.compiles);
  const buildPackages = [...compiled.flatMap((n) => n.build), ...(options.buildApt ?? [])];
  if (compiled.length || options.buildApt?.length) {
    const why = compiled.length ? `to compile ${compiled.map((n) => n.distribution).join(", ")} from source` : "requested with --build-apt";
    blocks.push(block(`Compilers and headers ${why}; none of it leaves this stage.`, systemInstall(ctx, [...(compiled.length ? TOOLCHAIN[ctx.distro] : []), ...buildPackages])));
  }

  if (deps.manager === "uv") {
    blocks.push(
      block(
        "uv creates the environment at a fixed path the runtime stage copies whole, with the interpreter of this\n" +
          "image (never a downloaded one), compiled bytecode for a fast start, and files copied out of its cache mount.",
        `ENV UV_PROJECT_ENVIRONMENT=${VENV} \\\n    UV_PYTHON_DOWNLOADS=never \\\n    UV_COMPILE_BYTECODE=1 \\\n    UV_LINK_MODE=copy`,
      ),
    );
  } else {
    blocks.push(
      block(
        "An empty virtual environment at a fixed path, which the runtime stage copies whole. It has no pip or\n" +
          "setuptools of its own: pip of the base image installs into it, so the image ships only the project's packages.",
        `RUN python -m venv --without-pip ${VENV}`,
      ),
    );
    if (deps.manager === "poetry" || deps.manager === "pdm") blocks.push(block(`${TOOL_NAMES[deps.manager]} installs into the active virtual environment.`, `ENV VIRTUAL_ENV=${VENV}`));
  }

  blocks.push("WORKDIR /app");
  const args = indexArgs(facts);
  const pipArgs = args.filter((a) => a.startsWith("PIP_")).map((a) => `ARG ${a}`);
  const uvArgs = args.filter((a) => a.startsWith("UV_")).map((a) => `ARG ${a}`);
  blocks.push(block("Index URLs from --build-arg (see the top of this file).", ...pipArgs));

  if (deps.manager !== "pip") {
    const tool = deps.manager;
    blocks.push(block(`${TOOL_NAMES[tool]} itself lives in an environment of its own, outside ${VENV}.`, toolInstall(ctx, `${tool}==${deps.toolVersion}`)));
  }
  if (uvArgs.length) blocks.push(uvArgs.join("\n"));

  const cacheClean = (dir: string) => (ctx.buildkit ? [] : [`rm -rf ${dir}`]);
  const tools = `${TOOLS_VENV}/bin`;
  if (deps.needsSource) blocks.push(block("The dependencies need the project's own files, so the source comes first.", "COPY . ."));
  else if (deps.manifests.length) blocks.push(block("Dependency manifests before the source: code edits do not reinstall the dependencies.", ...copyFiles(deps.manifests)));

  switch (deps.manager) {
    case "pip": {
      if (deps.requirementsFile) blocks.push(pipInstall(ctx, `-r ${deps.requirementsFile}`));
      else if (deps.needsSource) blocks.push(pipInstall(ctx, "."));
      else if (deps.distributions.size > 0) {
        // tomllib arrived in Python 3.11; before that, tomli (builder only) reads the file.
        const modern = pythonAtLeast(facts.python.value, 3, 11);
        const read = `python -c "import ${modern ? "tomllib" : "tomli as tomllib"}; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'].get('dependencies', [])))" > /tmp/requirements.txt`;
        blocks.push(
          block(
            "pip cannot install only a project's dependencies: read them from pyproject.toml.",
            pipInstall(ctx, "-r /tmp/requirements.txt", [...(modern ? [] : [`pip install${ctx.buildkit ? "" : " --no-cache-dir"} tomli`]), read]),
          ),
        );
      }
      break;
    }
    case "poetry":
      blocks.push(run(ctx, [cacheMount("/root/.cache/pypoetry"), NETRC_MOUNT], [`${tools}/poetry install --only main --no-root --no-interaction`, ...cacheClean("/root/.cache/pypoetry")]));
      break;
    case "pdm":
      blocks.push(run(ctx, [cacheMount("/root/.cache/pdm"), NETRC_MOUNT], [`${tools}/pdm sync --prod --no-self`, ...cacheClean("/root/.cache/pdm")]));
      break;
    case "uv":
      blocks.push(run(ctx, [cacheMount("/root/.cache/uv"), NETRC_MOUNT], [`${tools}/uv sync --frozen --no-dev --no-install-project${ctx.buildkit ? "" : " --no-cache"}`]));
      break;
    case "pipenv":
      blocks.push(
        block(
          "The default (non-dev) packages of the lock file, exported for pip.",
          pipInstall(ctx, "-r /tmp/requirements.txt", [...(deps.lockFile ? [] : [`${tools}/pipenv lock`]), `${tools}/pipenv requirements > /tmp/requirements.txt`]),
        ),
      );
      break;
  }

  const server = serverPlan(facts);
  if (server.install) {
    const name = server.install.split("=")[0];
    blocks.push(block(`The project does not depend on ${name}: installed here to serve it (add it to the dependencies to pin it).`, pipInstall(ctx, `"${server.install}"`)));
  }

  // A setuptools project installed from its source above is installed already.
  const installedAbove = deps.manager === "pip" && deps.needsSource && !deps.requirementsFile;
  if (installsProject(facts) && !installedAbove) {
    const comment = "Then the project itself, built as a wheel (not editable): the runtime stage needs no source.";
    blocks.push(deps.needsSource ? block(comment) : block(comment, "COPY . ."));
    if (deps.manager === "uv") blocks.push(run(ctx, [cacheMount("/root/.cache/uv"), NETRC_MOUNT], [`${tools}/uv sync --frozen --no-dev --no-editable${ctx.buildkit ? "" : " --no-cache"}`]));
    else blocks.push(pipInstall(ctx, "--no-deps ."));
  }
  return blocks;
}

function pythonAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

interface ServerPlan {
  argv: string[];
  /** A server the dependencies lack, to install in the builder. */
  install?: string;
}

const GUNICORN_FLAGS = (port: number) => ["--bind", `0.0.0.0:${port}`, "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"];

/** The CMD: gunicorn for WSGI; gunicorn with uvicorn workers or uvicorn for ASGI; a given command as it is. */
export function serverPlan(facts: ProjectFacts): ServerPlan {
  const start: StartSpec | undefined = facts.start?.value;
  const port = facts.port.value;
  const { gunicorn, uvicorn, uvicornWorker } = facts.servers;
  if (!start) return { argv: [] };
  if (start.kind === "command") {
    const argv = start.argv;
    // gunicorn's heartbeat files belong in memory: a disk-backed /tmp can freeze workers.
    if (argv[0] === "gunicorn" && !argv.some((a) => /^--worker-tmp-dir|^(-c|--config)(=|$)/.test(a))) {
      return { argv: ["gunicorn", "--worker-tmp-dir", "/dev/shm", ...argv.slice(1)] };
    }
    return { argv };
  }
  if (start.kind === "wsgi") {
    return { argv: ["gunicorn", ...GUNICORN_FLAGS(port), start.app], install: gunicorn ? undefined : SERVER_SPECS.gunicorn };
  }
  if (gunicorn && (uvicornWorker || uvicorn)) {
    const worker = uvicornWorker ? "uvicorn_worker.UvicornWorker" : "uvicorn.workers.UvicornWorker";
    return { argv: ["gunicorn", ...GUNICORN_FLAGS(port), "--worker-class", worker, start.app] };
  }
  return { argv: ["uvicorn", start.app, "--host", "0.0.0.0", "--port", String(port)], install: uvicorn ? undefined : SERVER_SPECS.uvicorn };
}

/** A health check with the interpreter the image already has: any HTTP answer below 500 is healthy. */
function healthcheck(port: number): string {
  const probe = `import http.client as h; c = h.HTTPConnection('127.0.0.1', ${port}, timeout=4); c.request('GET', '/'); raise SystemExit(c.getresponse().status >= 500)`;
  return `HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \\\n    CMD ${execForm(["python", "-c", probe])}`;
}

function userBlock(ctx: Ctx): string {
  const comment = `An unprivileged user with a fixed uid, which volume permissions and runAsUser policies can rely on.`;
  if (ctx.distro === "alpine") {
    return block(comment, `RUN addgroup -S -g ${APP_UID} app \\\n    && adduser -S -D -u ${APP_UID} -G app -h /home/app -s /sbin/nologin app`);
  }
  return block(comment, `RUN groupadd --system --gid ${APP_UID} app \\\n    && useradd --system --uid ${APP_UID} --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app`);
}

function runtimeStage(ctx: Ctx, options: GenerateOptions, baseImage: string): string[] {
  const { facts } = ctx;
  const blocks: string[] = [`FROM ${baseImage} AS runtime`];
  const plan = serverPlan(facts);
  const env = ["PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", `PATH=${VENV}/bin:$PATH`];
  // Both servers read their worker count from WEB_CONCURRENCY unless the command sets it.
  const servesWith = ["gunicorn", "uvicorn"].includes(plan.argv[0] ?? "") && !plan.argv.some((a) => /^(-w|--workers)(=|$)/.test(a));
  if (servesWith) env.push("WEB_CONCURRENCY=2");
  blocks.push(
    block(
      "Logs reach `docker logs` as they are written. No .pyc files at run time: installed packages are compiled\n" +
        "already and the code is read-only for the app." +
        (servesWith ? `\nWEB_CONCURRENCY sets the number of ${plan.argv[0]} workers; override it with docker run -e.` : ""),
      `ENV ${env.join(" \\\n    ")}`,
    ),
  );
  const runtimeNative = facts.native.filter((n) => n.runtime.length);
  const extra = options.apt ?? [];
  if (runtimeNative.length || extra.length) {
    const why = [
      ...(runtimeNative.length ? [`Shared libraries loaded at run time: ${runtimeNative.map((n) => `${n.runtime.join(" ")} for ${n.distribution}`).join(", ")}.`] : []),
      ...(extra.length ? [`Requested with --apt: ${extra.join(" ")}.`] : []),
    ];
    blocks.push(block(why.join("\n"), systemInstall(ctx, [...runtimeNative.flatMap((n) => n.runtime), ...extra])));
  }
  blocks.push(userBlock(ctx));
  blocks.push(`COPY --from=builder ${VENV} ${VENV}`);
  if (installsProject(facts)) {
    blocks.push("WORKDIR /home/app");
  } else {
    blocks.push(block("The code stays owned by root: the app can read it, not change it.", "WORKDIR /app", "COPY . ."));
    if (facts.appDir !== ".") blocks.push(`WORKDIR /app/${facts.appDir}`);
  }
  blocks.push(`USER ${APP_UID}:${APP_UID}`);
  if (facts.http.value) {
    blocks.push(`EXPOSE ${facts.port.value}`);
    blocks.push(healthcheck(facts.port.value));
  }
  blocks.push(`CMD ${execForm(plan.argv)}`);
  return blocks;
}

/** The Dockerfile text for a project: deterministic for the same facts and options. */
export function generateDockerfile(facts: ProjectFacts, options: GenerateOptions = {}): string {
  if (!facts.start) throw new Error("generateDockerfile needs a start command");
  const baseImage = options.baseImage ?? defaultBaseImage(facts.python.value);
  const builderImage = options.builderImage ?? baseImage;
  const buildkit = options.buildkit ?? true;
  const ctx: Ctx = { facts, buildkit, distro: distroOf(baseImage) };
  const parts = [header(facts, buildkit), ...builderStage(ctx, options, builderImage), ...runtimeStage(ctx, options, baseImage)];
  return parts.join("\n\n").replace(/\n\n(FROM )/g, "\n\n\n$1") + "\n";
}
