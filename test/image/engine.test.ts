import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeImage } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { InputError } from "../../src/errors.js";
import { engineEndpoint, EngineSource } from "../../src/image/sources/engine.js";
import { captureRule } from "../../src/image/view.js";
import { bytes, dockerSaveLegacy, layer } from "../helpers/image-archive.js";

describe("engine endpoint from the environment", () => {
  it("reads DOCKER_HOST as the docker CLI does: unix socket, tcp on 2375, tcp with TLS on 2376", () => {
    assert.deepEqual(engineEndpoint({}), { socketPath: "/var/run/docker.sock", display: "unix:///var/run/docker.sock" });
    assert.deepEqual(engineEndpoint({ DOCKER_HOST: "tcp://docker" }), { host: "docker", port: 2375, display: "tcp://docker" });
    assert.throws(() => engineEndpoint({ DOCKER_HOST: "ssh://me@host" }), /not supported \(use unix:\/\/ or tcp:\/\/\)/);
    const missing = join(tmpdir(), "whittle-no-such-certs");
    assert.throws(
      () => engineEndpoint({ DOCKER_HOST: "tcp://docker", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: missing }),
      /DOCKER_TLS_VERIFY is set but .*whittle-no-such-certs\/ca\.pem cannot be read \(ENOENT\)/,
    );
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
  let archive: Buffer;
  const saved = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_TLS_VERIFY: process.env.DOCKER_TLS_VERIFY, DOCKER_CERT_PATH: process.env.DOCKER_CERT_PATH };
  before(async () => {
    if (!certs) return;
    archive = await dockerSaveLegacy({ layers: [await layer([{ path: "usr/bin/python3", content: bytes(6000, 1) }])] });
    // The engine accepts only clients that present a certificate its CA signed.
    server = createServer({ ...certs, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      if (req.url === "/images/app:1/json") res.writeHead(200).end(JSON.stringify({ Size: 6000 }));
      else if (req.url === "/images/app:1/get") res.writeHead(200).end(archive);
      else res.writeHead(404).end(JSON.stringify({ message: `No such image: ${req.url}` }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
    Object.assign(process.env, { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: dir });
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads an image with the client certificate from DOCKER_CERT_PATH", async (t) => {
    if (!certs) return t.skip("openssl is not installed");
    const image = await new EngineSource("app:1").load({ limits: DEFAULT_LIMITS, capture: captureRule });
    assert.equal(analyzeImage(image).report.totalBytes, 6000);
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
