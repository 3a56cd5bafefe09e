import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeImage } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { InputError } from "../../src/errors.js";
import { engineEndpoint, EngineSource } from "../../src/image/sources/engine.js";
import { parseSshUrl, sshArgs } from "../../src/image/sources/ssh.js";
import { captureRule } from "../../src/image/view.js";
import { APP_BYTES, appArchive, closeServer, engineHandler, unixEngine } from "./fake-engine.js";

const ENGINE_VARS = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_CONFIG"] as const;

/** Sets the engine variables for a describe block (unset when undefined) and gives back a restore function. */
function engineEnv(values: Partial<Record<(typeof ENGINE_VARS)[number], string>>): () => void {
  const saved = Object.fromEntries(ENGINE_VARS.map((k) => [k, process.env[k]]));
  for (const k of ENGINE_VARS) {
    if (values[k] === undefined) delete process.env[k];
    else process.env[k] = values[k];
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

const inspect = async (ref: string) => analyzeImage(await new EngineSource(ref).load({ limits: DEFAULT_LIMITS, capture: captureRule })).report;

/** A DOCKER_CONFIG directory laid out as the docker CLI writes it. */
class DockerConfig {
  readonly dir = mkdtempSync(join(tmpdir(), "whittle-docker-config-"));

  config(json: unknown): this {
    writeFileSync(join(this.dir, "config.json"), typeof json === "string" ? json : JSON.stringify(json));
    return this;
  }

  /** What `docker context create NAME --docker host=HOST,ca=...` leaves: meta.json, and TLS files beside it. */
  context(name: string, docker: unknown, tls: Record<string, string> = {}, raw?: string): this {
    const id = createHash("sha256").update(name).digest("hex");
    const meta = join(this.dir, "contexts", "meta", id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, "meta.json"), raw ?? JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker } }));
    for (const [file, text] of Object.entries(tls)) {
      mkdirSync(join(this.dir, "contexts", "tls", id, "docker"), { recursive: true });
      writeFileSync(join(this.dir, "contexts", "tls", id, "docker", file), text);
    }
    return this;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("engine endpoint from the environment", () => {
  const empty = new DockerConfig();
  after(() => empty.remove());

  it("reads DOCKER_HOST as the docker CLI does: unix socket, tcp on 2375, tcp with TLS on 2376, ssh", () => {
    const env = { DOCKER_CONFIG: empty.dir };
    assert.deepEqual(engineEndpoint(env), { socketPath: "/var/run/docker.sock", display: "unix:///var/run/docker.sock" });
    assert.deepEqual(engineEndpoint({ ...env, DOCKER_HOST: "tcp://docker" }), { host: "docker", port: 2375, display: "tcp://docker" });
    assert.deepEqual(engineEndpoint({ ...env, DOCKER_HOST: "ssh://me@host" }), { ssh: { user: "me", host: "host" }, display: "ssh://me@host" });
    assert.throws(() => engineEndpoint({ ...env, DOCKER_HOST: "npipe:////./pipe/docker_engine" }), /^InputError: DOCKER_HOST=npipe:.* is not supported \(use unix:\/\/, tcp:\/\/ or ssh:\/\/\)$/);
    const missing = join(tmpdir(), "whittle-no-such-certs");
    assert.throws(
      () => engineEndpoint({ ...env, DOCKER_HOST: "tcp://docker", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: missing }),
      /DOCKER_TLS_VERIFY is set but .*whittle-no-such-certs\/ca\.pem cannot be read \(ENOENT\)/,
    );
  });
});

