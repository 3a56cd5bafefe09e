import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configFromPyproject, loadConfigFile, resolveConfig, type ResolvedConfig, type WhittleConfig } from "../config.js";
import { InputError } from "../errors.js";
import { lint } from "../lint/engine.js";
import { defaultContext, displayName, findDockerfiles, readDockerfile } from "../lint/files.js";
import { projectContext } from "../project/context.js";
import { allChecks } from "../rules/all.js";
import { lintToGithub } from "../report/lint-github.js";
import { lintToJson, type LintFileReport } from "../report/lint-json.js";
import { lintToSarif } from "../report/lint-sarif.js";
import { lintToText } from "../report/lint-text.js";
import type { Severity } from "../rules/types.js";
import { SourceText } from "../text/source.js";
import { VERSION } from "../version.js";
import { requireTarget } from "../lint/target.js";

export interface LintCliOptions {
  format: string;
  context?: string;
  target?: string;
  config?: string;
  failOn?: string;
  disable?: string[];
  color?: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const FORMATS = ["text", "json", "sarif", "github"];

/** Config: --config FILE, else [tool.whittle] in the context's pyproject.toml; flags override both. */
export function configFor(contextDir: string, options: Pick<LintCliOptions, "config" | "failOn" | "disable">): ResolvedConfig {
  let raw: WhittleConfig = {};
  let source: string | undefined;
  if (options.config) {
    raw = loadConfigFile(options.config);
    source = options.config;
  } else {
    const pyproject = join(contextDir, "pyproject.toml");
    if (existsSync(pyproject)) {
      let text: string;
      try {
        text = readFileSync(pyproject, "utf8");
      } catch (err) {
        throw new InputError(`cannot read ${pyproject}: ${(err as NodeJS.ErrnoException).code}`);
      }
      const found = configFromPyproject(text, pyproject);
      if (found) {
        raw = found;
        source = pyproject;
      }
    }
  }
  if (options.failOn) {
    if (!(options.failOn in SEVERITY_RANK)) throw new InputError(`--fail-on must be error, warning or info (got "${options.failOn}")`);
    raw = { ...raw, "fail-on": options.failOn as Severity };
  }
  if (options.disable?.length) raw = { ...raw, disable: [...(raw.disable ?? []), ...options.disable.flatMap((d) => d.split(","))] };
  return resolveConfig(raw, source);
}

export async function runLint(paths: string[], options: LintCliOptions): Promise<number> {
  if (!FORMATS.includes(options.format)) throw new InputError(`unknown format "${options.format}" (use ${FORMATS.join(", ")})`);
  const files = findDockerfiles(paths.length ? paths : ["."]);
  const reports: LintFileReport[] = [];
  let inputError = false;
  let failing = false;
  for (const path of files) {
    const name = displayName(path);
    try {
      const text = readDockerfile(path);
      const contextDir = options.context ?? defaultContext(path);
      const config = configFor(contextDir, options);
      const result = lint({ path: name, text, project: projectContext(contextDir), config, target: options.target, checks: allChecks });
      requireTarget(path, result.model, options.target);
      reports.push({ path: name, source: result.model.source, findings: result.findings });
      if (result.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[config.failOn])) failing = true;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      inputError = true;
      reports.push({ path: name, source: new SourceText(name, ""), findings: [], error: err.message.replace(`${path}: `, "") });
      process.stderr.write(`whittle: ${err.message}\n`);
    }
  }
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  switch (options.format) {
    case "json":
      process.stdout.write(JSON.stringify(lintToJson(reports), null, 2) + "\n");
      break;
    case "sarif":
      process.stdout.write(JSON.stringify(lintToSarif(reports, allChecks.map((c) => c.meta), VERSION), null, 2) + "\n");
      break;
    case "github":
      process.stdout.write(lintToGithub(reports));
      break;
    default: {
      // Files that could not be linted were reported on stderr; a summary of none ("0 files checked") would mislead.
      const linted = reports.filter((r) => !r.error);
      if (linted.length > 0 || !inputError) process.stdout.write(lintToText(linted, color));
    }
  }
  return inputError ? 2 : failing ? 1 : 0;
}

export function registerLint(program: Command): void {
  program
    .command("lint")
    .description("check Dockerfiles of Python applications (files, directories, or - for stdin)")
    .argument("[paths...]", "Dockerfiles or directories to search", [])
    .option("-f, --format <format>", "text, json, sarif or github", "text")
    .option("--context <dir>", "build context (default: the Dockerfile's directory)")
    .option("--target <stage>", "the stage to treat as the final image (default: the last)")
    .option("--config <file>", "config file (TOML with [tool.whittle], or JSON)")
    .option("--fail-on <severity>", "exit 1 for findings at or above: error, warning or info")
    .option("--disable <ids...>", "turn checks off")
    .option("--color", "force colour")
    .option("--no-color", "no colour")
    .action(async (paths: string[], options: LintCliOptions) => {
      process.exitCode = await runLint(paths, options);
    });
}
