// whittle inspect through DOCKER_HOST=ssh://: a real sshd on 127.0.0.1 whose sessions run the real
// `docker system dial-stdio` of the e2e docker CLI against the real engine. The report must be the
// one the engine's unix socket gives. Needs scripts/e2e/setup.sh (skips without it, fails under
// WHITTLE_E2E=1) and OpenSSH's server and client (skips without them).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { analyzeImage, type ImageReport } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS } from "../../src/image/layer-reader.js";
import { EngineSource } from "../../src/image/sources/engine.js";
import { captureRule } from "../../src/image/view.js";
import { bytes, layerTar } from "../helpers/image-archive.js";
import { sshdMissing, startSshd, type Sshd } from "../image/sshd.js";
import { DOCKER, e2eSkip, missingReason } from "./env.js";

const noSshd = sshdMissing();
const skip = e2eSkip() || (noSshd ? `cannot start sshd: ${noSshd}` : false);
const tag = `whittle-e2e-ssh/app:${process.pid}-${Date.now().toString(36)}`;
const base = `${tag}-base`;
const work = mkdtempSync(join(tmpdir(), "whittle-inspect-ssh-e2e-"));

// What the image holds, in bytes: the expectations are computed from these alone.
const BASE_FILE = 300_000;
const APP_FILE = 120_000;
const DATA_FILE = 50_000;

function sh(cmd: string, args: string[], input?: Buffer): void {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", env: { ...process.env, DOCKER_BUILDKIT: "0" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.error}`);
}

async function inspectWith(dockerHost: string): Promise<ImageReport> {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = dockerHost;
  try {
    return analyzeImage(await new EngineSource(tag).load({ limits: DEFAULT_LIMITS, capture: captureRule })).report;
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

describe("whittle inspect through ssh:// and the real docker system dial-stdio", { skip, timeout: 300_000 }, () => {
  let sshd: Sshd;
  before(async () => {
    const reason = missingReason();
    if (reason) throw new Error(`WHITTLE_E2E=1 but ${reason}`);
    // Three layers without needing a shell in the image: an imported root filesystem and two COPYs.
    sh(DOCKER, ["import", "-", base], await layerTar([{ path: "usr/" }, { path: "usr/lib/base.bin", content: bytes(BASE_FILE, 3) }]));
    writeFileSync(join(work, "app.bin"), bytes(APP_FILE, 4));
    writeFileSync(join(work, "data.bin"), bytes(DATA_FILE, 5));
    writeFileSync(join(work, "Dockerfile"), `FROM ${base}\nCOPY app.bin /app/app.bin\nCOPY data.bin /app/data.bin\n`);
    sh(DOCKER, ["build", "-q", "-t", tag, work]);
    // The sessions' PATH finds the e2e docker CLI first, as a remote host's login would find its own.
    sshd = await startSshd({ sessionPath: [dirname(DOCKER)] });
    sshd.useClient();
  });
  after(async () => {
    await sshd?.stop();
    spawnSync(DOCKER, ["rmi", "-f", tag, base]);
    rmSync(work, { recursive: true, force: true });
  });

  it("reports exactly what the engine's unix socket gives", async () => {
    const local = await inspectWith("unix:///var/run/docker.sock");
    const remote = await inspectWith(`ssh://root@127.0.0.1:${sshd.port}`);
    assert.equal(local.layers.length, 3);
    assert.equal(local.totalBytes, BASE_FILE + APP_FILE + DATA_FILE);
    assert.deepEqual(remote, local);
    // With the socket named after the host, the remote docker CLI is told where its engine is.
    assert.deepEqual(await inspectWith(`ssh://root@127.0.0.1:${sshd.port}/var/run/docker.sock`), local);
  });
});
