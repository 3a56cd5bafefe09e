import { projectContext } from "./context.js";
import { DEFAULT_PORT, commandArgv, detectEntryPoint, detectServers, portOf } from "./entrypoint.js";
import type { Fact, NativeFact, ProjectFacts } from "./facts.js";
import { detectDependencies, projectPackage } from "./manifests.js";
import { nativeNeed, type Distro } from "./native-deps.js";
import { DEFAULT_PYTHON, minorOf, pickMinor } from "./python-version.js";
import { table, ProjectTree } from "./tree.js";

export interface DetectOptions {
  /** "3.11": overrides what the project says. */
  python?: string;
  port?: number;
  /** A start command (a command line or a JSON array). */
  cmd?: string;
  /** The distribution of the base image, for native packages (default debian). */
  distro?: Distro;
}

function detectPython(tree: ProjectTree, pyproject: Record<string, unknown> | undefined, notes: string[]): Fact<string> {
  const pinned = (file: string, text: string | undefined, what: string): Fact<string> | undefined => {
    if (text === undefined) return undefined;
    const minor = minorOf(text);
    if (minor) return { value: minor, source: file, reason: `${what} ${text.trim()}` };
    notes.push(`${file}: cannot read a CPython version from "${text.trim()}"`);
    return undefined;
  };
  const constrained = (file: string, constraint: unknown, what: string): Fact<string> | undefined => {
    if (typeof constraint !== "string") return undefined;
    const minor = pickMinor(constraint);
    if (minor) return { value: minor, source: file, reason: `${what} "${constraint}" allows it` };
    notes.push(`${file}: no known Python release satisfies ${what} "${constraint}"`);
    return undefined;
  };
  const firstLine = (tree.read(".python-version") ?? "").split(/\r?\n/).map((l) => l.replace(/#.*/, "").trim()).find((l) => l !== "");
  const pipfileRequires = table(tree.toml("Pipfile")?.requires);
  const project = table(pyproject?.project);
  const poetryPython = table(table(table(pyproject?.tool).poetry).dependencies).python;
  const found =
    pinned(".python-version", firstLine, ".python-version pins") ??
    pinned("runtime.txt", tree.read("runtime.txt")?.trim() || undefined, "runtime.txt asks for") ??
    pinned("Pipfile", (pipfileRequires.python_full_version ?? pipfileRequires.python_version) as string | undefined, "[requires] python_version") ??
    constrained("pyproject.toml", project["requires-python"], "requires-python") ??
    constrained("pyproject.toml", poetryPython, "[tool.poetry.dependencies] python");
  return found ?? { value: DEFAULT_PYTHON, source: "default", reason: "the project does not say: the newest release with a long support window" };
}

/** Everything init needs to know about the project in `dir`; unreadable or broken inputs are InputErrors. */
export function detectProject(dir: string, options: DetectOptions = {}): ProjectFacts {
  const tree = new ProjectTree(dir);
  const notes: string[] = [];
  const pyproject = tree.toml("pyproject.toml");
  const dependencies = detectDependencies(tree, pyproject, notes);
  const pkg = projectPackage(tree, pyproject, projectContext(dir).backendFiles());
  const distributions = dependencies.value.distributions;
  const entry = detectEntryPoint(tree, pkg, distributions, notes, options.port);

  const python: Fact<string> = options.python
    ? { value: options.python, source: "option", reason: "chosen with --python" }
    : detectPython(tree, pyproject, notes);
  let { start, http, port } = entry;
  if (options.cmd !== undefined) {
    const argv = commandArgv(options.cmd, options.port ?? DEFAULT_PORT);
    start = { value: { kind: "command", argv }, source: "option", reason: "chosen with --cmd" };
    const bound = portOf(argv);
    if (bound) port = { value: bound, source: "option", reason: "the port the --cmd command binds" };
    if (bound || /^(gunicorn|uvicorn|hypercorn|daphne|waitress-serve|granian)$/.test(argv[0] ?? "")) {
      http = { value: true, source: "option", reason: "the --cmd command is a server" };
    }
  }
  if (options.port !== undefined) {
    port = { value: options.port, source: "option", reason: "chosen with --port" };
    http = { value: true, source: "option", reason: "a port was given with --port" };
  }

  const distro = options.distro ?? "debian";
  const native: NativeFact[] = [];
  for (const [name, extras] of [...distributions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // psycopg[binary] shows up in a lock file as the psycopg-binary distribution.
    const implied = [...extras, ...["binary", "c"].filter((e) => distributions.has(`${name}-${e}`))];
    const need = nativeNeed(name, distro, implied);
    if (!need) continue;
    const parts = [need.build.length ? `builds with ${need.build.join(" ")}` : "", need.runtime.length ? `needs ${need.runtime.join(" ")} at run time` : ""].filter(Boolean);
    native.push({ ...need, source: dependencies.source, reason: `${need.note}: ${parts.join(", ")}` });
  }

  return {
    dir,
    dependencies,
    python,
    package: pkg,
    framework: entry.framework,
    start,
    appDir: entry.appDir,
    http,
    port,
    servers: detectServers(distributions),
    settingsModule: entry.settingsModule,
    native,
    venvDirs: tree.venvDirs(),
    notes,
  };
}
