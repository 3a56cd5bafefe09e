// Lint throughput on the test corpus, whittle beside dockerfilelint, on the same files:
//   in one process (after 2 s of warm-up each, repeated for --seconds) and as one process per file (the built CLIs).
// Run after `npm run build`:  npx tsx bench/lint.ts [--seconds 3] [--processes N]
// whittle is measured as it ships: the compiled library (dist/) in process, the bundled CLI (dist/bin) per file.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { corpusEntries } from "../test/helpers/corpus.js";
import { DIST, distIsFresh } from "../test/helpers/dist.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WHITTLE_CLI = join(ROOT, "dist/bin/main.js");
const require = createRequire(import.meta.url);
const DOCKERFILELINT_CLI = join(require.resolve("dockerfilelint/package.json"), "../bin/dockerfilelint");
const dockerfilelint = require("dockerfilelint") as typeof import("dockerfilelint");

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    processes: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const processCount = values.processes === undefined ? undefined : Number(values.processes);
if (!(seconds > 0) || (processCount !== undefined && !(processCount > 0))) {
  console.error("bench/lint: --seconds and --processes take positive numbers");
  process.exit(2);
}
if (!existsSync(WHITTLE_CLI) || !distIsFresh()) {
  console.error("bench/lint: dist/ is missing or older than src/: run `npm run build` first");
  process.exit(2);
}
// From dist/, not through tsx: its transpiled code (names kept on every function it creates, say) is not what users run.
const { resolveConfig } = (await import(join(DIST, "config.js"))) as typeof import("../src/config.js");
const { parseDockerfile } = (await import(join(DIST, "dockerfile/parse.js"))) as typeof import("../src/dockerfile/parse.js");
const { lint } = (await import(join(DIST, "lint/engine.js"))) as typeof import("../src/lint/engine.js");
const { projectContext } = (await import(join(DIST, "project/context.js"))) as typeof import("../src/project/context.js");
const { allChecks } = (await import(join(DIST, "rules/all.js"))) as typeof import("../src/rules/all.js");

// Both tools lint the same files: those dockerfilelint gets through without throwing.
const skipped: string[] = [];
const files = corpusEntries()
  .map((e) => ({ ...e, text: readFileSync(e.dockerfile, "utf8") }))
  .filter((f) => {
    try {
      dockerfilelint.run(f.dir, f.text);
      return true;
    } catch (err) {
      skipped.push(`${f.name} (dockerfilelint throws ${(err as Error).name}: ${(err as Error).message})`);
      return false;
    }
  });
const processFiles = files.slice(0, processCount ?? files.length);

interface Rate {
  files: number;
  seconds: number;
}
const perSecond = (r: Rate) => r.files / r.seconds;
const WARM_UP_MS = 2000;

/**
 * Untimed passes for the same warm-up time for every tool (V8 compiles hot code in the background: one pass leaves
 * a large code base like whittle's half interpreted), then whole passes over the corpus until `seconds` have gone by.
 */
function inProcess(lintOne: (f: (typeof files)[number]) => void): Rate {
  const warm = performance.now();
  do files.forEach(lintOne);
  while (performance.now() - warm < WARM_UP_MS);
  const start = performance.now();
  let linted = 0;
  while (performance.now() - start < seconds * 1000) {
    files.forEach(lintOne);
    linted += files.length;
  }
  return { files: linted, seconds: (performance.now() - start) / 1000 };
}

/** A JSON report on stdout: a crash must not pass for a fast lint (node exits 1 on an uncaught error too). */
function jsonReport(stdout: string): boolean {
  try {
    JSON.parse(stdout);
    return true;
  } catch {
    return false;
  }
}

/** Runs a CLI once per file; `ok` judges its exit status and output. */
function perProcess(args: (file: string) => string[], ok: (status: number, stdout: string) => boolean): Rate {
  const start = performance.now();
  for (const f of processFiles) {
    const run = spawnSync(process.execPath, args(f.dockerfile), { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    if (run.status === null || run.error || !ok(run.status, run.stdout)) {
      throw new Error(`${args(f.dockerfile).join(" ")}: ${run.error?.message ?? run.signal ?? `exit ${run.status}`}\n${run.stderr}`);
    }
  }
  return { files: processFiles.length, seconds: (performance.now() - start) / 1000 };
}

const config = resolveConfig({});
const whittleOne = (f: (typeof files)[number]) =>
  lint({ path: f.dockerfile, text: f.text, project: projectContext(f.dir), config, checks: allChecks });
const shellPerPass = { runBodies: 0, shellCommands: 0 };
for (const f of files) {
  for (const ins of whittleOne(f).model.instructions) {
    if (!ins.shell) continue;
    shellPerPass.runBodies++;
    shellPerPass.shellCommands += ins.shell.commands.length;
  }
}

const rows = [
  { mode: "in one process", whittle: inProcess(whittleOne), peer: inProcess((f) => dockerfilelint.run(f.dir, f.text)) },
  {
    mode: "one process per file",
    // whittle exits 1 when it has findings; dockerfilelint exits with its number of findings.
    whittle: perProcess((file) => [WHITTLE_CLI, "lint", file, "--format", "json"], (status, out) => status <= 1 && jsonReport(out)),
    peer: perProcess((file) => [DOCKERFILELINT_CLI, file, "-o", "json"], (_, out) => jsonReport(out)),
  },
];

// Where whittle's time goes: the model (the Dockerfile, then every RUN body through the shell parser) against the
// checks (which read the build context as they need it: with no check, nothing is read).
const parseOnly = inProcess((f) => parseDockerfile(f.dockerfile, f.text, {}));
const msPerFile = (r: Rate) => (1000 * r.seconds) / r.files;

const lines = files.reduce((n, f) => n + f.text.split("\n").length, 0);
const dflVersion = (require("dockerfilelint/package.json") as { version: string }).version;
console.log(`lint throughput on test/corpus: ${files.length} Dockerfiles, ${lines} lines`);
if (skipped.length) console.log(`left out for both: ${skipped.join("; ")}`);
console.log(`whittle: ${allChecks.length} checks; each pass parses ${shellPerPass.runBodies} RUN bodies into ${shellPerPass.shellCommands} shell commands`);
console.log(`dockerfilelint ${dflVersion}; node ${process.version}; ${availableParallelism()} x ${cpus()[0]?.model.trim() ?? "cpu"}`);
console.log("");
const header = ["mode", "whittle files/s", "dockerfilelint files/s", "whittle / dockerfilelint"];
const table = rows.map((r) => [
  r.mode,
  `${perSecond(r.whittle).toFixed(1)} (${r.whittle.files} in ${r.whittle.seconds.toFixed(1)} s)`,
  `${perSecond(r.peer).toFixed(1)} (${r.peer.files} in ${r.peer.seconds.toFixed(1)} s)`,
  `${(perSecond(r.whittle) / perSecond(r.peer)).toFixed(2)}x`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(format(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table) console.log(format(row));
const whole = msPerFile(rows[0].whittle);
const parsing = msPerFile(parseOnly);
console.log("");
console.log(
  `whittle per file in one process: ${whole.toFixed(2)} ms = ${parsing.toFixed(2)} ms parsing (Dockerfile and shell) + ${(whole - parsing).toFixed(2)} ms ` +
    `for the build context and ${allChecks.length} checks; dockerfilelint: ${msPerFile(rows[0].peer).toFixed(2)} ms`,
);
