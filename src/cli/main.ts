#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { InputError } from "../errors.js";
import { VERSION } from "../version.js";

// Each command loads only its own modules: a one-file lint should not pay for the image reader, the builder and
// the generator. Help and unknown commands load them all.
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  lint: async () => (await import("./lint.js")).registerLint,
  compare: async () => (await import("./compare.js")).registerCompare,
  fix: async () => (await import("./fix.js")).registerFix,
  init: async () => (await import("./init.js")).registerInit,
  inspect: async () => (await import("./inspect.js")).registerInspect,
  rules: async () => (await import("./rules.js")).registerRules,
  "bench-runtime": async () => (await import("./bench-runtime.js")).registerBenchRuntime,
};

const program = new Command();
program
  .name("whittle")
  .description("Small, fast, safe container images for Python applications, with the measurements to prove it")
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

export async function main(argv: string[]): Promise<number> {
  try {
    const named = argv[2] !== undefined && Object.hasOwn(COMMANDS, argv[2]) ? [argv[2]] : Object.keys(COMMANDS);
    for (const name of named) (await COMMANDS[name]())(program);
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

/** Every failure ends as one line on stderr and exit code 2; stacks only with WHITTLE_DEBUG=1. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
    return 2;
  }
  if (err instanceof InputError) {
    process.stderr.write(`whittle: ${err.message}\n`);
    return 2;
  }
  const e = err as Error;
  process.stderr.write(`whittle: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.WHITTLE_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
  return 2;
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
