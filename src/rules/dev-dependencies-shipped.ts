import type { Stage, Word } from "../dockerfile/model.js";
import { commandEnv, runCommands, type RunCommand } from "../dockerfile/query.js";
import { findFlag, flagValue, hasFlag } from "../shell/invocation.js";
import { pythonOp, requirementFiles, type PythonOp } from "../shell/python.js";
import { removeShellWord } from "./lib/edits.js";
import { shippedEnvCopies } from "./lib/python-env.js";
import { defineCheck, type CheckContext, type Fix } from "./types.js";

const DEV_NAME = /(^|[/_.-])(dev|devel|develop|development|test|tests|testing|lint|ci|docs)([/_.-]|$)/i;
const DEV_EXTRA = /\[([^\]]*)\]/;

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : undefined);

/** Development groups the project declares, per tool; undefined when pyproject.toml is not readable. */
function devGroups(ctx: CheckContext, tool: "poetry" | "uv" | "pdm"): string[] | undefined {
  const py = ctx.project.pyproject();
  if (!py) return undefined;
  const toolTable = table(py.tool);
  const groups: string[] = [];
  if (tool === "poetry") {
    const poetry = table(toolTable?.poetry);
    if (poetry?.["dev-dependencies"]) groups.push("dev");
    for (const [name, g] of Object.entries(table(poetry?.group) ?? {})) if (table(g)?.optional !== true) groups.push(name);
    return groups;
  }
  const depGroups = table(py["dependency-groups"]);
  if (tool === "uv") {
    if (depGroups?.dev || table(toolTable?.uv)?.["dev-dependencies"]) groups.push("dev");
    return groups;
  }
  groups.push(...Object.keys(depGroups ?? {}), ...Object.keys(table(table(toolTable?.pdm)?.["dev-dependencies"]) ?? {}));
  return groups;
}

/** Stages whose installed packages end up in the final image: shipped ones and the sources of copied environments. */
function shippingStages(ctx: CheckContext): Stage[] {
  const out = new Set(ctx.file.stages.filter((s) => s.shipped));
  for (const copy of shippedEnvCopies(ctx.file)) for (let s: Stage | undefined = copy.from; s; s = s.parent) out.add(s);
  return [...out].sort((a, b) => a.index - b.index);
}

/** poetry 1.1 and older know --no-dev only. */
function oldPoetry(ctx: CheckContext): boolean {
  return ctx.file.instructions.some((i) => /poetry[=~<>]=*\s*1\.[01](\.|\b)/.test(ctx.file.source.slice(i.span)));
}

const afterVerb = (op: PythonOp, text: string): Fix => ({
  kind: "safe",
  description: `add ${text.trim()}`,
  edits: [{ start: op.verb!.span.end, end: op.verb!.span.end, text }],
});

function checkCommand(ctx: CheckContext, rc: RunCommand): void {
  const op = pythonOp(rc.cmd);
  if (!op?.verb) return;
  const at = { start: op.inv.toolWord.span.start, end: op.verb.span.end };
  const exact = ctx.file.source.slice(op.verb.span) === op.verb.raw;
  const report = (span: { start: number; end: number } | Word, message: string, fix?: Fix) => ctx.report(span, { message, instruction: rc.ins, fix: exact ? fix : undefined });
  if (op.tool === "poetry" && op.action === "install") {
    if (hasFlag(op.args, "--no-dev", "--only-root")) return;
    const only = flagValue(op.args, "--only")?.value;
    if (only !== undefined) {
      if (only.split(",").some((g) => DEV_NAME.test(g))) report(at, `poetry install --only ${only} installs development dependencies into the image`);
      return;
    }
    const groups = devGroups(ctx, "poetry");
    const without = flagValue(op.args, "--without")?.value.split(",") ?? [];
    if (groups && groups.every((g) => without.includes(g))) return;
    if (!groups && without.some((g) => DEV_NAME.test(g))) return;
    const flag = oldPoetry(ctx) ? " --no-dev" : " --only main";
    // --only cannot be combined with --with: leave that rewrite to the author
    const fix = hasFlag(op.args, "--with") ? undefined : afterVerb(op, flag);
    report(at, `poetry install also installs the development groups: add${flag}`, fix);
  } else if (op.tool === "pipenv" && (op.action === "install" || op.action === "sync")) {
    const dev = findFlag(op.args, "--dev", "-d");
    if (dev && (dev.text === "--dev" || dev.text === "-d")) {
      report(dev, `pipenv ${op.action} --dev installs the [dev-packages] into the image: drop --dev`, { kind: "safe", description: "drop --dev", edits: [removeShellWord(ctx.file, dev)] });
    }
  } else if (op.tool === "uv" && op.action === "sync") {
    if (hasFlag(op.args, "--no-dev", "--no-default-groups", "--only-group")) return;
    if (flagValue(op.args, "--no-group")?.value === "dev") return;
    if (commandEnv(rc, "UV_NO_DEV") || commandEnv(rc, "UV_NO_DEFAULT_GROUPS")) return;
    if (hasFlag(op.args, "--only-dev", "--all-groups") || flagValue(op.args, "--group")?.value === "dev") {
      report(at, "uv sync is asked for the development group in a stage that ships");
      return;
    }
    if (devGroups(ctx, "uv")?.length === 0) return;
    report(at, "uv sync installs the dev dependency group by default: add --no-dev", afterVerb(op, " --no-dev"));
  } else if (op.tool === "pdm" && (op.action === "install" || op.action === "sync")) {
    if (hasFlag(op.args, "--prod", "--production")) return;
    if (devGroups(ctx, "pdm")?.length === 0) return;
    report(at, `pdm ${op.action} installs the development dependencies by default: add --prod`, afterVerb(op, " --prod"));
  } else if ((op.tool === "pip" || op.tool === "uv-pip") && op.action === "install") {
    for (const file of requirementFiles(op)) {
      const name = file.text.replace(/^(-r|--requirement=)/, "");
      if (DEV_NAME.test(name.replace(/\.(txt|in)$/, ""))) report(file, `${name} looks like development requirements, installed in a stage that ships`);
    }
    const editable = flagValue(op.args, "-e", "--editable")?.word;
    for (const t of editable ? [...op.targets, editable] : op.targets) {
      const spec = t.text.replace(/^--editable=/, "");
      const extras = DEV_EXTRA.exec(spec)?.[1];
      if (extras?.split(",").some((e) => DEV_NAME.test(e.trim()))) report(t, `${spec} installs development extras in a stage that ships`);
    }
  }
}

export default defineCheck({
  meta: {
    id: "dev-dependencies-shipped",
    title: "development dependencies installed in the final image",
    category: "correctness",
    severity: "warning",
    fix: "safe",
    productionOnly: true,
    docs:
      "Poetry, uv and PDM install the development groups (pytest, mypy, linters, debuggers) unless told not to, and " +
      "`pipenv install --dev` asks for them. In a stage that reaches the final image (or whose venv is copied there) " +
      "they add tens to hundreds of MB, widen the attack surface, and can change behaviour (a debug toolbar or a test " +
      "plugin that registers itself). Use `poetry install --only main` (Poetry 1.2+; `--no-dev` before), `uv sync " +
      "--no-dev`, `pdm install --prod`, and drop `--dev` from pipenv. Development requirement files and `.[dev]` extras " +
      "installed with pip are reported too. Silent when pyproject.toml shows no development group, and when the target " +
      "is evidently a development or test stage.",
  },
  check(ctx) {
    for (const stage of shippingStages(ctx)) for (const rc of runCommands(stage)) checkCommand(ctx, rc);
  },
});
