import { Presets, SingleBar } from "cli-progress";
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { configFromPyproject, loadConfigFile } from "../config.js";
import { InputError } from "../errors.js";
import { analyzeImage } from "../image/analyze.js";
import { layerInstructions, measureFindings } from "../image/attribution.js";
import { diffImages } from "../image/diff.js";
import { DEFAULT_GATE, evaluateGate, mergeGate, parseGateConfig, type GateKey } from "../image/gate.js";
import { DEFAULT_LIMITS } from "../image/layer-reader.js";
import { sizeTree } from "../image/size-tree.js";
import { parsePlatform } from "../image/sources/oci.js";
import { openSource } from "../image/sources/index.js";
import type { ImageSource, Progress } from "../image/sources/types.js";
import { captureRule } from "../image/view.js";
import { lint } from "../lint/engine.js";
import { readDockerfile } from "../lint/files.js";
import { projectContext } from "../project/context.js";
import { formatBytes } from "../report/format.js";
import { inspectToHtml } from "../report/inspect-html.js";
import { inspectToJson, type InspectOutput } from "../report/inspect-json.js";
import { inspectToText } from "../report/inspect-text.js";
import { allChecks } from "../rules/all.js";
import { configFor } from "./lint.js";

export interface InspectCliOptions {
  format: string;
  platform?: string;
  dockerfile?: string;
  target?: string;
  context?: string;
  ci?: boolean;
  config?: string;
  lowestEfficiency?: string;
  highestWastedBytes?: string;
  highestUserWastedPercent?: string;
  maxImageSize?: string;
  maxWaste?: string;
  maxWastePercent?: string;
  root?: boolean;
  compilers?: boolean;
  baseline?: string;
  maxGrowth?: string;
  maxGrowthPercent?: string;
  insecureRegistry?: boolean;
  maxRatio?: string;
  top: string;
  color?: boolean;
}

const FORMATS = ["text", "json", "html"];
/** Below this, reading is quick enough that a progress bar only flickers. */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

const isYaml = (path: string) => /\.ya?ml$|(^|\/)\.dive-ci$/.test(path);

/** Gate settings from --config (whittle TOML/JSON, or dive's .dive-ci YAML), else [tool.whittle.inspect] of pyproject.toml. */
function gateSettingsFromFiles(options: InspectCliOptions, contextDir: string) {
  if (options.config) {
    if (isYaml(options.config)) {
      let doc: { rules?: unknown } | null;
      try {
        doc = parseYaml(readFileSync(options.config, "utf8")) as { rules?: unknown } | null;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new InputError(`${options.config}: ${e.code === "ENOENT" ? "no such file" : `not valid YAML (${e.message.split("\n")[0]})`}`);
      }
      return parseGateConfig(doc?.rules, `${options.config} rules`);
    }
    return parseGateConfig(loadConfigFile(options.config).inspect, `${options.config} inspect`);
  }
  const pyproject = join(contextDir, "pyproject.toml");
  if (!existsSync(pyproject)) return {};
  const config = configFromPyproject(readFileSync(pyproject, "utf8"), pyproject);
  return parseGateConfig(config?.inspect, `${pyproject} [tool.whittle.inspect]`);
}

function gateSettingsFromFlags(options: InspectCliOptions) {
  const raw: Partial<Record<GateKey, string | boolean>> = {};
  const set = (key: GateKey, v: string | boolean | undefined) => v !== undefined && (raw[key] = v);
  set("lowestEfficiency", options.lowestEfficiency);
  set("highestWastedBytes", options.highestWastedBytes);
  set("highestUserWastedPercent", options.highestUserWastedPercent);
  set("maxImageSize", options.maxImageSize);
  set("maxWaste", options.maxWaste);
  set("maxWastePercent", options.maxWastePercent);
  set("maxGrowth", options.maxGrowth);
  set("maxGrowthPercent", options.maxGrowthPercent);
  if (options.root === false) raw.noRoot = true;
  if (options.compilers === false) raw.noCompilers = true;
  return parseGateConfig(raw, "flag");
}

