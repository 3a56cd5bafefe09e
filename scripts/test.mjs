// Runs the test suites through node's test runner (TAP, so the run ends with "# pass N" / "# fail N").
//   node scripts/test.mjs           every test; end-to-end ones skip without an engine unless WHITTLE_E2E=1
//                                   (npm run test:all sets the engine up first and requires it)
//   node scripts/test.mjs --unit    unit tests only
//   node scripts/test.mjs FILE...   the given test files
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const unitOnly = args.includes("--unit");
const given = args.filter((a) => !a.startsWith("--"));

function find(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...find(p));
    else if (e.name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out.sort();
}

const gen = spawnSync(process.execPath, [join(root, "scripts/gen-rules-index.mjs"), "--check"], { stdio: "inherit" });
if (gen.status !== 0) process.exit(gen.status ?? 1);

let files = given.length ? given : find(join(root, "test"));
if (unitOnly) files = files.filter((f) => !f.startsWith(join("test", "e2e")));

const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=tap", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_NO_WARNINGS: "1" } },
);
process.exit(result.status ?? 1);
