// ssh:// engines through a real OpenSSH server on 127.0.0.1. The server's sessions find a `docker`
// whose `system dial-stdio` bridges stdio to a fake engine's unix socket, so no real engine is needed;
// test/e2e/inspect-ssh.test.ts does the same against the real engine and docker CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { analyzeImage } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { InputError } from "../../src/errors.js";
import { engineEndpoint, engineGet, EngineSource } from "../../src/image/sources/engine.js";
import { chunksOf } from "../../src/image/sources/stream.js";
import { captureRule } from "../../src/image/view.js";
import { APP_BYTES, appArchive, closeServer, unixEngine } from "./fake-engine.js";
import { sshdMissing, startSshd, type Sshd } from "./sshd.js";

const missing = sshdMissing();
const root = new URL("../..", import.meta.url).pathname;

/**
 * The remote `docker`: `system dial-stdio` copies stdio to and from the engine socket named in a file
 * (so a test can point it at nothing), or the one `--host unix://PATH` names, failing as the docker CLI
 * does when no engine answers; it records its pid beside that file, so a test can cut a connection from
 * the far side.
 */
function remoteDocker(bin: string, socketFile: string): void {
  const bridge = [
    'const path = process.argv[2] || require("fs").readFileSync(process.argv[1], "utf8").trim();',
    'require("fs").writeFileSync(process.argv[1] + ".pid", String(process.pid));',
    'const s = require("net").connect(path);',
    's.on("error", (e) => { process.stderr.write(`Cannot connect to the Docker daemon at unix://${path}. Is the docker daemon running? (${e.code})\\n`); process.exit(1); });',
    "process.stdin.pipe(s); s.pipe(process.stdout);",
  ].join(" ");
  writeFileSync(
    join(bin, "docker"),
    "#!/bin/sh\n" +
      'host=""; if [ "$1" = --host ]; then host="${2#unix://}"; shift 2; fi\n' +
      '[ "$*" = "system dial-stdio" ] || { echo "docker: unexpected arguments: $*" >&2; exit 64; }\n' +
      `exec ${process.execPath} -e '${bridge}' ${socketFile} "$host"\n`,
  );
  chmodSync(join(bin, "docker"), 0o755);
}

/** The ssh processes this test process started and that still run. */
function sshChildren(): string[] {
  const ps = spawnSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return ps.stdout.split("\n").filter((l) => /\bssh\b.*dial-stdio/.test(l));
}