describe("ssh:// engine addresses", () => {
  it("takes a user, a host and a port, and runs docker's connection-helper command with them and nothing else", () => {
    assert.deepEqual(parseSshUrl("ssh://me@build-box:2222", "DOCKER_HOST"), { user: "me", host: "build-box", port: 2222 });
    assert.deepEqual(parseSshUrl("ssh://build-box", "DOCKER_HOST"), { host: "build-box" });
    assert.deepEqual(parseSshUrl("ssh://build-box/", "DOCKER_HOST"), { host: "build-box" });
    assert.deepEqual(parseSshUrl("ssh://ci%2Bdeploy@[fd00::1]:22", "DOCKER_HOST"), { user: "ci+deploy", host: "fd00::1", port: 22 });
    // A socket after the host, as newer docker CLIs take it (a rootless engine's): `docker --host unix://...` remotely.
    assert.deepEqual(parseSshUrl("ssh://me@host/run/user/1000/docker.sock", "DOCKER_HOST"), { user: "me", host: "host", socket: "/run/user/1000/docker.sock" });
    assert.deepEqual(sshArgs({ host: "host", socket: "/run/user/1000/docker.sock" }), ["-T", "--", "host", "docker", "--host", "unix:///run/user/1000/docker.sock", "system", "dial-stdio"]);
    // The remote shell reads the command: a path with a space or a quote stays one word.
    assert.deepEqual(sshArgs(parseSshUrl("ssh://host/tmp/it's%20here.sock", "DOCKER_HOST")).slice(4, 6), ["--host", "'unix:///tmp/it'\\''s here.sock'"]);
    assert.deepEqual(sshArgs({ user: "me", host: "build-box", port: 2222 }), ["-l", "me", "-p", "2222", "-T", "--", "build-box", "docker", "system", "dial-stdio"]);
    // "--" keeps a host that looks like an option from ever being one.
    assert.deepEqual(sshArgs({ host: "-oProxyCommand=x" }), ["-T", "--", "-oProxyCommand=x", "docker", "system", "dial-stdio"]);
  });

  it("refuses a query, a fragment, a password and a missing host, each in one line", () => {
    const cases: Array<[string, RegExp]> = [
      ["ssh://me@host?socket=x", /^DOCKER_HOST=ssh:\/\/me@host\?socket=x: a query \("\?socket=x"\) is not supported; use ssh:\/\/\[user@\]host\[:port\]\[\/socket\]$/],
      ["ssh://me@host#x", /: a fragment \("#x"\) is not supported/],
      ["ssh://me:hunter2@host", /^DOCKER_HOST=ssh:\/\/me:\*\*\*@host: a password in the address is not supported/],
      ["ssh://", /: no host name; use ssh:\/\/\[user@\]host\[:port\]\[\/socket\]$/],
      ["ssh://host:port", /: not a valid ssh:\/\/ address/],
    ];
    for (const [value, expected] of cases) {
      assert.throws(() => engineEndpoint({ DOCKER_HOST: value }), (err: Error) => {
        assert.ok(err instanceof InputError, String(err));
        assert.match(err.message, expected);
        assert.doesNotMatch(err.message, /hunter2|\n/);
        return true;
      });
    }
  });
});

