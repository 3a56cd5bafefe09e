// whittle inspect on images a real engine builds, with waste the Dockerfiles create on purpose and
// whose size the tests know independently (the byte counts written by `head -c`, or what the running
// container itself reports); then the same images through a local registry, anonymous and with
// basic auth. Needs scripts/e2e/setup.sh (skips without it, fails under WHITTLE_E2E=1).
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { analyzeImage, type ImageReport } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { openSource } from "../../src/image/sources/index.js";
import { captureRule } from "../../src/image/view.js";
import type { InspectJson } from "../../src/report/inspect-json.js";
import { bytes, layerTar } from "../helpers/image-archive.js";
import { cacheDir, DOCKER, e2eSkip, indexDir, missingReason } from "./env.js";

const skip = e2eSkip();
const root = new URL("../..", import.meta.url).pathname;
const run = `${process.pid}-${Date.now().toString(36)}`;
const BUSYBOX = "whittle-e2e/busybox:inspect";
const work = mkdtempSync(join(tmpdir(), "whittle-inspect-e2e-"));
const built: string[] = [];

function sh(cmd: string, args: string[], options: { input?: Buffer | string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { input: options.input, env: { ...process.env, ...options.env }, cwd: options.cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.error}`);
  return r.stdout;
}

/** busybox-static from Debian's archive, imported as a two-megabyte base image. */
async function busyboxBase(): Promise<void> {
  if (spawnSync(DOCKER, ["image", "inspect", BUSYBOX]).status === 0) return;
  const cache = join(cacheDir(), "busybox-static");
  mkdirSync(cache, { recursive: true });
  if (!readdirSync(cache).some((f) => f.endsWith(".deb"))) sh("apt-get", ["download", "busybox-static"], { cwd: cache });
  const deb = readdirSync(cache).find((f) => f.endsWith(".deb"))!;
  const unpacked = join(work, "busybox");
  sh("dpkg-deb", ["-x", join(cache, deb), unpacked]);
  const binary = readFileSync(join(unpacked, "bin", "busybox"));
  const applets = ["sh", "head", "rm", "mkdir", "chmod", "cp", "cat", "ls", "find", "stat", "true"];
  const rootfs = await layerTar([
    { path: "bin/" },
    { path: "bin/busybox", content: binary, mode: 0o755 },
    ...applets.map((a) => ({ path: `bin/${a}`, type: "symlink" as const, linkname: "busybox" })),
    { path: "tmp/", mode: 0o1777 },
    { path: "etc/" },
    { path: "etc/passwd", content: "root:x:0:0:root:/root:/bin/sh\n" },
  ]);
  sh(DOCKER, ["import", "-", BUSYBOX], { input: rootfs });
}

/** Builds asynchronously: the package index this process serves must keep answering meanwhile. */
async function build(name: string, dockerfile: string, options: { files?: Record<string, Buffer>; buildkit?: boolean; args?: string[] } = {}): Promise<string> {
  const ctx = join(work, name);
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, "Dockerfile"), dockerfile);
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    mkdirSync(join(ctx, rel, ".."), { recursive: true });
    writeFileSync(join(ctx, rel), content);
    sh("chmod", ["0644", join(ctx, rel)]);
  }
  const tag = `whittle-e2e-inspect/${name}:${run}`;
  const child = spawn(DOCKER, ["build", "--network", "host", "-t", tag, ...(options.args ?? []), ctx], {
    env: { ...process.env, DOCKER_BUILDKIT: options.buildkit ? "1" : "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`docker build ${name} failed (${code}):\n${output.slice(-3000)}`);
  built.push(tag);
  return tag;
}

const load = async (arg: string): Promise<ImageReport> =>
  analyzeImage(await openSource(arg).load({ limits: DEFAULT_LIMITS, capture: captureRule })).report;

function save(tag: string): string {
  const file = join(work, `${tag.replace(/[/:]/g, "_")}.tar`);
  sh(DOCKER, ["save", "-o", file, tag]);
  return file;
}

function whittle(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, join(root, "src/cli/main.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1", ...env },
    maxBuffer: 1 << 26,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sumOf = (items: ImageReport["waste"]["items"], kind: string, layer?: number) =>
  items.filter((i) => i.kind === kind && (layer === undefined || i.layer === layer)).reduce((s, i) => s + i.bytes, 0);

// What the Dockerfiles write, in bytes: the expectations below are computed from these alone.
const BIG = 3_000_000;
const KEEP = 5_000;
const BUILD_A = 1_000_000;
const BUILD_B = 2_000_000;
const APP_A = 200_000;
const APP_B = 100_000;

const CLEANUP = `FROM ${BUSYBOX}
RUN mkdir -p /data /tmp/build && head -c ${BIG} /dev/urandom > /data/big.bin && head -c ${KEEP} /dev/urandom > /data/keep.bin \\
 && head -c ${BUILD_A} /dev/urandom > /tmp/build/a && head -c ${BUILD_B} /dev/urandom > /tmp/build/b
RUN rm /data/big.bin
RUN rm -rf /tmp/build
`;

const CHMOD = `FROM ${BUSYBOX}
COPY app/ /app/
RUN chmod -R 755 /app
`;

const PIP = `FROM whittle-e2e/python:3.11-slim
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
RUN pip install six idna
`;

describe("whittle inspect on images a real engine built", { skip, timeout: 600_000 }, () => {
  before(async () => {
    // Reached without an environment only under WHITTLE_E2E=1: say so instead of failing obscurely.
    const reason = missingReason();
    if (reason) throw new Error(`WHITTLE_E2E=1 but ${reason}`);
    await busyboxBase();
  });
  after(() => {
    if (built.length) spawnSync(DOCKER, ["rmi", "-f", ...built]);
    rmSync(work, { recursive: true, force: true });
  });

  it("a file deleted in a later layer and a separate rm -rf cleanup layer: both are waste, and the same through every source", async () => {
    const tag = await build("cleanup", CLEANUP);
    const archive = await load(save(tag));
    const engine = await load(tag);
    for (const r of [archive, engine]) {
      assert.equal(r.layers.length, 4);
      assert.deepEqual(
        r.waste.items.filter((i) => i.kind === "deleted").map((i) => ({ path: i.path, bytes: i.bytes, layer: i.layer, by: i.by })),
        [
          { path: "/data/big.bin", bytes: BIG, layer: 1, by: 2 },
          { path: "/tmp/build", bytes: BUILD_A + BUILD_B, layer: 1, by: 3 },
        ],
      );
      assert.equal(r.layers[1].bytes, BIG + KEEP + BUILD_A + BUILD_B);
      assert.equal(r.layers[1].wasteBytes, BIG + BUILD_A + BUILD_B);
      assert.equal(r.layers[3].changes.removed, 2);
      // dive counts the deleted file but not the deleted directory.
      assert.equal(r.dive.wastedBytes, BIG);
    }
    assert.equal(engine.source.kind, "engine");
    assert.deepEqual(archive.layers.map((l) => l.bytes), engine.layers.map((l) => l.bytes));
  });

  it("BuildKit's history maps the same layers to their instructions", async () => {
    const tag = await build("cleanup-bk", CLEANUP, { buildkit: true });
    const dockerfile = join(work, "cleanup-bk", "Dockerfile");
    const r = whittle(["inspect", tag, "--dockerfile", dockerfile, "--format", "json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as InspectJson;
    assert.deepEqual(doc.layers.map((l) => l.instruction?.line ?? null), [null, 2, 4, 5]);
    assert.equal(doc.waste.byKind.deleted, BIG + BUILD_A + BUILD_B);
  });

  it("a chmod -R over copied files stores them twice", async () => {
    const tag = await build("chmod", CHMOD, { files: { "app/a.bin": bytes(APP_A, 1), "app/sub/b.bin": bytes(APP_B, 2) } });
    const r = await load(save(tag));
    assert.equal(r.waste.byKind.rewritten, APP_A + APP_B);
    assert.deepEqual(
      r.waste.items.filter((i) => i.kind === "rewritten").map((i) => [i.path, i.bytes, i.files, i.layer]),
      [["/app", APP_A + APP_B, 2, 2]],
    );
  });

  describe("with the local package index", () => {
    let index: Server;
    let tag: string;
    before(async () => {
      index = await serveIndex(indexDir());
      const { port } = index.address() as AddressInfo;
      tag = await build("pip", PIP, { args: ["--build-arg", `PIP_INDEX_URL=http://127.0.0.1:${port}/simple`, "--build-arg", "PIP_TRUSTED_HOST=127.0.0.1"] });
    });
    after(() => new Promise<void>((resolve) => (index ? index.close(() => resolve()) : resolve())));

    it("a pip cache left behind, measured as the running container sees it", async () => {
      // The container's own view of its cache: every file's size, summed.
      const sizes = sh(DOCKER, ["run", "--rm", "--entrypoint", "find", tag, "/root/.cache/pip", "-type", "f", "-printf", "%s\\n"]);
      const cacheBytes = sizes.trim().split("\n").reduce((s, n) => s + Number(n), 0);
      assert.ok(cacheBytes > 10_000, `pip cache of ${cacheBytes} bytes`);
      const r = await load(tag);
      const pipLayer = r.layers.length - 1;
      assert.equal(sumOf(r.waste.items, "pip-cache", pipLayer), cacheBytes);
      const dists = r.python.distributions.map((d) => d.name.toLowerCase());
      assert.ok(dists.includes("six") && dists.includes("idna"), dists.join(", "));

      const dockerfile = join(work, "pip", "Dockerfile");
      const cli = whittle(["inspect", tag, "--dockerfile", dockerfile, "--format", "json"]);
      assert.equal(cli.status, 0, cli.stderr);
      const pip = (JSON.parse(cli.stdout) as InspectJson).dockerfile!.findings.find((f) => f.rule === "pip-cache");
      assert.equal(pip?.layer, pipLayer);
      assert.equal(pip?.measured?.bytes, cacheBytes);
    });
  });

  describe("through a registry", () => {
    let anonymous: Registry;
    let guarded: Registry;
    let tag: string;
    before(async () => {
      tag = built.find((t) => t.includes("/cleanup:")) ?? (await build("cleanup", CLEANUP));
      anonymous = await startRegistry(join(work, "registry-anon"));
      guarded = await startRegistry(join(work, "registry-auth"), { user: "whittle", password: "s3cret-pass" });
    });
    after(async () => {
      await anonymous?.stop();
      await guarded?.stop();
    });

    const push = (reg: Registry, creds?: string) =>
      sh("skopeo", ["copy", "--dest-tls-verify=false", ...(creds ? ["--dest-creds", creds] : []), `docker-daemon:${tag}`, `docker://127.0.0.1:${reg.port}/inspect/cleanup:1`]);

    it("round trip without an engine: gzip blobs, digests verified, the same numbers as the archive", async () => {
      push(anonymous);
      const fromArchive = await load(save(tag));
      const r = await load(`registry://127.0.0.1:${anonymous.port}/inspect/cleanup:1`);
      assert.equal(r.source.kind, "registry");
      assert.deepEqual(r.layers.map((l) => l.compression), ["gzip", "gzip", "gzip", "gzip"]);
      assert.deepEqual(r.layers.map((l) => l.bytes), fromArchive.layers.map((l) => l.bytes));
      assert.equal(r.waste.byKind.deleted, fromArchive.waste.byKind.deleted);
      assert.match(r.source.manifestDigest ?? "", /^sha256:/);
    });

    it("basic auth from the Docker config; a clear error without credentials", () => {
      push(guarded, "whittle:s3cret-pass");
      const ref = `registry://127.0.0.1:${guarded.port}/inspect/cleanup:1`;
      const none = join(work, "docker-config-empty");
      mkdirSync(none, { recursive: true });
      const denied = whittle(["inspect", ref], { DOCKER_CONFIG: none });
      assert.equal(denied.status, 2);
      assert.match(denied.stderr, /needs a user name and password and the Docker config has none for it/);
      const config = join(work, "docker-config");
      mkdirSync(config, { recursive: true });
      const auth = Buffer.from("whittle:s3cret-pass").toString("base64");
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [`127.0.0.1:${guarded.port}`]: { auth } } }));
      const ok = whittle(["inspect", ref, "--format", "json"], { DOCKER_CONFIG: config });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as InspectJson).waste.byKind.deleted, BIG + BUILD_A + BUILD_B);
    });
  });
});

