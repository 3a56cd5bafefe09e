import type { Command } from "commander";
import { Docker } from "../build/docker.js";
import { benchRuntime } from "../build/runtime-bench.js";
import { InputError } from "../errors.js";
import { runtimeToText } from "../report/runtime-text.js";

export interface BenchRuntimeCliOptions {
  runs: string;
  docker?: string;
  format: string;
}

export async function runBenchRuntime(images: string[], options: BenchRuntimeCliOptions): Promise<number> {
  if (!["text", "json"].includes(options.format)) throw new InputError(`unknown format "${options.format}" (use text or json)`);
  const runs = Number(options.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new InputError(`--runs must be a whole number from 1 to 100 (got "${options.runs}")`);
  const docker = Docker.connect(options.docker);
  const tty = process.stderr.isTTY === true;
  const report = await benchRuntime(docker, images, { runs, onImage: tty ? (image) => process.stderr.write(`\r\x1b[Kmeasuring ${image}...`) : undefined });
  if (tty) process.stderr.write("\r\x1b[K");
  process.stdout.write(options.format === "json" ? `${JSON.stringify({ schema: "whittle.bench-runtime/1", ...report }, null, 2)}\n` : runtimeToText(report));
  return 0;
}

export function registerBenchRuntime(program: Command): void {
  program
    .command("bench-runtime")
    .description("time interpreter start-up and a pure-Python workload inside candidate base images, side by side")
    .argument("<images...>", "images in the local engine; the first is the baseline the others are compared with")
    .option("--runs <n>", "runs of each measurement inside each image (medians are reported)", "5")
    .option("--docker <cli>", "docker CLI to use (default: $WHITTLE_DOCKER or docker)")
    .option("-f, --format <format>", "text or json", "text")
    .action(async (images: string[], options: BenchRuntimeCliOptions) => {
      process.exitCode = await runBenchRuntime(images, options);
    });
}
