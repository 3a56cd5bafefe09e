import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { compare, type CompareReport, type ProgressEvent } from "../build/compare.js";
import { Docker } from "../build/docker.js";
import { loadSmokeFile, parseHttpSpec, parseSmokeCommand, type SmokeTest } from "../build/smoke.js";
import { InputError } from "../errors.js";
import { compareToText } from "../report/compare-text.js";
import { configFor } from "./lint.js";

export interface CompareCliOptions {
  context?: string;
  smoke?: string;
  http?: string;
  smokeFile?: string;
  buildArg: string[];
  imageMap: string[];
  network?: string;
  edit?: string;
  config?: string;
  docker?: string;
  keepImages?: boolean;
  format: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** K=V pairs of repeatable options, e.g. --build-arg PIP_INDEX_URL=http://127.0.0.1:8080/simple. */
function pairs(values: string[], option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new InputError(`${option} expects KEY=VALUE (got "${v}")`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function smokeTest(options: CompareCliOptions): SmokeTest | undefined {
  const given = [options.smoke, options.http, options.smokeFile].filter((v) => v !== undefined);
  if (given.length > 1) throw new InputError("give one of --smoke, --http or --smoke-file");
  if (options.smoke !== undefined) return parseSmokeCommand(options.smoke);
  if (options.http !== undefined) return parseHttpSpec(options.http);
  if (options.smokeFile !== undefined) return loadSmokeFile(options.smokeFile);
  return undefined;
}

/** One status line on a terminal, rewritten in place; nothing when stderr is not a terminal. */
function progressLine(): ((e: ProgressEvent) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const width = Math.max(20, (process.stderr.columns || 80) - 1);
  let phase = "";
  return (e) => {
    if (e.kind === "phase") phase = `${e.side.toUpperCase()} ${e.phase}`;
    const text = e.kind === "step" ? `${phase}: ${e.step.name}` : `${phase}...`;
    process.stderr.write(`\r\x1b[K${text.slice(0, width)}`);
  };
}

export async function runCompare(a: string, b: string, options: CompareCliOptions): Promise<number> {
  if (!["text", "json"].includes(options.format)) throw new InputError(`unknown format "${options.format}" (use text or json)`);
  for (const f of [a, b]) if (!existsSync(f) || !statSync(f).isFile()) throw new InputError(`no Dockerfile at ${f}`);
  const context = options.context ?? dirname(a);
  if (!existsSync(context) || !statSync(context).isDirectory()) throw new InputError(`build context ${context} is not a directory`);
  const smoke = smokeTest(options);
  const buildArgs = pairs(options.buildArg, "--build-arg");
  const imageMap = { ...(configFor(context, { config: options.config }).raw.images ?? {}), ...pairs(options.imageMap, "--image-map") };
  const docker = Docker.connect(options.docker);
  const onProgress = progressLine();
  let report: CompareReport;
  try {
    report = await compare(docker, { dockerfiles: [a, b], context, buildArgs, imageMap, network: options.network, smoke, edit: options.edit, keepImages: options.keepImages, onProgress });
  } finally {
    if (onProgress) process.stderr.write("\r\x1b[K");
  }
  process.stdout.write(options.format === "json" ? JSON.stringify({ schema: "whittle.compare/1", ...report }, null, 2) + "\n" : compareToText(report));
  return report.a.failure || report.b.failure || !report.b.ok ? 1 : 0;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("build two Dockerfiles of one context and compare size, build times, packages, root, compilers and a smoke test")
    .argument("<dockerfileA>", "the reference, e.g. the current Dockerfile")
    .argument("<dockerfileB>", "the candidate, e.g. an optimized Dockerfile")
    .option("--context <dir>", "build context (default: the directory of dockerfileA)")
    .option("--smoke <command>", "command run in each image (replacing its entrypoint); must exit 0")
    .option("--http <port/path>", "HTTP probe: the container port and path, e.g. 8000/health; must answer below 400")
    .option("--smoke-file <json>", 'smoke test from a file: {"cmd": [...]} or {"http": {"port": 8000, "path": "/health"}}')
    .option("--build-arg <key=value>", "build argument for both builds (repeatable)", collect, [])
    .option("--image-map <official=local>", "build FROM a local image instead of an official one (repeatable; also config `images`)", collect, [])
    .option("--network <mode>", "network for RUN steps during builds, e.g. host to reach a package index on 127.0.0.1")
    .option("--edit <file>", "context-relative .py file to edit for the warm rebuild (default: the first one the context keeps)")
    .option("--config <file>", "config file (TOML with [tool.whittle], or JSON)")
    .option("--docker <cli>", "docker CLI to use (default: $WHITTLE_DOCKER or docker)")
    .option("--keep-images", "keep the built images")
    .option("-f, --format <format>", "text or json", "text")
    .action(async (a: string, b: string, options: CompareCliOptions) => {
      process.exitCode = await runCompare(a, b, options);
    });
}
