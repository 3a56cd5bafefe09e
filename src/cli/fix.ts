import type { Command } from "commander";
import { isAbsolute, join, relative, sep } from "node:path";
import { InputError } from "../errors.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { fixText } from "../fix/fixer.js";
import { defaultContext, displayName, readDockerfile } from "../lint/files.js";
import { requireTarget } from "../lint/target.js";
import { allChecks } from "../rules/all.js";
import { writeFileAtomic } from "../text/atomic-write.js";
import { unifiedDiff } from "../text/diff.js";
import { diskFiles } from "../project/context.js";
import { configFor } from "./lint.js";

interface FixCliOptions {
  write?: boolean;
  suggestions?: boolean;
  context?: string;
  target?: string;
  config?: string;
  only?: string[];
  disable?: string[];
}

export async function runFix(path: string, options: FixCliOptions): Promise<number> {
  const text = readDockerfile(path);
  const contextDir = options.context ?? defaultContext(path);
  const config = configFor(contextDir, { config: options.config, disable: options.disable });
  const only = options.only?.flatMap((o) => o.split(","));
  if (only) {
    const unknown = only.filter((id) => !allChecks.some((c) => c.meta.id === id));
    if (unknown.length) throw new InputError(`unknown check: ${unknown.join(", ")} (see \`whittle rules\`)`);
  }
  const checks = only ? allChecks.filter((c) => only.includes(c.meta.id)) : allChecks;
  requireTarget(displayName(path), parseDockerfile(displayName(path), text, { target: options.target }), options.target);
  const result = fixText({ path: displayName(path), text, contextDir, target: options.target, config, suggestions: options.suggestions, checks });

  const context = diskFiles(contextDir);
  const changes: Array<{ file: string; before: string; after: string }> = [];
  if (result.text !== text) changes.push({ file: path === "-" ? "<stdin>" : path, before: text, after: result.text });
  for (const [rel, after] of Object.entries(result.files)) {
    const before = context.read(rel) ?? "";
    if (before !== after) changes.push({ file: join(contextDir, rel), before, after });
  }

  const applied = Object.entries(result.applied).map(([rule, n]) => `${rule}${n > 1 ? ` x${n}` : ""}`);
  if (options.write) {
    if (path === "-" && result.text !== text) throw new InputError("cannot --write to standard input; omit --write to get a diff");
    for (const c of changes) writeFileAtomic(c.file, c.after);
    process.stderr.write(changes.length ? `whittle: fixed ${changes.map((c) => c.file).join(", ")} (${applied.join(", ")})\n` : "whittle: nothing to fix\n");
  } else {
    for (const c of changes) {
      const exists = c.before !== "" || c.file === path;
      const name = diffName(c.file);
      process.stdout.write(unifiedDiff(c.before, c.after, exists ? `a/${name}` : "/dev/null", `b/${name}`));
    }
    if (changes.length) process.stderr.write(`whittle: ${applied.join(", ")}; run with --write to apply\n`);
  }
  if (result.rejected.length) process.stderr.write(`whittle: left alone (the result would not parse): ${result.rejected.join(", ")}\n`);
  return 0;
}

/**
 * A file's name in the diff headers, as git writes it: relative to the working directory, or (outside it) the
 * absolute path without its leading slash, so `patch -p1` applies the diff from there or from the root.
 */
function diffName(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel) ? rel : file.slice(1);
}

export function registerFix(program: Command): void {
  program
    .command("fix")
    .description("apply safe fixes: a unified diff by default, --write to change the files")
    .argument("<dockerfile>", "the Dockerfile to fix (- for stdin, diff only)")
    .option("-w, --write", "change the files in place (atomically)")
    .option("--suggestions", "also apply suggestion fixes (structural rewrites)")
    .option("--context <dir>", "build context (default: the Dockerfile's directory)")
    .option("--target <stage>", "the stage to treat as the final image")
    .option("--config <file>", "config file (TOML with [tool.whittle], or JSON)")
    .option("--only <ids...>", "apply only these checks' fixes")
    .option("--disable <ids...>", "turn checks off")
    .action(async (path: string, options: FixCliOptions) => {
      process.exitCode = await runFix(path, options);
    });
}
