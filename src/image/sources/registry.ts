import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { InputError } from "../../errors.js";
import { dockerCredentials } from "./credentials.js";
import { MEDIA, parseConfig, parseManifestDoc, resolveManifest, type Descriptor } from "./oci.js";
import { readLayer, readSmall } from "./stream.js";
import type { ImageSource, LoadedImage, LoadOptions, SourceLayer } from "./types.js";

/**
 * An image in a registry, read with the distribution API v2 and no engine: anonymous, Bearer-token
 * (WWW-Authenticate challenge) and Basic flows, credentials as the Docker client finds them (credentials.ts), and
 * every manifest and blob checked against its digest while it streams.
 */

export interface RegistryRef {
  host: string;
  repository: string;
  reference: string;
  display: string;
}

/** `registry://host[:port]/repo[:tag][@sha256:...]` */
export function parseRegistryRef(text: string): RegistryRef {
  const rest = text.replace(/^registry:\/\//, "");
  const slash = rest.indexOf("/");
  if (slash <= 0) throw new InputError(`${text}: expected registry://host[:port]/repository[:tag]`);
  let host = rest.slice(0, slash);
  let path = rest.slice(slash + 1);
  let reference = "latest";
  const at = path.indexOf("@");
  if (at >= 0) {
    reference = path.slice(at + 1);
    path = path.slice(0, at);
    if (!/^sha256:[a-f0-9]{64}$/.test(reference)) throw new InputError(`${text}: the digest must be sha256:<64 hex digits>`);
  } else {
    const colon = path.lastIndexOf(":");
    if (colon > path.lastIndexOf("/")) {
      reference = path.slice(colon + 1);
      path = path.slice(0, colon);
    }
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
    throw new InputError(`${text}: "${path}" is not a valid repository name`);
  }
  if (!/^[\w][\w.-]{0,127}$/.test(reference) && !reference.startsWith("sha256:")) throw new InputError(`${text}: "${reference}" is not a valid tag`);
  if (host === "docker.io" || host === "index.docker.io") {
    host = "registry-1.docker.io";
    if (!path.includes("/")) path = `library/${path}`;
  }
  return { host, repository: path, reference, display: text };
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return { scheme: m[1].toLowerCase(), params };
}

const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(", ");
const TIMEOUT_MS = 60_000;

export interface RegistryOptions {
  /** Allow plain http (and unverified TLS) for a registry that is not on loopback. */
  insecure?: boolean;
}

export class RegistryClient {
  private scheme: "https" | "http" | undefined;
  private authorization: string | undefined;
  private readonly insecure: boolean;

  constructor(
    readonly ref: RegistryRef,
    options: RegistryOptions = {},
  ) {
    this.insecure = options.insecure === true || LOOPBACK.test(ref.host);
    if (!this.insecure) this.scheme = "https";
  }

  /** GET a registry path, answering auth challenges and following redirects. */
  async get(path: string, accept?: string): Promise<IncomingMessage> {
    let url = new URL(`${await this.base()}${path}`);
    let authenticated = false;
    for (let hop = 0; hop < 6; hop++) {
      const sameHost = url.host === this.ref.host;
      const headers: OutgoingHttpHeaders = { "User-Agent": "whittle" };
      if (accept) headers.Accept = accept;
      if (sameHost && this.authorization) headers.Authorization = this.authorization;
      const res = await this.send(url, headers);
      if (res.statusCode === 401 && sameHost && !authenticated) {
        res.resume();
        await this.authenticate(res.headers["www-authenticate"]);
        authenticated = true;
        continue;
      }
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        res.resume();
        url = new URL(res.headers.location, url);
        continue;
      }
      if (res.statusCode === 401 || res.statusCode === 403) {
        res.resume();
        throw new InputError(`${this.ref.display}: access denied (HTTP ${res.statusCode}); check the credentials for ${this.ref.host} in the Docker config`);
      }
      return res;
    }
    throw new InputError(`${this.ref.display}: too many redirects`);
  }

  /** Loopback and --insecure-registry try https first and fall back to plain http, as Docker does. */
  private async base(): Promise<string> {
    if (!this.scheme) {
      try {
        const res = await this.send(new URL(`https://${this.ref.host}/v2/`), {});
        res.resume();
        this.scheme = "https";
      } catch (err) {
        if (!(err instanceof TlsFailure)) throw err;
        this.scheme = "http";
      }
    }
    return `${this.scheme}://${this.ref.host}`;
  }

  /** A GET, or a POST of `body` (the OAuth2 token exchange). */
  private send(url: URL, headers: OutgoingHttpHeaders, body?: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const https = url.protocol === "https:";
      const options = { method: body === undefined ? "GET" : "POST", headers, timeout: TIMEOUT_MS, ...(https && this.insecure ? { rejectUnauthorized: false } : {}) };
      const req = (https ? httpsRequest : httpRequest)(url, options, resolve);
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (err: NodeJS.ErrnoException) => {
        const code = err.code ?? err.message;
        if (https && this.scheme === undefined && (/SSL|EPROTO|ECONNRESET/.test(code) || /wrong version number/.test(err.message))) {
          reject(new TlsFailure());
        } else reject(new InputError(`cannot reach registry ${url.host} (${code})`));
      });
      req.end(body);
    });
  }

  private async authenticate(header: string | string[] | undefined): Promise<void> {
    const challenge = parseChallenge(Array.isArray(header) ? header[0] : (header ?? ""));
    const creds = dockerCredentials(this.ref.host);
    const basic = creds && "username" in creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` : undefined;
    if (challenge?.scheme === "basic") {
      if (!basic) throw new InputError(`${this.ref.display}: registry ${this.ref.host} needs a user name and password and the Docker config has none for it`);
      this.authorization = basic;
      return;
    }
    if (challenge?.scheme !== "bearer" || !challenge.params.realm) {
      throw new InputError(`${this.ref.display}: registry ${this.ref.host} asked for an unsupported authentication (${String(header)})`);
    }
    const tokenUrl = new URL(challenge.params.realm);
    const scope = challenge.params.scope ?? `repository:${this.ref.repository}:pull`;
    let res: IncomingMessage;
    if (creds && "identityToken" in creds) {
      // OAuth2: the identity token is a refresh token, exchanged for an access token by POST (as Docker does).
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.identityToken, client_id: "whittle", scope });
      if (challenge.params.service) form.set("service", challenge.params.service);
      res = await this.send(tokenUrl, { "User-Agent": "whittle", "Content-Type": "application/x-www-form-urlencoded" }, form.toString());
    } else {
      if (challenge.params.service) tokenUrl.searchParams.set("service", challenge.params.service);
      tokenUrl.searchParams.set("scope", scope);
      res = await this.send(tokenUrl, { "User-Agent": "whittle", ...(basic ? { Authorization: basic } : {}) });
    }
    const body = await readSmall(res, `${this.ref.display}: token`, 1024 * 1024);
    if (res.statusCode !== 200) throw new InputError(`${this.ref.display}: token service refused access (HTTP ${res.statusCode})`);
    let token: string | undefined;
    try {
      const doc = JSON.parse(body.toString("utf8")) as { token?: string; access_token?: string };
      token = doc.token ?? doc.access_token;
    } catch {
      // handled below
    }
    if (!token) throw new InputError(`${this.ref.display}: token service answered without a token`);
    this.authorization = `Bearer ${token}`;
  }
}

class TlsFailure extends Error {}

function digestOf(body: Buffer, alg: string): string {
  return `${alg}:${createHash(alg).update(body).digest("hex")}`;
}

export class RegistrySource implements ImageSource {
  private readonly ref: RegistryRef;

  constructor(
    text: string,
    private readonly options: RegistryOptions = {},
  ) {
    this.ref = parseRegistryRef(text);
  }

  describe(): string {
    return this.ref.display;
  }

  async load(options: LoadOptions): Promise<LoadedImage> {
    const client = new RegistryClient(this.ref, this.options);
    const where = this.ref.display;
    const repo = `/v2/${this.ref.repository}`;
    const fetchManifest = async (reference: string): Promise<{ body: Buffer; digest: string }> => {
      const res = await client.get(`${repo}/manifests/${reference}`, MANIFEST_ACCEPT);
      const body = await readSmall(res, `${where}: manifest`, 4 * 1024 * 1024);
      if (res.statusCode === 404) throw new InputError(`${where}: no such image in the registry (manifest ${reference} unknown)`);
      if (res.statusCode !== 200) throw new InputError(`${where}: manifest request failed (HTTP ${res.statusCode})`);
      const digest = digestOf(body, "sha256");
      const claimed = reference.startsWith("sha256:") ? reference : (res.headers["docker-content-digest"] as string | undefined);
      if (claimed?.startsWith("sha256:") && claimed !== digest) throw new InputError(`${where}: manifest does not match its digest ${claimed}`);
      return { body, digest };
    };
    const fetchBlob = async (d: Descriptor): Promise<IncomingMessage> => {
      const res = await client.get(`${repo}/blobs/${d.digest}`);
      if (res.statusCode !== 200) {
        res.resume();
        throw new InputError(`${where}: blob ${d.digest} ${res.statusCode === 404 ? "is missing" : `request failed (HTTP ${res.statusCode})`}`);
      }
      return res;
    };

    const top = await fetchManifest(this.ref.reference);
    const doc = parseManifestDoc(top.body, `${where}: manifest`);
    const { manifest, manifestDigest, platform } = await resolveManifest(
      doc,
      top.digest,
      async (d) => {
        const m = await fetchManifest(d.digest);
        return m.body;
      },
      options.platform,
      where,
    );
    const configBody = await readSmall(await fetchBlob(manifest.config), `${where}: config`);
    this.verify(configBody.length, digestOf(configBody, manifest.config.digest.split(":")[0]), manifest.config, "config");

    options.progress?.start(manifest.layers.reduce((a, d) => a + d.size, 0));
    const layers: SourceLayer[] = [];
    try {
      for (const d of manifest.layers) {
        if (d.urls?.length) throw new InputError(`${where}: layer ${d.digest} is a foreign layer stored outside the registry`);
        const hash = createHash(d.digest.split(":")[0]);
        let bytes = 0;
        const res = await fetchBlob(d);
        const record = await readLayer(res, `${where}: layer ${d.digest.slice(0, 19)}`, d.size, options, (chunk) => {
          bytes += chunk.length;
          if (bytes > d.size) throw new InputError(`${where}: layer ${d.digest} is larger than its manifest says (${d.size} bytes)`);
          hash.update(chunk);
        });
        this.verify(bytes, `${d.digest.split(":")[0]}:${hash.digest("hex")}`, d, "layer");
        layers.push({ digest: d.digest, mediaType: d.mediaType, record });
      }
    } finally {
      options.progress?.stop();
    }
    return {
      kind: "registry",
      name: where,
      manifestDigest,
      configDigest: manifest.config.digest,
      platform,
      config: parseConfig(configBody, `${where}: config`),
      layers,
    };
  }

  private verify(bytes: number, digest: string, d: Descriptor, what: string): void {
    if (digest !== d.digest) throw new InputError(`${this.ref.display}: ${what} ${d.digest} does not match its digest (got ${digest})`);
    if (bytes !== d.size) throw new InputError(`${this.ref.display}: ${what} ${d.digest} is ${bytes} bytes, the manifest says ${d.size}`);
  }
}
