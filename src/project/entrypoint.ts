import { posix } from "node:path";
import type { Fact, Framework, ProjectPackage, Servers, StartSpec } from "./facts.js";
import type { ProjectTree } from "./tree.js";

export const DEFAULT_PORT = 8000;

export interface EntryPoint {
  framework: Fact<Framework>;
  start: Fact<StartSpec> | undefined;
  appDir: string;
  http: Fact<boolean>;
  port: Fact<number>;
  settingsModule?: Fact<string>;
}

/** Splits a command line the way a POSIX shell splits words (quotes and backslashes; no expansion). */
export function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let current: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && /["\\$`]/.test(text[i + 1] ?? "")) current = (current ?? "") + text[++i];
      else current = (current ?? "") + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      current = current ?? "";
    } else if (c === "\\" && i + 1 < text.length) current = (current ?? "") + text[++i];
    else if (/\s/.test(c)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? "") + c;
  }
  if (quote) return undefined;
  if (current !== undefined) words.push(current);
  return words;
}

const DEV_SERVER = /\brunserver\b|\bflask\s+run\b|--reload\b|\bfastapi\s+dev\b/;

/** The port a server command binds: --bind/-b host:port, --port/-p N, or undefined. */
export function portOf(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    const value = inline ?? argv[i + 1];
    if ((flag === "--bind" || flag === "-b") && value) {
      const m = /:(\d+)$/.exec(value);
      if (m) return Number(m[1]);
    }
    if ((flag === "--port" || flag === "-p") && value && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/** A start command from text (Procfile line, --cmd): exec-form words, $PORT replaced by the port. */
export function commandArgv(text: string, port: number): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === "string")) return parsed as string[];
    } catch {
      // not JSON: read it as a command line
    }
  }
  const withPort = trimmed.replace(/\$\{PORT(?::-?\d+)?\}|\$PORT\b/g, String(port));
  const words = shellWords(withPort);
  // Operators or variables need a shell; `exec` keeps the app as PID 1 where the line allows it.
  if (!words || /[;&|<>`]|\$/.test(withPort)) return ["sh", "-c", /[;&|]/.test(withPort) ? withPort : `exec ${withPort}`];
  return words;
}

function moduleOf(file: string, importRoot: string): string {
  const rel = importRoot === "." ? file : posix.relative(importRoot, file);
  return rel.replace(/\.py$/, "").replace(/\/__init__$/, "").split("/").join(".");
}

const PREFERRED_FILES = ["app.py", "main.py", "wsgi.py", "asgi.py", "application.py", "server.py", "api.py", "__init__.py"];

function rank(file: string): [number, number, string] {
  const name = posix.basename(file);
  const i = PREFERRED_FILES.indexOf(name);
  return [file.split("/").length, i === -1 ? PREFERRED_FILES.length : i, file];
}

function byRank(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0);
}

interface AppObject {
  framework: Exclude<Framework, "django" | "none">;
  file: string;
  attr: string;
  factory: boolean;
}

const APP_PATTERNS: Array<{ framework: AppObject["framework"]; re: RegExp }> = [
  { framework: "fastapi", re: /^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:fastapi\.)?FastAPI\(/m },
  { framework: "starlette", re: /^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:starlette\.applications\.)?Starlette\(/m },
  { framework: "flask", re: /^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:flask\.)?Flask\(/m },
];

function findAppObjects(tree: ProjectTree, files: string[]): AppObject[] {
  const found: AppObject[] = [];
  for (const file of files) {
    const text = tree.read(file);
    if (!text) continue;
    for (const { framework, re } of APP_PATTERNS) {
      const m = re.exec(text);
      if (m) found.push({ framework, file, attr: m[1], factory: false });
      else if (framework === "flask" && /\bFlask\(/.test(text)) {
        const factory = /^def (create_app|make_app)\(/m.exec(text);
        if (factory) found.push({ framework, file, attr: factory[1], factory: true });
      }
    }
  }
  const order: Record<AppObject["framework"], number> = { fastapi: 0, starlette: 1, flask: 2 };
  return found.sort((a, b) => order[a.framework] - order[b.framework] || Number(a.factory) - Number(b.factory) || byRank(a.file, b.file));
}

interface Located {
  dotted: string;
  file: string;
  reason: string;
}

interface DjangoProject {
  manage: string;
  settings?: string;
  wsgi?: Located;
  asgi?: Located;
  asgiPreferred: boolean;
}

function findDjango(tree: ProjectTree, files: string[]): DjangoProject | undefined {
  const manage = files.filter((f) => posix.basename(f) === "manage.py").sort(byRank).find((f) => /django/i.test(tree.read(f) ?? ""));
  if (!manage) return undefined;
  const dir = posix.dirname(manage);
  const inDir = (rel: string) => (dir === "." ? rel : `${dir}/${rel}`);
  const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(tree.read(manage) ?? "")?.[1];
  const out: DjangoProject = { manage, settings, asgiPreferred: false };
  if (!settings) return out;
  const settingsPath = settings.split(".").join("/");
  // The settings module, its package's modules when it is a package, and its siblings (settings/production.py
  // usually imports settings/base.py, where WSGI_APPLICATION lives).
  const parent = posix.dirname(settingsPath);
  const shared = ["__init__.py", "base.py", "common.py", "production.py"];
  const candidates = [
    `${settingsPath}.py`,
    ...shared.map((f) => `${settingsPath}/${f}`),
    ...(parent === "." ? [] : shared.map((f) => `${parent}/${f}`)),
  ];
  for (const c of candidates) {
    const text = tree.read(inDir(c));
    if (text === undefined) continue;
    const wsgi = /^WSGI_APPLICATION\s*=\s*["']([\w.]+)["']/m.exec(text)?.[1];
    const asgi = /^ASGI_APPLICATION\s*=\s*["']([\w.]+)["']/m.exec(text)?.[1];
    if (wsgi) out.wsgi ??= { dotted: wsgi, file: inDir(c), reason: "WSGI_APPLICATION in the settings" };
    if (asgi && !out.asgi) {
      // ASGI_APPLICATION is set only by projects that need ASGI (Channels): it wins over WSGI.
      out.asgi = { dotted: asgi, file: inDir(c), reason: "ASGI_APPLICATION in the settings" };
      out.asgiPreferred = true;
    }
  }
  const pkg = settings.split(".")[0];
  const application = (kind: "wsgi" | "asgi"): Located | undefined => {
    const file = inDir(`${pkg}/${kind}.py`);
    return /^application\s*=/m.test(tree.read(file) ?? "") ? { dotted: `${pkg}.${kind}.application`, file, reason: `${kind}.py defines application` } : undefined;
  };
  out.wsgi ??= application("wsgi");
  out.asgi ??= application("asgi");
  if (!out.wsgi && out.asgi) out.asgiPreferred = true;
  return out;
}

/** "mysite.wsgi.application" -> "mysite.wsgi:application" */
function callable(dotted: string): string {
  const i = dotted.lastIndexOf(".");
  return `${dotted.slice(0, i)}:${dotted.slice(i + 1)}`;
}

/** Where a Python file's module name starts: src/ for a src layout, else the project root. */
function importRootOf(file: string): string {
  return file.startsWith("src/") ? "src" : ".";
}

/** The framework, how the app starts, and whether it serves HTTP on which port. */
export function detectEntryPoint(
  tree: ProjectTree,
  pkg: ProjectPackage,
  distributions: Map<string, string[]>,
  notes: string[],
  portOption?: number,
): EntryPoint {
  const files = tree.pythonFiles();
  const defaultPort: Fact<number> = { value: DEFAULT_PORT, source: "default", reason: `the port servers conventionally use in containers` };
  const noFramework: Fact<Framework> = { value: "none", source: "default", reason: "no Django, Flask or FastAPI application found" };
  const web = (framework: Fact<Framework>, start: Fact<StartSpec>, appDir: string, extra: Partial<EntryPoint> = {}): EntryPoint => ({
    framework,
    start,
    appDir,
    http: { value: true, source: start.source, reason: "a web application" },
    port: defaultPort,
    ...extra,
  });

  const django = findDjango(tree, files);
  const apps = findAppObjects(tree, files);
  const framework: Fact<Framework> = django
    ? { value: "django", source: django.manage, reason: `${django.manage} runs Django` }
    : apps[0]
      ? { value: apps[0].framework, source: apps[0].file, reason: `${apps[0].file} creates the application object ${apps[0].attr}${apps[0].factory ? "()" : ""}` }
      : noFramework;
  if (django && !distributions.has("django") && distributions.size > 0) notes.push(`${django.manage} uses Django, but the dependencies do not list it`);

  const procfile = tree.read("Procfile");
  const webLine = procfile ? /^web:\s*(.+)$/m.exec(procfile)?.[1]?.trim() : undefined;
  if (webLine) {
    if (DEV_SERVER.test(webLine)) {
      notes.push(`Procfile's web process is a development server (${webLine}): a production server is used instead`);
    } else {
      // Platforms that run Procfiles set $PORT; in the image it becomes the port chosen here.
      const port = portOption ?? DEFAULT_PORT;
      const argv = commandArgv(webLine, port);
      const bound = /\$\{?PORT\b/.test(webLine) ? undefined : portOf(argv);
      return {
        framework,
        start: { value: { kind: "command", argv }, source: "Procfile", reason: "the web process of the Procfile" },
        appDir: ".",
        http: { value: true, source: "Procfile", reason: "the Procfile declares a web process" },
        port: bound ? { value: bound, source: "Procfile", reason: "the port the web process binds" } : /\$\{?PORT\b/.test(webLine) ? { value: port, source: "Procfile", reason: `the web process binds $PORT, set to ${port}` } : defaultPort,
      };
    }
  }

  if (django) {
    const appDir = posix.dirname(django.manage);
    const settingsModule = django.settings
      ? { value: django.settings, source: django.manage, reason: "DJANGO_SETTINGS_MODULE set in manage.py" }
      : undefined;
    const target = django.asgiPreferred ? django.asgi : django.wsgi;
    if (target) {
      const kind = django.asgiPreferred ? "asgi" : "wsgi";
      return web(framework, { value: { kind, app: callable(target.dotted) }, source: target.file, reason: target.reason }, appDir, { settingsModule });
    }
    notes.push(`${django.manage}: no WSGI or ASGI application found next to the settings: pass --cmd`);
    return { framework, start: undefined, appDir, http: { value: true, source: django.manage, reason: "a Django project" }, port: defaultPort, settingsModule };
  }

  if (apps[0]) {
    const app = apps[0];
    const importRoot = importRootOf(app.file);
    const target = `${moduleOf(app.file, importRoot)}:${app.attr}${app.factory ? "()" : ""}`;
    const kind = app.framework === "flask" ? "wsgi" : "asgi";
    return web(framework, { value: { kind, app: target }, source: app.file, reason: app.factory ? "the application factory" : "the application object" }, importRoot);
  }

  const scripts = Object.keys(pkg.scripts);
  if (scripts.length) {
    const name = scripts.length === 1 ? scripts[0] : scripts.find((s) => pkg.name && s === pkg.name) ?? scripts[0];
    if (!pkg.installable) notes.push(`console script ${name} is declared but the project is not an installable package: it will not exist in the image`);
    if (scripts.length > 1) notes.push(`several console scripts (${scripts.join(", ")}): ${name} starts the container; pass --cmd for another`);
    return {
      framework,
      start: { value: { kind: "command", argv: [name] }, source: "pyproject.toml", reason: `console script ${name} = "${pkg.scripts[name]}"` },
      appDir: ".",
      http: { value: false, source: "pyproject.toml", reason: "a command-line program" },
      port: defaultPort,
    };
  }

  const mainPackage = files.filter((f) => posix.basename(f) === "__main__.py").sort(byRank)[0];
  if (mainPackage) {
    const root = importRootOf(mainPackage);
    const module = moduleOf(posix.dirname(mainPackage), root);
    return {
      framework,
      start: { value: { kind: "command", argv: ["python", "-m", module] }, source: mainPackage, reason: `package ${module} runs with python -m` },
      appDir: root,
      http: { value: false, source: mainPackage, reason: "a program, not a web application" },
      port: defaultPort,
    };
  }
  const script = files.filter((f) => !f.includes("/") && /^if __name__ == ["']__main__["']/m.test(tree.read(f) ?? "")).sort(byRank)[0];
  if (script) {
    return {
      framework,
      start: { value: { kind: "command", argv: ["python", script] }, source: script, reason: `${script} runs as a script` },
      appDir: ".",
      http: { value: false, source: script, reason: "a program, not a web application" },
      port: defaultPort,
    };
  }
  return { framework, start: undefined, appDir: ".", http: { value: false, source: "default", reason: "no start command found" }, port: defaultPort };
}

/** Servers the dependencies provide (FastAPI's [standard] extra brings uvicorn). */
export function detectServers(distributions: Map<string, string[]>): Servers {
  const fastapiExtras = distributions.get("fastapi") ?? [];
  return {
    gunicorn: distributions.has("gunicorn"),
    uvicorn: distributions.has("uvicorn") || fastapiExtras.includes("standard") || fastapiExtras.includes("all"),
    uvicornWorker: distributions.has("uvicorn-worker"),
  };
}
