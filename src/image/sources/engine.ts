import { readFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { ArchiveSource } from "./archive.js";
import { readSmall } from "./stream.js";
import type { ImageSource, LoadedImage, LoadOptions } from "./types.js";

/** Where the Docker Engine API listens: DOCKER_HOST (unix:// or tcp://), else the default socket. */
export interface EngineEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** DOCKER_TLS_VERIFY: the engine's CA, and the client certificate and key it asks for. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  display: string;
}

export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const value = env.DOCKER_HOST?.trim() || "unix:///var/run/docker.sock";
  if (value.startsWith("unix://")) return { socketPath: value.slice("unix://".length), display: value };
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (!tcp) throw new InputError(`DOCKER_HOST=${value} is not supported (use unix:// or tcp://)`);
  // As the docker CLI: any non-empty DOCKER_TLS_VERIFY means TLS with certificates from DOCKER_CERT_PATH (default
  // ~/.docker), on port 2376 unless DOCKER_HOST names one (GitLab's docker:dind service is set up this way).
  if (!env.DOCKER_TLS_VERIFY) return { host: tcp[1], port: Number(tcp[2] ?? 2375), display: value };
  const dir = env.DOCKER_CERT_PATH || join(homedir(), ".docker");
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new InputError(`DOCKER_TLS_VERIFY is set but ${join(dir, name)} cannot be read (${(err as NodeJS.ErrnoException).code}); set DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and key.pem`);
    }
  };
  return { host: tcp[1], port: Number(tcp[2] ?? 2376), tls: { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") }, display: value };
}

export function engineGet(endpoint: EngineEndpoint, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // Over a socket there is no host to name. Over TLS the Host header is also the name the certificate is checked against.
    const headers = endpoint.socketPath ? { Host: "docker" } : undefined;
    const options = { socketPath: endpoint.socketPath, host: endpoint.host, port: endpoint.port, path, method: "GET", headers };
    const req = endpoint.tls ? httpsRequest({ ...options, ...endpoint.tls }, resolve) : request(options, resolve);
    req.on("error", (err: NodeJS.ErrnoException) =>
      reject(new InputError(`cannot reach the Docker engine at ${endpoint.display} (${err.code ?? err.message}); is it running? (\`docker save\` to an archive works without one)`)),
    );
    req.end();
  });
}

const REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

/** An image in a local engine, read through `GET /images/{name}/get` (a `docker save` stream). */
export class EngineSource implements ImageSource {
  private readonly endpoint: EngineEndpoint;

  constructor(private readonly ref: string) {
    if (!REF.test(ref)) throw new InputError(`"${ref}" is neither a file nor an image reference`);
    this.endpoint = engineEndpoint();
  }

  describe(): string {
    return this.ref;
  }

  async load(options: LoadOptions): Promise<LoadedImage> {
    const info = await engineGet(this.endpoint, `/images/${this.ref}/json`);
    const body = await readSmall(info, `engine: ${this.ref}`);
    if (info.statusCode === 404) throw new InputError(`image ${this.ref} not found in the engine at ${this.endpoint.display}`);
    if (info.statusCode !== 200) throw new InputError(`engine: ${this.ref}: ${engineMessage(body, info.statusCode)}`);
    let size: number | undefined;
    try {
      size = (JSON.parse(body.toString("utf8")) as { Size?: number }).Size;
    } catch {
      throw new InputError(`engine: ${this.ref}: the engine answered with invalid JSON`);
    }
    const archive = new ArchiveSource(
      this.ref,
      async () => {
        const res = await engineGet(this.endpoint, `/images/${this.ref}/get`);
        if (res.statusCode !== 200) throw new InputError(`engine: ${this.ref}: ${engineMessage(await readSmall(res, this.ref), res.statusCode)}`);
        return { chunks: res, size, close: () => res.destroy() };
      },
      "engine",
    );
    return archive.load(options);
  }
}

function engineMessage(body: Buffer, status: number | undefined): string {
  try {
    const msg = (JSON.parse(body.toString("utf8")) as { message?: string }).message;
    if (msg) return msg;
  } catch {
    // not JSON: fall through to the status
  }
  return `HTTP ${status}`;
}