describe("docker contexts, resolved as the docker CLI resolves them", () => {
  const store = new DockerConfig()
    .config({ auths: {}, currentContext: "remote" })
    .context("remote", { Host: "tcp://10.1.2.3:2376", SkipTLSVerify: false }, { "ca.pem": "CA", "cert.pem": "CERT", "key.pem": "KEY" })
    .context("laptop", { Host: "ssh://me@laptop.lan:2222", SkipTLSVerify: false })
    .context("colima", { Host: "unix:///Users/me/.colima/default/docker.sock", SkipTLSVerify: false })
    .context("insecure", { Host: "tcp://10.1.2.3", SkipTLSVerify: true })
    .context("plain", { Host: "tcp://10.1.2.3:2375", SkipTLSVerify: false })
    .context("no-docker", undefined, {}, JSON.stringify({ Name: "no-docker", Metadata: {}, Endpoints: { kubernetes: {} } }))
    .context("broken", undefined, {}, '{"Name":"broken","Endpoints":{"docker":{"Host":"unix:///x"}');
  after(() => store.remove());
  const env = (vars: NodeJS.ProcessEnv = {}) => ({ DOCKER_CONFIG: store.dir, ...vars });

  it("currentContext in config.json, with the context's TLS files", () => {
    assert.deepEqual(engineEndpoint(env()), {
      host: "10.1.2.3",
      port: 2376,
      tls: { ca: Buffer.from("CA"), cert: Buffer.from("CERT"), key: Buffer.from("KEY") },
      display: 'context "remote" (tcp://10.1.2.3:2376)',
    });
  });

  it("DOCKER_CONTEXT wins over currentContext, DOCKER_HOST over both, and \"default\" is the default socket", () => {
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "colima" })), {
      socketPath: "/Users/me/.colima/default/docker.sock",
      display: 'context "colima" (unix:///Users/me/.colima/default/docker.sock)',
    });
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "laptop" })), {
      ssh: { user: "me", host: "laptop.lan", port: 2222 },
      display: 'context "laptop" (ssh://me@laptop.lan:2222)',
    });
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "colima", DOCKER_HOST: "tcp://docker:2375" })), { host: "docker", port: 2375, display: "tcp://docker:2375" });
    const socket = { socketPath: "/var/run/docker.sock", display: "unix:///var/run/docker.sock" };
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "default" })), socket);
    const defaultCurrent = new DockerConfig().config({ currentContext: "default" });
    try {
      assert.deepEqual(engineEndpoint({ DOCKER_CONFIG: defaultCurrent.dir }), socket);
    } finally {
      defaultCurrent.remove();
    }
  });

  it("TLS only when the context stores TLS files or skips verification", () => {
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "insecure" })), {
      host: "10.1.2.3",
      port: 2376,
      tls: { rejectUnauthorized: false },
      display: 'context "insecure" (tcp://10.1.2.3)',
    });
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "plain" })), { host: "10.1.2.3", port: 2375, display: 'context "plain" (tcp://10.1.2.3:2375)' });
    // DOCKER_TLS_VERIFY belongs to DOCKER_HOST; a context carries its own TLS settings.
    assert.deepEqual(engineEndpoint(env({ DOCKER_CONTEXT: "plain", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/nonexistent" })).tls, undefined);
  });

  it("a missing context, a broken meta.json or config.json, or a context without a docker endpoint: one line naming it", () => {
    const oneLine = (vars: NodeJS.ProcessEnv, expected: RegExp, config = store.dir) =>
      assert.throws(() => engineEndpoint({ DOCKER_CONFIG: config, ...vars }), (err: Error) => {
        assert.ok(err instanceof InputError, String(err));
        assert.match(err.message, expected);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
    const id = (name: string) => createHash("sha256").update(name).digest("hex");
    oneLine({ DOCKER_CONTEXT: "nope" }, new RegExp(`^docker context "nope" \\(DOCKER_CONTEXT\\) does not exist \\(no .*/contexts/meta/${id("nope")}/meta\\.json\\); \`docker context ls\` lists the contexts$`));
    oneLine({ DOCKER_CONTEXT: "broken" }, new RegExp(`^docker context "broken" \\(DOCKER_CONTEXT\\): .*/${id("broken")}/meta\\.json: not valid JSON \\(.+\\)$`));
    oneLine({ DOCKER_CONTEXT: "no-docker" }, /^docker context "no-docker" \(DOCKER_CONTEXT\) has no docker endpoint/);
    const bad = new DockerConfig().config('{"currentContext": "remote",');
    const gone = new DockerConfig().config({ currentContext: "colima" });
    try {
      oneLine({}, /^docker config .*config\.json: not valid JSON/, bad.dir);
      oneLine({}, new RegExp(`^docker context "colima" \\(currentContext in ${gone.dir.replace(/[.]/g, "\\.")}/config\\.json\\) does not exist`), gone.dir);
    } finally {
      bad.remove();
      gone.remove();
    }
  });
});

describe("engine behind a docker context whose endpoint is a unix socket (colima, rootless docker, Docker Desktop)", () => {
  const store = new DockerConfig();
  const socket = join(store.dir, "docker.sock");
  let server: HttpServer;
  let restore: () => void;
  before(async () => {
    server = await unixEngine(socket, await appArchive());
    store.config({ currentContext: "colima" }).context("colima", { Host: `unix://${socket}`, SkipTLSVerify: false });
    restore = engineEnv({ DOCKER_CONFIG: store.dir });
  });
  after(async () => {
    restore();
    await closeServer(server);
    store.remove();
  });

  it("inspects an image through the context's socket, and names the context when the image is missing", async () => {
    assert.equal((await inspect("app:1")).totalBytes, APP_BYTES);
    await assert.rejects(inspect("other:2"), new InputError(`image other:2 not found in the engine at context "colima" (unix://${socket})`));
  });

  it("a context whose socket has no engine behind it says which context it tried", async () => {
    process.env.DOCKER_CONTEXT = "gone";
    store.context("gone", { Host: `unix://${join(store.dir, "nothing.sock")}` });
    try {
      await assert.rejects(inspect("app:1"), /^InputError: cannot reach the Docker engine at context "gone" \(unix:\/\/.*nothing\.sock\) \(ENOENT\); is it running\?/);
    } finally {
      delete process.env.DOCKER_CONTEXT;
    }
  });
});

/** A self-signed certificate for 127.0.0.1 that serves as CA, server and client certificate; undefined without openssl. */
function certificates(dir: string): { ca: Buffer; cert: Buffer; key: Buffer } | undefined {
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "key.pem"),
    "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
  if (r.status !== 0 || r.error) return undefined;
  spawnSync("cp", [join(dir, "cert.pem"), join(dir, "ca.pem")]);
  return { ca: readFileSync(join(dir, "ca.pem")), cert: readFileSync(join(dir, "cert.pem")), key: readFileSync(join(dir, "key.pem")) };
}

describe("engine over TCP with TLS (DOCKER_TLS_VERIFY, as GitLab's docker:dind sets it up)", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-engine-tls-"));
  const certs = certificates(dir);
  let server: Server;
  let port = 0;
  let restore = () => undefined as void;
  before(async () => {
    if (!certs) return;
    // The engine accepts only clients that present a certificate its CA signed.
    server = createServer({ ...certs, requestCert: true, rejectUnauthorized: true }, engineHandler(await appArchive()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
    restore = engineEnv({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: dir });
  });
  after(async () => {
    restore();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads an image with the client certificate from DOCKER_CERT_PATH", async (t) => {
    if (!certs) return t.skip("openssl is not installed");
    assert.equal((await inspect("app:1")).totalBytes, APP_BYTES);
    await assert.rejects(new EngineSource("other:2").load({ limits: DEFAULT_LIMITS, capture: captureRule }), /image other:2 not found in the engine at tcp:\/\/127\.0\.0\.1/);
  });

  it("an engine speaking TLS, reached without DOCKER_TLS_VERIFY, is a one-line error", async (t) => {
    if (!certs) return t.skip("openssl is not installed");
    delete process.env.DOCKER_TLS_VERIFY;
    try {
      await assert.rejects(new EngineSource("app:1").load({ limits: DEFAULT_LIMITS, capture: captureRule }), (err: Error) => {
        assert.ok(err instanceof InputError, String(err));
        assert.match(err.message, /^(cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:\d+ \(\w+\)|engine: app:1: HTTP 400)/);
        return true;
      });
    } finally {
      process.env.DOCKER_TLS_VERIFY = "1";
    }
  });
});
