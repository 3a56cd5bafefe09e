import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";

/** The docker endpoint of a docker CLI context (`docker context create`, colima, Docker Desktop, rootless docker). */
export interface DockerContext {
  name: string;
  /** Endpoints.docker.Host: unix://, tcp:// or ssh://; empty means the engine's default socket. */
  host: string;
  skipTLSVerify: boolean;
  /** The files `docker context create --docker ca=...,cert=...,key=...` stored, those present. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export const DEFAULT_CONTEXT = "default";

/** $DOCKER_CONFIG, else ~/.docker: where config.json and the context store live. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), ".docker");
}

/**
 * The context the docker CLI would use, and what chose it, in the CLI's order: DOCKER_HOST set means
 * the default context (DOCKER_HOST then says where), else DOCKER_CONTEXT, else `currentContext` in
 * config.json, else the default. Undefined for the default context.
 */
export function selectedContext(env: NodeJS.ProcessEnv): { name: string; from: string } | undefined {
  if (env.DOCKER_HOST?.trim()) return undefined;
  const chosen = env.DOCKER_CONTEXT ? { name: env.DOCKER_CONTEXT, from: "DOCKER_CONTEXT" } : configuredContext(env);
  return chosen && chosen.name !== DEFAULT_CONTEXT ? chosen : undefined;
}

function configuredContext(env: NodeJS.ProcessEnv): { name: string; from: string } | undefined {
  const path = join(dockerConfigDir(env), "config.json");
  const config = readJson(path, `docker config ${path}`);
  if (config === undefined) return undefined;
  const name = config.currentContext;
  if (name === undefined || name === "") return undefined;
  if (typeof name !== "string") throw new InputError(`docker config ${path}: currentContext is not a string`);
  return { name, from: `currentContext in ${path}` };
}

/**
 * Reads a context from the docker CLI's store: `contexts/meta/<sha256 of the name>/meta.json` holds the
 * endpoints, `contexts/tls/<sha256 of the name>/docker/` the TLS files of the docker endpoint.
 */
export function loadContext(env: NodeJS.ProcessEnv, name: string, from: string): DockerContext {
  const id = createHash("sha256").update(name).digest("hex");
  const contexts = join(dockerConfigDir(env), "contexts");
  const metaPath = join(contexts, "meta", id, "meta.json");
  const where = `docker context "${name}" (${from})`;
  const meta = readJson(metaPath, `${where}: ${metaPath}`);
  if (meta === undefined) throw new InputError(`${where} does not exist (no ${metaPath}); \`docker context ls\` lists the contexts`);
  const docker = field(field(meta, "Endpoints"), "docker");
  if (!isObject(docker)) throw new InputError(`${where} has no docker endpoint (${metaPath})`);
  const host = field(docker, "Host") ?? "";
  if (typeof host !== "string") throw new InputError(`${where}: Endpoints.docker.Host is not a string (${metaPath})`);
  const tlsDir = join(contexts, "tls", id, "docker");
  const tls: DockerContext["tls"] = {};
  for (const key of ["ca", "cert", "key"] as const) {
    const data = readOptional(join(tlsDir, `${key}.pem`), where);
    if (data) tls[key] = data;
  }
  return { name, host, skipTLSVerify: field(docker, "SkipTLSVerify") === true, tls };
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A member by name, ignoring case: the CLI's Go decoder matches field names that way, and files written by other tools vary. */
function field(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  if (name in obj) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** A JSON object from a file, undefined when the file does not exist. */
function readJson(path: string, where: string): JsonObject | undefined {
  const data = readOptional(path, where);
  if (data === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data.toString("utf8"));
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (!isObject(value)) throw new InputError(`${where}: not a JSON object`);
  return value;
}

function readOptional(path: string, where: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new InputError(`${where}: ${path} cannot be read (${code})`);
  }
}