async function noSshLeft(): Promise<void> {
  for (let i = 0; i < 50 && sshChildren().length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(sshChildren(), []);
}

const inspect = async (ref: string) => analyzeImage(await new EngineSource(ref).load({ limits: DEFAULT_LIMITS, capture: captureRule })).report;

/** The rejection is one InputError line naming the endpoint and ssh's (or the remote side's) last stderr line. */
async function failsWith(host: string, expected: RegExp): Promise<void> {
  process.env.DOCKER_HOST = host;
  await assert.rejects(inspect("app:1"), (err: Error) => {
    assert.ok(err instanceof InputError, String(err));
    assert.match(err.message, expected);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

describe("engine over ssh:// through a real sshd", { skip: missing ? `cannot start sshd: ${missing}` : false, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-engine-ssh-"));
  const socket = join(dir, "engine.sock");
  const socketFile = join(dir, "engine-socket");
  const seen: IncomingMessage[] = [];
  let engine: Server;
  let sshd: Sshd;
  const saved = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT };
  before(async () => {
    engine = await unixEngine(socket, await appArchive(), seen);
    writeFileSync(socketFile, socket);
    const bin = join(dir, "remote-bin");
    mkdirSync(bin);
    remoteDocker(bin, socketFile);
    sshd = await startSshd({ sessionPath: [bin] });
    sshd.useClient();
    delete process.env.DOCKER_CONTEXT;
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await sshd?.stop();
    await closeServer(engine);
    rmSync(dir, { recursive: true, force: true });
  });

  it("inspects an image through `ssh -l USER -p PORT -T -- HOST docker system dial-stdio`, one ssh per request, none left after", async () => {
    process.env.DOCKER_HOST = `ssh://root@127.0.0.1:${sshd.port}`;
    seen.length = 0;
    assert.equal((await inspect("app:1")).totalBytes, APP_BYTES);
    assert.deepEqual(seen.map((r) => [r.method, r.url, r.headers.connection]), [
      ["GET", "/images/app:1/json", "close"],
      ["GET", "/images/app:1/get", "close"],
    ]);
    await noSshLeft();
    await assert.rejects(inspect("other:2"), new InputError(`image other:2 not found in the engine at ssh://root@127.0.0.1:${sshd.port}`));
    await noSshLeft();
  });

  it("reaches the socket the address names after the host, a path with a space in it too", async () => {
    // A second engine, at a path the remote shell would split if whittle did not quote it.
    const spaced = join(dir, "rootless user", "docker.sock");
    mkdirSync(dirname(spaced));
    const other = await unixEngine(spaced, await appArchive(), seen);
    try {
      writeFileSync(socketFile, join(dir, "nothing-here.sock"));
      process.env.DOCKER_HOST = `ssh://root@127.0.0.1:${sshd.port}${encodeURI(spaced)}`;
      assert.equal((await inspect("app:1")).totalBytes, APP_BYTES);
      await noSshLeft();
    } finally {
      writeFileSync(socketFile, socket);
      await closeServer(other);
    }
  });

  it("a response abandoned halfway ends its ssh process", async () => {
    const res = await engineGet(engineEndpoint({ DOCKER_HOST: `ssh://root@127.0.0.1:${sshd.port}` }), "/images/endless:1/get");
    let received = 0;
    for await (const chunk of res) {
      received += (chunk as Buffer).length;
      if (received > 1 << 20) break;
    }
    assert.ok(received > 1 << 20);
    await noSshLeft();
  });

  it("an ssh connection that dies while the image streams fails the inspection with ssh's reason", async () => {
    const res = await engineGet(engineEndpoint({ DOCKER_HOST: `ssh://root@127.0.0.1:${sshd.port}` }), "/images/endless:1/get");
    // The remote bridge records its pid; killing it is the connection dying on the far side.
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of chunksOf(res, "endless:1")) {
          received += chunk.length;
          if (received > 1 << 20 && received - chunk.length <= 1 << 20) process.kill(Number(readFileSync(`${socketFile}.pid`, "utf8")), "SIGKILL");
        }
      })(),
      (err: Error) => {
        assert.ok(err instanceof InputError, String(err));
        // The remote command killed, ssh has nothing to say but its status; still not a bare ECONNRESET.
        assert.equal(err.message, `cannot reach the Docker engine at ssh://root@127.0.0.1:${sshd.port}: ssh exited with status 255`);
        return true;
      },
    );
    await noSshLeft();
  });

  it("ssh failures are one line with ssh's own reason: connection refused, unknown host key, refused key", async () => {
    const closed = sshd.port === 65535 ? 65534 : sshd.port + 1;
    await failsWith(`ssh://root@127.0.0.1:${closed}`, new RegExp(`^cannot reach the Docker engine at ssh://root@127\\.0\\.0\\.1:${closed}: ssh exited with status 255: ssh: connect to host 127\\.0\\.0\\.1 port ${closed}: Connection refused$`));
    await failsWith(`ssh://root@unknown-host-key:${sshd.port}`, new RegExp(`^cannot reach the Docker engine at ssh://root@unknown-host-key:${sshd.port}: ssh exited with status 255: Host key verification failed\\.$`));
    await failsWith(`ssh://root@refused-key:${sshd.port}`, new RegExp(`^cannot reach the Docker engine at ssh://root@refused-key:${sshd.port}: ssh exited with status 255: root@127\\.0\\.0\\.1: Permission denied \\(publickey\\)\\.$`));
    await noSshLeft();
  });

  it("a remote side without an engine: the remote docker's last words, in one line", async () => {
    writeFileSync(socketFile, join(dir, "no-engine.sock"));
    try {
      await failsWith(`ssh://root@127.0.0.1:${sshd.port}`, /^cannot reach the Docker engine at ssh:\/\/root@127\.0\.0\.1:\d+: ssh exited with status 1: Cannot connect to the Docker daemon at unix:\/\/.*no-engine\.sock\. Is the docker daemon running\? \(ENOENT\)$/);
    } finally {
      writeFileSync(socketFile, socket);
    }
  });

  it("`whittle inspect` with a failing ssh exits 2 with one line on stderr", () => {
    const closed = sshd.port === 65535 ? 65534 : sshd.port + 1;
    const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, join(root, "src/cli/main.ts"), "inspect", "app:1"], {
      encoding: "utf8",
      env: { ...process.env, DOCKER_HOST: `ssh://root@127.0.0.1:${closed}`, NO_COLOR: "1", NODE_NO_WARNINGS: "1" },
    });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `whittle: cannot reach the Docker engine at ssh://root@127.0.0.1:${closed}: ssh exited with status 255: ssh: connect to host 127.0.0.1 port ${closed}: Connection refused\n`);
  });
});
