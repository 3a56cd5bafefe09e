import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";

/**
 * Registry credentials as the Docker client finds them in $DOCKER_CONFIG/config.json (or ~/.docker/config.json):
 * a credential helper named for the host (`credHelpers`), else the default store (`credsStore`), else `auths`.
 * Helpers are the `docker-credential-<name>` programs on PATH (desktop, pass, secretservice, osxkeychain,
 * ecr-login, gcloud...), asked with `get` and the server's address on standard input.
 */

/** A user name and password (or access token), or an identity token: an OAuth2 refresh token (Azure's logins). */
export type Credentials = { username: string; password: string } | { identityToken: string };

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** How long a helper may take (one may ask a keychain or a cloud CLI). */
const HELPER_TIMEOUT_MS = 20_000;

/** The host part of a config key (`https://index.docker.io/v1/` -> `index.docker.io`). */
const keyHost = (key: string) => key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");

export function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const path = join(env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let doc: DockerConfig;
  try {
    doc = JSON.parse(text) as DockerConfig;
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  // Docker Hub's credentials are filed under its v1 index address.
  const hub = host === "registry-1.docker.io";
  const wanted = hub ? "index.docker.io" : host;
  const helper = Object.entries(doc.credHelpers ?? {}).find(([key]) => keyHost(key) === wanted)?.[1] ?? doc.credsStore;
  if (helper) return fromHelper(helper, hub ? "https://index.docker.io/v1/" : host, path, env);
  for (const [key, entry] of Object.entries(doc.auths ?? {})) {
    if (keyHost(key) !== wanted) continue;
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}

function fromHelper(name: string, server: string, config: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  if (!/^[\w.-]+$/.test(name)) throw new InputError(`${config}: "${name}" is not a credential helper name`);
  const program = `docker-credential-${name}`;
  const run = spawnSync(program, ["get"], { input: server, encoding: "utf8", env, timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT"
        ? `${config} names the credential helper "${name}" but ${program} is not on PATH`
        : `${program} failed (${code ?? run.error.message})`,
    );
  }
  const said = `${run.stdout}${run.stderr}`.trim().split("\n")[0] ?? "";
  // Every helper answers a server it holds nothing for with this message (docker-credential-helpers' ErrCredentialsNotFound).
  if (run.status !== 0) {
    if (/credentials not found/i.test(said)) return undefined;
    throw new InputError(`${program} get ${server} failed: ${said || `exit ${run.status}`}`);
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(run.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new InputError(`${program} answered with something other than JSON`);
  }
  if (!answer.Secret) return undefined;
  // The helpers' convention: this user name means the secret is an identity token.
  if (answer.Username === "<token>") return { identityToken: answer.Secret };
  return answer.Username ? { username: answer.Username, password: answer.Secret } : undefined;
}
