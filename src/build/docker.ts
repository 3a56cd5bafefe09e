// The engine driver: builds, inspects and runs images through the docker CLI. BuildKit is used when the
// client can run it (a 20.10 client has it built in; newer ones need the buildx plugin), else the
// legacy builder.
import { spawn, spawnSync } from "node:child_process";
import { InputError } from "../errors.js";
import { ProgressParser, type BuildStep, type FailedStep } from "./progress.js";

export interface EngineInfo {
  cli: string;
  clientVersion: string;
  serverVersion: string;
  buildkit: boolean;
}

export interface BuildRequest {
  dockerfile: string;
  context: string;
  tag: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  /** e.g. "host": builds that reach a package index on the machine's loopback. */
  network?: string;
  onStep?: (step: BuildStep) => void;
}

export interface BuildOutcome {
  ok: boolean;
  seconds: number;
  failure?: FailedStep;
}

export interface ImageFacts {
  id: string;
  bytes: number;
  layers: number;
  user: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class Docker {
  private constructor(readonly info: EngineInfo) {}

  /** Finds the engine behind `cli`; a missing CLI or engine is an error the user can act on. */
  static connect(cli = process.env.WHITTLE_DOCKER ?? "docker"): Docker {
    const version = spawnSync(cli, ["version", "--format", "{{.Client.Version}}|{{.Server.Version}}"], { encoding: "utf8", timeout: 30_000 });
    if (version.error) throw new InputError(`cannot run the docker CLI "${cli}": ${(version.error as NodeJS.ErrnoException).code ?? version.error.message}`);
    if (version.status !== 0) {
      const why = (version.stderr || version.stdout).trim().split("\n").filter(Boolean).at(-1) ?? "no answer";
      throw new InputError(`no Docker engine reachable through ${cli}: ${why}`);
    }
    const [clientVersion, serverVersion] = version.stdout.trim().split("|");
    const major = Number(clientVersion.split(".")[0]);
    const buildx = spawnSync(cli, ["buildx", "version"], { encoding: "utf8", timeout: 30_000 }).status === 0;
    return new Docker({ cli, clientVersion, serverVersion, buildkit: buildx || major < 23 });
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_BUILDKIT: this.info.buildkit ? "1" : "0" };
  }

  build(req: BuildRequest): Promise<BuildOutcome> {
    const args = ["build", "-f", req.dockerfile, "-t", req.tag];
    if (this.info.buildkit) args.push("--progress", "plain");
    if (req.noCache) args.push("--no-cache");
    if (req.network) args.push("--network", req.network);
    for (const [k, v] of Object.entries(req.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    args.push(req.context);
    const parser = new ProgressParser(req.onStep);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(this.info.cli, args, { env: this.env(), stdio: ["ignore", "pipe", "pipe"] });
      let pending = "";
      const feed = (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) parser.line(l);
      };
      child.stdout.on("data", feed);
      child.stderr.on("data", feed);
      child.on("error", reject);
      child.on("close", (code) => {
        if (pending) parser.line(pending);
        const seconds = (performance.now() - started) / 1000;
        resolve(code === 0 ? { ok: true, seconds } : { ok: false, seconds, failure: parser.failure() });
      });
    });
  }

  inspect(ref: string): ImageFacts {
    const out = this.cli(["image", "inspect", "--format", "{{json .}}", ref]);
    const doc = JSON.parse(out) as {
      Id: string;
      Size: number;
      RootFS?: { Layers?: string[] };
      Config?: { User?: string };
    };
    return {
      id: doc.Id,
      bytes: doc.Size,
      layers: doc.RootFS?.Layers?.length ?? 0,
      user: doc.Config?.User ?? "",
    };
  }

  /** `docker save IMAGE` as a stream of archive bytes; a failing save ends the stream with the engine's reason. */
  save(image: string): { chunks: AsyncIterable<Buffer>; close: () => void } {
    const child = spawn(this.info.cli, ["save", image], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    async function* chunks(): AsyncGenerator<Buffer> {
      yield* child.stdout as AsyncIterable<Buffer>;
      const code = await exited;
      if (code !== 0) throw new InputError(`docker save ${image} failed: ${stderr.trim().split("\n").at(-1) ?? `exit code ${code}`}`);
    }
    return { chunks: chunks(), close: () => child.kill() };
  }

  /** Pulls an image; on failure, the engine's last line saying why. */
  pull(ref: string): { ok: true } | { ok: false; why: string } {
    const r = spawnSync(this.info.cli, ["pull", "-q", ref], { encoding: "utf8", env: this.env(), timeout: 600_000 });
    if (r.status === 0) return { ok: true };
    return { ok: false, why: (r.stderr || r.stdout || "").trim().split("\n").filter(Boolean).at(-1) ?? `exit code ${r.status}` };
  }

  /** `docker run --rm` with a time limit; the container is removed even when the limit is hit. */
  run(image: string, options: { entrypoint?: string; args?: string[]; network?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const name = `whittle-run-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const args = ["run", "--rm", "--name", name];
    if (options.network) args.push("--network", options.network);
    if (options.entrypoint !== undefined) args.push("--entrypoint", options.entrypoint);
    args.push(image, ...(options.args ?? []));
    return new Promise((resolve, reject) => {
      const child = spawn(this.info.cli, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        this.removeContainer(name);
      }, options.timeoutMs ?? 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  }

  /** Starts a container in the background with `port` published on 127.0.0.1; returns its id and host port. */
  startPublished(image: string, port: number): { id: string; hostPort: number } {
    const id = this.cli(["run", "-d", "-p", `127.0.0.1::${port}`, image]).trim();
    try {
      const mapping = this.cli(["port", id, `${port}/tcp`]).trim().split("\n")[0];
      return { id, hostPort: Number(mapping.slice(mapping.lastIndexOf(":") + 1)) };
    } catch (err) {
      this.removeContainer(id);
      throw err;
    }
  }

  isRunning(id: string): boolean {
    return this.cli(["inspect", "--format", "{{.State.Running}}", id]).trim() === "true";
  }

  logs(id: string): string {
    const r = spawnSync(this.info.cli, ["logs", "--tail", "20", id], { encoding: "utf8" });
    return `${r.stdout ?? ""}${r.stderr ?? ""}`;
  }

  removeContainer(id: string): void {
    spawnSync(this.info.cli, ["rm", "-f", id], { stdio: "ignore" });
  }

  removeImages(refs: string[]): void {
    if (refs.length) spawnSync(this.info.cli, ["image", "rm", "-f", ...refs], { stdio: "ignore" });
  }

  private cli(args: string[]): string {
    const r = spawnSync(this.info.cli, args, { encoding: "utf8", env: this.env(), maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`docker ${args[0]} failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1)}`);
    return r.stdout;
  }
}
