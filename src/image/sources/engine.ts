import { readFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { InputError } from "../../errors.js";
import { ArchiveSource } from "./archive.js";
import { loadContext, selectedContext, type DockerContext } from "./docker-context.js";
import { parseSshUrl, sshConnection, type SshTarget } from "./ssh.js";
import { readSmall } from "./stream.js";
import type { ImageSource, LoadedImage, LoadOptions } from "./types.js";

/**
 * Where the Docker Engine API listens, found as the docker CLI finds it: DOCKER_HOST (unix://, tcp:// or
 * ssh://), else the docker context DOCKER_CONTEXT or config.json's currentContext names, else the default
 * socket.
 */
export interface EngineEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** DOCKER_TLS_VERIFY or a context's TLS files: the engine's CA, and the client certificate and key it asks for. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean };
  /** ssh://: requests travel through `ssh ... docker system dial-stdio`. */
  ssh?: SshTarget;
  /** Where whittle went, for messages: the address, or the context and its address. */
  display: string;
}

const DEFAULT_HOST = "unix:///var/run/docker.sock";

export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const selected = selectedContext(env);
  if (selected) return contextEndpoint(loadContext(env, selected.name, selected.from));
  const value = env.DOCKER_HOST?.trim() || DEFAULT_HOST;
  return hostEndpoint(value, value, `DOCKER_HOST=${value}`, () => envTls(env));
}

function contextEndpoint(context: DockerContext): EngineEndpoint {
  const value = context.host || DEFAULT_HOST;
  // As the CLI: TLS when the context stores any TLS file or skips verification, else plain HTTP.
  const tls = () => {
    if (!context.tls.ca && !context.tls.cert && !context.tls.key && !context.skipTLSVerify) return undefined;
    return { ...context.tls, ...(context.skipTLSVerify ? { rejectUnauthorized: false } : {}) };
  };
  return hostEndpoint(value, `context "${context.name}" (${value})`, `docker context "${context.name}": endpoint ${value}`, tls);
}

function hostEndpoint(value: string, display: string, where: string, tls: () => EngineEndpoint["tls"]): EngineEndpoint {
  if (value.startsWith("unix://")) return { socketPath: value.slice("unix://".length), display };
  if (value.startsWith("ssh://")) return { ssh: parseSshUrl(value, where), display };
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (!tcp) throw new InputError(`${where} is not supported (use unix://, tcp:// or ssh://)`);
  const secure = tls();
  // Port 2376 with TLS, 2375 without, unless the address names one.
  if (!secure) return { host: tcp[1], port: Number(tcp[2] ?? 2375), display };
  return { host: tcp[1], port: Number(tcp[2] ?? 2376), tls: secure, display };
}

/**
 * As the docker CLI: any non-empty DOCKER_TLS_VERIFY means TLS with certificates from DOCKER_CERT_PATH
 * (default ~/.docker). GitLab's docker:dind service is set up this way.
 */
function envTls(env: NodeJS.ProcessEnv): EngineEndpoint["tls"] {
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || join(homedir(), ".docker");
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new InputError(`DOCKER_TLS_VERIFY is set but ${join(dir, name)} cannot be read (${(err as NodeJS.ErrnoException).code}); set DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and key.pem`);
    }
  };
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}

export function engineGet(endpoint: EngineEndpoint, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // Over a socket or ssh there is no host to name. Over TLS the Host header is also the name the certificate is checked against.
    const headers = endpoint.socketPath !== undefined || endpoint.ssh ? { Host: "docker" } : undefined;
    // One ssh process per request: no agent, so the request says `Connection: close`, and the process
    // goes when the response does.
    let conn: Duplex | undefined;
    const ssh = endpoint.ssh;
    // node:http takes any Duplex from createConnection; its type names Socket only.
    const createConnection = ssh ? () => (conn = sshConnection(ssh, endpoint.display)) as Socket : undefined;
    const options = { socketPath: endpoint.socketPath, host: endpoint.host, port: endpoint.port, path, method: "GET", headers, createConnection };
    const onResponse = (res: IncomingMessage) => {
      if (conn) {
        const ssh = conn;
        res.once("close", () => ssh.destroy());
        // ssh failing mid-body would otherwise reach the reader as a bare ECONNRESET: give it ssh's reason.
        ssh.once("error", (err) => {
          if (!res.complete) res.destroy(err);
        });
      }
      resolve(res);
    };
    const req = endpoint.tls ? httpsRequest({ ...options, ...endpoint.tls }, onResponse) : request(options, onResponse);
    req.on("error", (err: NodeJS.ErrnoException) =>
      reject(
        err instanceof InputError
          ? err
          : new InputError(`cannot reach the Docker engine at ${endpoint.display} (${err.code ?? err.message}); is it running? (\`docker save\` to an archive works without one)`),
      ),
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
