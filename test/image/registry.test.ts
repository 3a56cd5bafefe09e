import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeImage } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { parseChallenge, parseRegistryRef, RegistrySource } from "../../src/image/sources/registry.js";
import { captureRule } from "../../src/image/view.js";
import { bytes, gzip, layer, ociBlobs, sha256, type ImageSpec } from "../helpers/image-archive.js";

/**
 * A registry on 127.0.0.1 speaking the distribution API the way Docker Hub does: a Bearer challenge,
 * a token service that wants basic credentials, blobs served through a redirect.
 */
interface FakeRegistry {
  port: number;
  requests: string[];
  /** Serve this blob's bytes altered, to prove digests are checked. */
  corrupt?: string;
  close(): Promise<void>;
}

const REFRESH_TOKEN = "rt-0f1d";

async function fakeRegistry(spec: ImageSpec, credentials: string): Promise<FakeRegistry> {
  const blobs = ociBlobs(spec);
  const byDigest = new Map(blobs.files.map((f) => [`sha256:${f.name.split("/").pop()}`, f.body]));
  const token = "t0ken";
  const state: FakeRegistry = { port: 0, requests: [], close: () => new Promise((r) => server.close(() => r())) };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://registry");
    state.requests.push(`${req.method} ${url.pathname}`);
    const base = `http://127.0.0.1:${state.port}`;
    if (url.pathname === "/token" && req.method === "POST") {
      // The OAuth2 exchange of an identity (refresh) token, as Azure's registries and Docker Hub take it.
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const ok = form.get("grant_type") === "refresh_token" && form.get("refresh_token") === REFRESH_TOKEN && form.get("scope") === "repository:team/app:pull" && form.get("service") === "fake";
        res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" }).end(ok ? JSON.stringify({ access_token: token }) : "{}");
      });
      return;
    }
    if (url.pathname === "/token") {
      const ok = req.headers.authorization === `Basic ${Buffer.from(credentials).toString("base64")}` && url.searchParams.get("scope") === "repository:team/app:pull";
      res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" }).end(ok ? JSON.stringify({ token }) : "{}");
      return;
    }
    if (url.pathname.startsWith("/storage/")) {
      const digest = url.pathname.slice("/storage/".length);
      let body = byDigest.get(digest)!;
      if (digest === state.corrupt) {
        // Still valid gzip (byte 4 is the header's timestamp), so only the digest can tell.
        body = Buffer.from(body);
        body[4] ^= 1;
      }
      res.writeHead(200, { "Content-Length": body.length }).end(body);
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${base}/token",service="fake",scope="repository:team/app:pull"` }).end();
      return;
    }
    if (url.pathname === "/v2/team/app/manifests/1.0") {
      res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": blobs.manifestDigest }).end(blobs.manifest);
      return;
    }
    const blob = /^\/v2\/team\/app\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    if (blob && byDigest.has(blob[1])) {
      // Like a registry in front of object storage: the blob lives elsewhere.
      res.writeHead(307, { Location: `${base}/storage/${blob[1]}` }).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

describe("registry source", () => {
  let spec: ImageSpec;
  let registry: FakeRegistry;
  let config: string;
  const saved = process.env.DOCKER_CONFIG;
  before(async () => {
    spec = {
      layers: [
        await layer([{ path: "usr/bin/tool", content: bytes(20_000, 1) }], gzip),
        await layer([{ path: "tmp/x", content: bytes(5000, 2) }], gzip),
        await layer([{ path: "tmp/.wh.x" }], gzip),
      ],
    };
    registry = await fakeRegistry(spec, "ci:hunter2");
    config = mkdtempSync(join(tmpdir(), "whittle-docker-config-"));
    writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`http://127.0.0.1:${registry.port}`]: { username: "ci", password: "hunter2" } } }));
    process.env.DOCKER_CONFIG = config;
  });
  after(async () => {
    process.env.DOCKER_CONFIG = saved;
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    await registry.close();
    rmSync(config, { recursive: true, force: true });
  });

  const load = (ref: string) => new RegistrySource(ref).load({ limits: DEFAULT_LIMITS, capture: captureRule });

  it("answers the Bearer challenge with Docker config credentials, follows redirects, verifies digests", async () => {
    const image = await load(`registry://127.0.0.1:${registry.port}/team/app:1.0`);
    const report = analyzeImage(image).report;
    assert.equal(report.totalBytes, 25_000);
    assert.equal(report.waste.byKind.deleted, 5000);
    assert.equal(image.manifestDigest, ociBlobs(spec).manifestDigest);
    assert.deepEqual(image.layers.map((l) => l.digest), spec.layers.map((l) => sha256(l.blob)));
    assert.ok(registry.requests.includes("GET /token"));
    assert.ok(registry.requests.some((r) => r.startsWith("GET /storage/")));
  });

  it("takes the credentials from the credential helper the Docker config names for the host", async () => {
    const bin = mkdtempSync(join(tmpdir(), "whittle-helper-"));
    const savedPath = process.env.PATH;
    try {
      writeFileSync(join(bin, "docker-credential-vault"), '#!/bin/sh\nread server\nprintf \'{"ServerURL":"%s","Username":"ci","Secret":"hunter2"}\' "$server"\n');
      chmodSync(join(bin, "docker-credential-vault"), 0o755);
      process.env.PATH = `${bin}:${savedPath}`;
      writeFileSync(join(config, "config.json"), JSON.stringify({ credHelpers: { [`127.0.0.1:${registry.port}`]: "vault" }, auths: {} }));
      const image = await load(`registry://127.0.0.1:${registry.port}/team/app:1.0`);
      assert.equal(analyzeImage(image).report.totalBytes, 25_000);
    } finally {
      process.env.PATH = savedPath;
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`http://127.0.0.1:${registry.port}`]: { username: "ci", password: "hunter2" } } }));
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("exchanges an identity token from the Docker config for an access token (OAuth2 POST)", async () => {
    try {
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`127.0.0.1:${registry.port}`]: { identitytoken: REFRESH_TOKEN } } }));
      const image = await load(`registry://127.0.0.1:${registry.port}/team/app:1.0`);
      assert.equal(analyzeImage(image).report.totalBytes, 25_000);
      assert.ok(registry.requests.includes("POST /token"));
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`127.0.0.1:${registry.port}`]: { identitytoken: "expired" } } }));
      await assert.rejects(load(`registry://127.0.0.1:${registry.port}/team/app:1.0`), /token service refused access \(HTTP 401\)/);
    } finally {
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`http://127.0.0.1:${registry.port}`]: { username: "ci", password: "hunter2" } } }));
    }
  });

  it("rejects a blob whose bytes do not match its digest", async () => {
    registry.corrupt = sha256(spec.layers[1].blob);
    try {
      await assert.rejects(load(`registry://127.0.0.1:${registry.port}/team/app:1.0`), /layer sha256:[a-f0-9]{64} does not match its digest/);
    } finally {
      registry.corrupt = undefined;
    }
  });

  it("says what is missing: an unknown tag, a refused token", async () => {
    await assert.rejects(load(`registry://127.0.0.1:${registry.port}/team/app:2.0`), /no such image in the registry \(manifest 2\.0 unknown\)/);
    writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`127.0.0.1:${registry.port}`]: { auth: Buffer.from("ci:wrong").toString("base64") } } }));
    await assert.rejects(load(`registry://127.0.0.1:${registry.port}/team/app:1.0`), /token service refused access \(HTTP 401\)/);
  });
});

describe("registry references and challenges", () => {
  it("parses host, port, repository, tag and digest", () => {
    assert.deepEqual(parseRegistryRef("registry://127.0.0.1:5000/team/app:1.0"), { host: "127.0.0.1:5000", repository: "team/app", reference: "1.0", display: "registry://127.0.0.1:5000/team/app:1.0" });
    assert.equal(parseRegistryRef("registry://localhost:5000/app").reference, "latest");
    assert.equal(parseRegistryRef(`registry://r.example/app@sha256:${"a".repeat(64)}`).reference, `sha256:${"a".repeat(64)}`);
    assert.deepEqual(parseRegistryRef("registry://docker.io/python:3.11-slim").repository, "library/python");
    assert.throws(() => parseRegistryRef("registry://r.example/App"), /not a valid repository name/);
    assert.throws(() => parseRegistryRef("registry://noslash"), /expected registry:\/\/host/);
  });

  it("reads WWW-Authenticate parameters", () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"'), {
      scheme: "bearer",
      params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull" },
    });
    assert.deepEqual(parseChallenge('Basic realm="x"'), { scheme: "basic", params: { realm: "x" } });
  });
});
