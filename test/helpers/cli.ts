import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** Runs the CLI from source, as a user would run the built one. */
export function whittle(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1", ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const created: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "whittle-test-"));
  created.push(dir);
  return dir;
}

/** Removes the directories tempProject and copyFixture made (call it from `after`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A temporary directory holding the given files. */
export function tempProject(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A copy of a fixture project of test/fixtures/projects (same directory name), without its expected.* outputs. */
export function copyFixture(name: string): string {
  const dir = join(tempDir(), name);
  cpSync(join(root, "test/fixtures/projects", name), dir, { recursive: true, filter: (src) => !basename(src).startsWith("expected.") });
  return dir;
}
