// What end-to-end tests need from the machine: a Docker engine, local stand-ins for the official Python
// base images, and a local PEP 503 package index. scripts/e2e/setup.sh creates all three; this module
// finds them. Without them a test skips with the reason, unless WHITTLE_E2E=1 (CI), where it fails.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** The docker CLI to build with: Debian's 20.10 client runs BuildKit without buildx. */
export const DOCKER = process.env.WHITTLE_DOCKER ?? "/usr/bin/docker";

/** Where scripts/e2e/setup.sh keeps its caches and the built package index (same rule as the script). */
export function cacheDir(): string {
  if (process.env.WHITTLE_E2E_CACHE) return process.env.WHITTLE_E2E_CACHE;
  return process.getuid?.() === 0 ? "/var/cache/whittle-e2e" : join(homedir(), ".cache", "whittle-e2e");
}

/** The directory served as the package index root; its `simple/` holds the PEP 503 pages. */
export function indexDir(): string {
  return join(cacheDir(), "index");
}

const STAND_INS: Record<string, string> = {
  "python:3.11": "whittle-e2e/python:3.11",
  "python:3.11-slim": "whittle-e2e/python:3.11-slim",
};

/** Official tags mapped to the local images that stand in for them. */
export function baseImages(): Record<string, string> {
  return { ...STAND_INS };
}

/** `--image-map official=local` arguments for whittle compare. */
export function imageMapArgs(): string[] {
  return Object.entries(STAND_INS).flatMap(([official, local]) => ["--image-map", `${official}=${local}`]);
}

let status: string | undefined | null = null;

/** Why the end-to-end environment is unusable, or undefined when it is ready. Probed once per process. */
export function missingReason(): string | undefined {
  if (status !== null) return status;
  status = probe();
  return status;
}

function probe(): string | undefined {
  if (!existsSync(DOCKER)) return `no docker CLI at ${DOCKER} (run scripts/e2e/setup.sh)`;
  const version = spawnSync(DOCKER, ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8", timeout: 15_000 });
  if (version.status !== 0) return `no Docker engine answers (${firstLine(version.stderr) || "timeout"}); run scripts/e2e/setup.sh`;
  const images = Object.values(STAND_INS);
  const inspect = spawnSync(DOCKER, ["image", "inspect", "--format", "{{.Id}}", ...images], { encoding: "utf8", timeout: 15_000 });
  if (inspect.status !== 0) return `base image stand-ins missing (${firstLine(inspect.stderr)}); run scripts/e2e/setup.sh`;
  if (!existsSync(join(indexDir(), "simple", "index.html"))) return `no package index at ${indexDir()}; run scripts/e2e/setup.sh`;
  return undefined;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? "").trim().split("\n")[0] ?? "";
}

/** True when end-to-end tests must run: the environment is there, or WHITTLE_E2E=1 demands it. */
export function e2eEnabled(): boolean {
  return process.env.WHITTLE_E2E === "1" || missingReason() === undefined;
}

/** For `test(name, { skip: e2eSkip() }, ...)`: a reason to skip, or false to run (always run under WHITTLE_E2E=1). */
export function e2eSkip(): string | false {
  return e2eEnabled() ? false : `end-to-end environment not available: ${missingReason()}`;
}

/**
 * Call at the start of a test: returns true when the environment is ready. Otherwise it skips the test
 * with the reason and returns false, or under WHITTLE_E2E=1 throws so the run fails loudly.
 */
export function requireEngine(t: TestContext): boolean {
  const reason = missingReason();
  if (reason === undefined) return true;
  if (process.env.WHITTLE_E2E === "1") throw new Error(`WHITTLE_E2E=1 but ${reason}`);
  t.skip(`end-to-end environment not available: ${reason}`);
  return false;
}

export interface IndexServer {
  /** e.g. http://127.0.0.1:41234/simple, for `--build-arg PIP_INDEX_URL=...` */
  url: string;
  stop(): Promise<void>;
}

/** Serves the package index with `python3 -m http.server` on 127.0.0.1, on a port the kernel picks. */
export async function startIndex(dir = indexDir()): Promise<IndexServer> {
  if (!existsSync(join(dir, "simple"))) throw new Error(`no package index at ${dir}; run scripts/e2e/setup.sh`);
  const child = spawn("python3", ["-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`package index server did not start: ${out}`)), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`package index server exited (${code}): ${out}`));
    });
  });
  // Access logs go to stderr; drain them so the pipe never fills and blocks the server.
  child.stderr.resume();
  return {
    url: `http://127.0.0.1:${port}/simple`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