function progressBar(): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  let bar: SingleBar | undefined;
  return {
    start(total) {
      if (total !== undefined && total < PROGRESS_MIN_BYTES) return;
      bar = new SingleBar(
        {
          stream: process.stderr,
          format: total ? "reading {bar} {percentage}% {done} of {all}" : "reading {done}",
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { done: formatBytes(0), all: formatBytes(total ?? 0) });
    },
    advance(bytes) {
      if (!bar) return;
      const value = bar.getProgress() * bar.getTotal() + bytes;
      bar.update(value, { done: formatBytes(value) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export async function runInspect(image: string, options: InspectCliOptions): Promise<number> {
  if (!FORMATS.includes(options.format)) throw new InputError(`unknown format "${options.format}" (use ${FORMATS.join(", ")})`);
  const top = Number(options.top);
  if (!Number.isInteger(top) || top < 1) throw new InputError(`--top must be a positive whole number (got "${options.top}")`);
  const maxRatio = options.maxRatio === undefined ? DEFAULT_LIMITS.maxRatio : Number(options.maxRatio);
  if (!Number.isFinite(maxRatio) || maxRatio < 1) throw new InputError(`--max-ratio must be a number of at least 1 (got "${options.maxRatio}")`);
  const contextDir = options.context ?? (options.dockerfile ? dirname(options.dockerfile) : ".");
  // Settle every input before the (possibly long) read of the image.
  const flagGate = gateSettingsFromFlags(options);
  if ((options.maxGrowth !== undefined || options.maxGrowthPercent !== undefined) && !options.baseline) {
    throw new InputError("--max-growth and --max-growth-percent compare with a baseline: name it with --baseline IMAGE");
  }
  const fileGate = options.ci ? gateSettingsFromFiles(options, contextDir) : {};
  const dockerfileText = options.dockerfile ? readDockerfile(options.dockerfile) : undefined;

  const source = openSource(image, { insecure: options.insecureRegistry });
  const baselineSource = options.baseline ? openSource(options.baseline, { insecure: options.insecureRegistry }) : undefined;
  // The image and its baseline are read alike; each gets its own progress bar.
  const load = (from: ImageSource) =>
    from.load({ platform: options.platform ? parsePlatform(options.platform) : undefined, limits: { ...DEFAULT_LIMITS, maxRatio }, capture: captureRule, progress: progressBar() });
  const analysis = analyzeImage(await load(source));
  const out: InspectOutput = { report: analysis.report };
  if (baselineSource) {
    out.diff = diffImages(analyzeImage(await load(baselineSource)), analysis);
  }

  if (options.dockerfile && dockerfileText !== undefined) {
    const lintConfig = configFor(contextDir, { config: options.config && !isYaml(options.config) ? options.config : undefined });
    const result = lint({
      path: options.dockerfile,
      text: dockerfileText,
      project: projectContext(contextDir),
      config: lintConfig,
      target: options.target,
      checks: allChecks,
    });
    out.dockerfile = {
      path: options.dockerfile,
      source: result.model.source,
      layers: layerInstructions(analysis, result.model),
      measures: measureFindings(analysis, result.model, result.findings),
    };
  }
  if (options.ci) out.gate = evaluateGate(analysis.report, mergeGate(DEFAULT_GATE, fileGate, flagGate), out.diff);

  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const render = {
    json: () => `${JSON.stringify(inspectToJson(out), null, 2)}\n`,
    // The picture of the filesystem is the only output that needs sizes of every directory: computed for it alone.
    html: () => inspectToHtml({ ...out, tree: sizeTree(analysis.index) }),
    text: () => inspectToText(out, { color, top }),
  }[options.format as "json" | "html" | "text"];
  process.stdout.write(render());
  return out.gate && !out.gate.passed ? 1 : 0;
}

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("profile an image layer by layer: sizes, true waste, Python and OS packages, a CI gate")
    .argument(
      "<image>",
      "a `docker save` or OCI archive (file, or - for stdin), an OCI layout directory, registry://host[:port]/repo:tag, or an image in the local engine",
    )
    .option("-f, --format <format>", "text, json or html (one self-contained page: layers, a treemap of the filesystem, waste and packages as bars)", "text")
    .option("--platform <os/arch[/variant]>", "image to pick from a multi-platform index (default: this machine's)")
    .option("--dockerfile <file>", "join the image to this Dockerfile: layer per instruction, measured bytes per finding")
    .option("--target <stage>", "with --dockerfile: the stage the image was built from (default: the last)")
    .option("--context <dir>", "build context for --dockerfile checks and pyproject.toml lookup (default: the Dockerfile's directory)")
    .option("--ci", "evaluate the gate and exit 1 when it fails")
    .option("--config <file>", "gate settings: TOML/JSON with [tool.whittle.inspect], or dive's .dive-ci YAML")
    .option("--lowest-efficiency <ratio>", "gate: dive efficiency at least this (default 0.9)")
    .option("--highest-wasted-bytes <size>", "gate: dive wasted bytes at most this (e.g. 20MB)")
    .option("--highest-user-wasted-percent <ratio>", "gate: dive wasted bytes / user layer bytes at most this (default 0.1)")
    .option("--max-image-size <size>", "gate: image size at most this")
    .option("--max-waste <size>", "gate: whittle's waste at most this")
    .option("--max-waste-percent <ratio>", "gate: whittle's waste / image size at most this (default 0.1)")
    .option("--no-root", "gate: fail when the image runs as root")
    .option("--no-compilers", "gate: fail when a compiler ships in the image")
    .option("--baseline <image>", "compare with this image (e.g. the last release): size, directories, distributions and packages that changed")
    .option("--max-growth <size>", "gate, with --baseline: growth over the baseline at most this (e.g. 20MB)")
    .option("--max-growth-percent <ratio>", "gate, with --baseline: growth over the baseline / its size at most this")
    .option("--insecure-registry", "allow plain http and unverified TLS for a registry that is not on loopback")
    .option("--max-ratio <n>", "largest decompression ratio accepted before a layer counts as a bomb", String(DEFAULT_LIMITS.maxRatio))
    .option("--top <n>", "rows per table in text output", "10")
    .option("--color", "force colour")
    .option("--no-color", "no colour")
    .action(async (image: string, options: InspectCliOptions) => {
      process.exitCode = await runInspect(image, options);
    });
}
