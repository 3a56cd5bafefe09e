// Smoke tests for a built image: a command that must exit 0, or an HTTP endpoint that must answer
// below 400 on the container's published port (bound to 127.0.0.1 only). Containers are always removed.
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { Docker } from "./docker.js";

export type SmokeTest = { cmd: string[] } | { http: { port: number; path: string } };

export interface SmokeResult {
  passed: boolean;
  seconds: number;
  /** What was checked, e.g. "GET /health -> 200" or "python -m app --check -> exit 0". */
  detail: string;
  /** The last lines the container printed, when it failed. */
  output?: string;
}

const SmokeSchema = z.union([
  z.object({ cmd: z.array(z.string()).min(1) }).strict(),
  z.object({ http: z.object({ port: z.number().int().min(1).max(65535), path: z.string().startsWith("/") }).strict() }).strict(),
]);

/** A smoke.json file: {"cmd": [...]} or {"http": {"port": 8000, "path": "/health"}}. */
export function loadSmokeFile(path: string): SmokeTest {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError(`cannot read smoke test ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = SmokeSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path}: expected {"cmd": [...]} or {"http": {"port": N, "path": "/..."}}`);
  return parsed.data;
}

/** `--http 8000/health` (the container port, then the path). */
export function parseHttpSpec(spec: string): SmokeTest {
  const m = /^(\d{1,5})(\/.*)?$/.exec(spec);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new InputError(`--http expects PORT/PATH such as 8000/health (got "${spec}")`);
  return { http: { port, path: m[2] ?? "/" } };
}

/** `--smoke "python -m app --check"`: words split as a shell would, with single and double quotes. */
export function parseSmokeCommand(command: string): SmokeTest {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? "") + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + ch;
  }
  if (quote) throw new InputError(`--smoke: unclosed ${quote} in "${command}"`);
  if (word !== undefined) words.push(word);
  if (!words.length) throw new InputError("--smoke needs a command");
  return { cmd: words };
}

export async function runSmoke(docker: Docker, image: string, test: SmokeTest, timeoutMs = 90_000): Promise<SmokeResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  if ("cmd" in test) {
    // The command replaces the image's entrypoint, so it runs the same way whatever ENTRYPOINT says.
    const r = await docker.run(image, { entrypoint: test.cmd[0], args: test.cmd.slice(1), network: "none", timeoutMs });
    const what = test.cmd.join(" ");
    if (r.code === 0) return { passed: true, seconds: seconds(), detail: `${what} -> exit 0` };
    return {
      passed: false,
      seconds: seconds(),
      detail: r.timedOut ? `${what} -> no exit within ${timeoutMs / 1000} s` : `${what} -> exit ${r.code}`,
      output: lastLines(`${r.stdout}${r.stderr}`),
    };
  }
  const { port, path } = test.http;
  const container = docker.startPublished(image, port);
  try {
    const url = `http://127.0.0.1:${container.hostPort}${path}`;
    let last = "no answer";
    while (performance.now() - started < timeoutMs) {
      try {
        const status = await httpStatus(url, 5_000);
        if (status < 400) return { passed: true, seconds: seconds(), detail: `GET ${path} -> ${status}` };
        last = String(status);
      } catch (err) {
        last = (err as Error).message;
      }
      if (!docker.isRunning(container.id)) {
        return { passed: false, seconds: seconds(), detail: `GET ${path}: the container exited`, output: lastLines(docker.logs(container.id)) };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return { passed: false, seconds: seconds(), detail: `GET ${path} -> ${last} after ${timeoutMs / 1000} s`, output: lastLines(docker.logs(container.id)) };
  } finally {
    docker.removeContainer(container.id);
  }
}

/**
 * The status of a GET. node:http rather than fetch: fetch's timeout timer does not hold the process
 * open, so a server that accepts and never answers would let the process exit mid-probe.
 */
function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on("error", reject);
  });
}

function lastLines(text: string, n = 15): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
