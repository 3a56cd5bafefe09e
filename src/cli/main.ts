#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { InputError } from "../errors.js";
import { registerCompare } from "./compare.js";
import { registerFix } from "./fix.js";
import { registerInit } from "./init.js";
import { registerInspect } from "./inspect.js";
import { registerLint } from "./lint.js";
import { registerRules } from "./rules.js";
import { VERSION } from "../version.js";

const program = new Command();
program
  .name("whittle")
  .description("Small, fast, safe container images for Python applications, with the measurements to prove it")
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerLint(program);
registerCompare(program);
registerFix(program);
registerInit(program);
registerInspect(program);
registerRules(program);

export async function main(argv: string[]): Promise<number> {
  try {
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