/**
 * The package index with the caching headers a real index sends: pip keeps an HTTP cache only for
 * responses that allow it (and only for https or trusted hosts), which is what leaves ~/.cache/pip behind.
 */
function serveIndex(dir: string): Promise<Server> {
  const server = createHttpServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url ?? "/", "http://index").pathname).replace(/\.\.+/g, ""));
    try {
      const file = statSync(path).isDirectory() ? join(path, "index.html") : path;
      const st = statSync(file);
      res.writeHead(200, { "Content-Length": st.size, "Cache-Control": "max-age=600", ETag: `"${st.size}-${st.mtimeMs}"`, "Content-Type": file.endsWith(".html") ? "text/html" : "application/octet-stream" });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

interface Registry {
  port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Debian's docker-registry on 127.0.0.1, storage in `dir`; with htpasswd basic auth when given a user. */
async function startRegistry(dir: string, user?: { user: string; password: string }): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let auth = "";
  if (user) {
    const hash = sh("python3", ["-W", "ignore", "-c", "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))", user.password]).trim();
    writeFileSync(join(dir, "htpasswd"), `${user.user}:${hash}\n`);
    auth = `auth:\n  htpasswd:\n    realm: whittle-test\n    path: ${join(dir, "htpasswd")}\n`;
  }
  const config = join(dir, "config.yml");
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`);
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
