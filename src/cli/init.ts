import type { Command } from "commander";
import { join, resolve } from "node:path";
import { z } from "zod";
import { configFromPyproject } from "../config.js";
import { InputError } from "../errors.js";
import { defaultBaseImage, distroOf, generateDockerfile, serverPlan, type GenerateOptions } from "../generate/dockerfile.js";
import { generateDockerignore } from "../generate/dockerignore.js";
import { detectProject } from "../project/detect.js";
import { setTableKeys, type TomlValue } from "../project/pyproject-edit.js";
import { table, ProjectTree } from "../project/tree.js";
import { explainFacts } from "../report/init-text.js";
import { writeFileAtomic } from "../text/atomic-write.js";
import { unifiedDiff } from "../text/diff.js";

export interface InitCliOptions {
  baseImage?: string;
  builderImage?: string;
  python?: string;
  port?: string;
  apt?: string[];
  buildApt?: string[];
  cmd?: string;
  buildkit?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PACKAGE = /^[a-z0-9][a-z0-9+.:~=-]*$/;

/** The options `[tool.whittle.init]` may remember, under the names of the command-line flags. */
const RememberedSchema = z
  .object({
    "base-image": z.string().min(1).optional(),
    "builder-image": z.string().min(1).optional(),
    python: z.string().regex(/^\d+\.\d+$/, "a minor version such as 3.12").optional(),
    port: z.number().int().min(1).max(65535).optional(),
    apt: z.array(z.string().regex(PACKAGE, "a system package name")).optional(),
    "build-apt": z.array(z.string().regex(PACKAGE, "a system package name")).optional(),
    cmd: z.string().min(1).optional(),
    buildkit: z.boolean().optional(),
  })
  .strict();

type Remembered = z.infer<typeof RememberedSchema>;

function validate(value: unknown, where: string): Remembered {
  const parsed = RememberedSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${where}: ${issue.path.join(".") || "options"}: ${issue.message}`);
  }
  return parsed.data;
}

/** The flags given on this run, as remembered options (validated like the stored ones). */
function fromFlags(options: InitCliOptions): Remembered {
  const port = options.port === undefined ? undefined : /^\d+$/.test(options.port) ? Number(options.port) : NaN;
  const raw: Record<string, unknown> = {
    "base-image": options.baseImage,
    "builder-image": options.builderImage,
    python: options.python,
    port: Number.isNaN(port) ? options.port : port,
    apt: options.apt?.length ? options.apt : undefined,
    "build-apt": options.buildApt?.length ? options.buildApt : undefined,
    cmd: options.cmd,
    buildkit: options.buildkit,
  };
  return validate(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), "option");
}

interface Target {
  name: string;
  path: string;
  before: string | undefined;
  after: string;
}

export async function runInit(dirArg: string, options: InitCliOptions, out: Output): Promise<number> {
  const dir = resolve(dirArg);
  const tree = new ProjectTree(dir);
  const pyprojectText = tree.read("pyproject.toml");
  const pyprojectPath = join(dir, "pyproject.toml");
  const config = pyprojectText === undefined ? undefined : configFromPyproject(pyprojectText, pyprojectPath);
  const stored = validate(table(config?.init), `${pyprojectPath} [tool.whittle.init]`);
  const flags = fromFlags(options);
  const effective: Remembered = { ...stored, ...flags };

  // The distribution of the runtime base decides the native package names; the Python version decides its tag.
  const provisional = effective["base-image"] ?? "python";
  const facts = detectProject(dir, { python: effective.python, port: effective.port, cmd: effective.cmd, distro: distroOf(provisional) });
  if (!facts.start) {
    throw new InputError(
      `${dir}: cannot tell how the application starts (no Django project, Flask/FastAPI app, Procfile web process, console script or __main__ module): pass --cmd`,
    );
  }
  const images = config?.images ?? {};
  const base = effective["base-image"] ?? images[defaultBaseImage(facts.python.value)] ?? defaultBaseImage(facts.python.value);
  const generate: GenerateOptions = {
    baseImage: base,
    builderImage: effective["builder-image"] ?? base,
    apt: effective.apt,
    buildApt: effective["build-apt"],
    buildkit: effective.buildkit ?? true,
  };
  out.stderr(`whittle init: ${dir}\n${explainFacts(facts, { base, builder: generate.builderImage! }, serverPlan(facts).argv)}`);

  const targets: Target[] = [
    { name: "Dockerfile", path: join(dir, "Dockerfile"), before: tree.read("Dockerfile"), after: generateDockerfile(facts, generate) },
    { name: ".dockerignore", path: join(dir, ".dockerignore"), before: tree.read(".dockerignore"), after: generateDockerignore(facts) },
  ];
  const changed = targets.filter((t) => t.before !== t.after);
  const conflicts = changed.filter((t) => t.before !== undefined);
  const diff = (t: Target) => unifiedDiff(t.before ?? "", t.after, t.before === undefined ? "/dev/null" : `a/${t.name}`, `b/${t.name}`);

  if (options.dryRun || (conflicts.length && !options.force)) {
    for (const t of changed) out.stdout(diff(t));
    if (options.dryRun) out.stderr(changed.length ? "whittle: dry run, nothing written\n" : "whittle: Dockerfile and .dockerignore are up to date\n");
    else out.stderr(`whittle: ${conflicts.map((t) => t.name).join(" and ")} ${conflicts.length > 1 ? "exist" : "exists"} and would change as shown: nothing written; run with --force to replace\n`);
    return 0;
  }

  // Remember the flags of this run for the next one, in the project's own pyproject.toml.
  const toRemember = Object.entries(flags).filter(([k, v]) => JSON.stringify(stored[k as keyof Remembered]) !== JSON.stringify(v));
  if (toRemember.length) {
    const text = setTableKeys(pyprojectText ?? "", "tool.whittle.init", Object.fromEntries(toRemember) as Record<string, TomlValue>, pyprojectPath);
    writeFileAtomic(pyprojectPath, text);
  }
  for (const t of changed) writeFileAtomic(t.path, t.after);
  const wrote = [...changed.map((t) => t.name), ...(toRemember.length ? [`[tool.whittle.init] in pyproject.toml`] : [])];
  out.stderr(wrote.length ? `whittle: wrote ${wrote.join(", ")}\n` : "whittle: Dockerfile and .dockerignore are up to date\n");
  return 0;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a Dockerfile and .dockerignore for the Python project in a directory (a diff when they exist)")
    .argument("[dir]", "the project directory", ".")
    .option("--base-image <image>", "runtime base image (default python:<X.Y>-slim-bookworm)")
    .option("--builder-image <image>", "builder base image (default: the runtime base)")
    .option("--python <X.Y>", "Python version, instead of the one the project declares")
    .option("--port <port>", "port the application listens on")
    .option("--apt <package>", "extra system package for the runtime stage (repeatable)", collect)
    .option("--build-apt <package>", "extra system package for the builder stage (repeatable)", collect)
    .option("--cmd <command>", "start command (a command line or a JSON array)")
    .option("--buildkit", "use BuildKit cache and secret mounts (the default)")
    .option("--no-buildkit", "plain Dockerfile for the legacy builder")
    .option("--force", "replace an existing Dockerfile/.dockerignore")
    .option("--dry-run", "show what would be written, write nothing")
    .addHelpText("after", "\nOptions given here are remembered in [tool.whittle.init] of pyproject.toml for the next run.")
    .action(async (dir: string, options: InitCliOptions) => {
      process.exitCode = await runInit(dir, options, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}
