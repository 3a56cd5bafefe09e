import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { InspectJson } from "../../src/report/inspect-json.js";
import { bytes, dockerSaveLegacy, layer, type ImageSpec } from "../helpers/image-archive.js";

const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "whittle-inspect-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function whittle(args: string[], options: { cwd?: string; input?: Buffer; env?: NodeJS.ProcessEnv } = {}) {
  // tsx is resolved from the repository: the command may run in another directory.
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, join(root, "src/cli/main.ts"), ...args], {
    cwd: options.cwd ?? dir,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1", ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DOCKERFILE = "FROM python:3.11-slim\nRUN pip install flask\nRUN rm -rf /root/.cache\n";

/** A base layer, a pip install that leaves 7000 cache bytes, and a later RUN that deletes them. */
async function cleanupImage(): Promise<ImageSpec> {
  return {
    layers: [
      await layer([{ path: "usr/bin/python3.11", content: bytes(40_000, 1) }]),
      await layer([{ path: "root/.cache/pip/http/a/b", content: bytes(7000, 2) }, { path: "usr/local/lib/python3.11/site-packages/flask/__init__.py", content: bytes(3000, 3) }]),
      await layer([{ path: "root/" }, { path: "root/.wh..cache" }]),
    ],
    history: [
      { created_by: "/bin/sh -c #(nop) ADD file:x in / " },
      { created_by: "/bin/sh -c pip install flask" },
      { created_by: "/bin/sh -c rm -rf /root/.cache" },
    ],
  };
}

let archive: string;
let squashed: string;
before(async () => {
  archive = join(dir, "cleanup.tar");
  writeFileSync(archive, await dockerSaveLegacy(await cleanupImage()));
  squashed = join(dir, "squashed.tar");
  writeFileSync(
    squashed,
    await dockerSaveLegacy({ layers: [await layer([{ path: "usr/bin/app", content: bytes(10_000, 1) }, { path: "root/.cache/pip/x", content: bytes(5000, 2) }])] }),
  );
  writeFileSync(join(dir, "Dockerfile"), DOCKERFILE);
});

describe("whittle inspect", () => {
  it("prints the versioned JSON document with exact numbers", () => {
    const r = whittle(["inspect", archive, "--format", "json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as InspectJson;
    assert.equal(doc.version, 1);
    assert.equal(doc.totalBytes, 50_000);
    assert.deepEqual(
      doc.layers.map((l) => [l.index, l.bytes, l.command, l.compression]),
      [
        [0, 40_000, "ADD file:x in /", "none"],
        [1, 10_000, "RUN pip install flask", "none"],
        [2, 0, "RUN rm -rf /root/.cache", "none"],
      ],
    );
    assert.deepEqual(doc.waste.items, [{ path: "/root/.cache/pip/http/a/b", bytes: 7000, kind: "deleted", layer: 1, files: 1, by: 2 }]);
    assert.equal(doc.waste.bytes, 7000);
    // dive sees the deleted directory as a leaf of size 0 next to files it never counts twice.
    assert.equal(doc.efficiency, 1);
    assert.equal(doc.dive.wastedBytes, 0);
  });

  it("fails the gate on a separate cleanup layer, passes with looser limits, and explains itself", () => {
    const strict = whittle(["inspect", archive, "--ci"]);
    assert.equal(strict.status, 1, strict.stderr);
    assert.match(strict.stdout, /Gate: FAIL/);
    assert.match(strict.stdout, /FAIL {2}maxWastePercent: wasted share 14\.00% exceeds the limit 10\.00%/);
    assert.match(strict.stdout, /6\.8 KB {2}deleted {7}\/root\/\.cache\/pip\/http\/a\/b {2}\[layer 1, hidden by 2\]\n +<- RUN pip install flask\n/);
    const loose = whittle(["inspect", archive, "--ci", "--max-waste-percent", "0.2"]);
    assert.equal(loose.status, 0, loose.stdout);
  });

  it("reads gate settings from pyproject.toml and from dive's .dive-ci", () => {
    const project = mkdtempSync(join(dir, "project-"));
    writeFileSync(join(project, "pyproject.toml"), '[tool.whittle.inspect]\nmax-waste-percent = 0.5\nmax-image-size = "40KB"\n');
    const r = whittle(["inspect", archive, "--ci", "--format", "json"], { cwd: project });
    assert.equal(r.status, 1);
    const gate = (JSON.parse(r.stdout) as InspectJson).gate!;
    assert.deepEqual(
      gate.checks.map((c) => [c.key, c.passed]),
      [["lowestEfficiency", true], ["highestUserWastedPercent", true], ["maxImageSize", false], ["maxWastePercent", true]],
    );
    writeFileSync(join(project, ".dive-ci"), "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 1KB\n  highestUserWastedPercent: disabled\n");
    const dive = whittle(["inspect", archive, "--ci", "--config", ".dive-ci", "--max-waste-percent", "off", "--format", "json"], { cwd: project });
    assert.equal(dive.status, 0, dive.stdout);
    assert.deepEqual(
      (JSON.parse(dive.stdout) as InspectJson).gate!.checks.map((c) => c.key),
      ["lowestEfficiency", "highestWastedBytes"],
    );
  });

  it("does not let a single-layer image with a cache slip through", () => {
    const r = whittle(["inspect", squashed, "--ci"]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /dive wasted share \(whole image: no layer after the first holds bytes\) 0\.00% within/);
    assert.match(r.stdout, /FAIL {2}maxWastePercent: wasted share 33\.33%/);
  });

  it("joins a Dockerfile: each finding carries the bytes the image holds for it", () => {
    const r = whittle(["inspect", archive, "--dockerfile", join(dir, "Dockerfile"), "--format", "json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as InspectJson;
    assert.deepEqual(doc.layers.map((l) => l.instruction?.line ?? null), [null, 2, 3]);
    const pip = doc.dockerfile!.findings.find((f) => f.rule === "pip-cache")!;
    assert.equal(pip.line, 2);
    assert.equal(pip.layer, 1);
    assert.deepEqual(pip.measured, {
      bytes: 7000,
      files: 1,
      paths: [{ path: "/root/.cache/pip", bytes: 7000 }],
      basis: "pip/uv cache files this instruction's layer stores",
    });
    const text = whittle(["inspect", archive, "--dockerfile", join(dir, "Dockerfile")]);
    assert.match(text.stdout, /2:5 +pip-cache +6\.8 KB \(layer 1\)/);
    const html = whittle(["inspect", archive, "--dockerfile", join(dir, "Dockerfile"), "--format", "html"]);
    assert.match(html.stdout, /<tr><td class="n">2:5<\/td><td>pip-cache<\/td><td class="n">6\.8 KB<\/td><td>layer 1<\/td>/);
    // Layers are named by their Dockerfile line.
    assert.match(html.stdout, /<title>layer 1: 9\.8 KB, waste 6\.8 KB\nline 2: RUN pip install flask<\/title>/);
  });

  it("compares with a baseline image: what grew, in JSON and text, and a growth gate", () => {
    const r = whittle(["inspect", archive, "--baseline", squashed, "--format", "json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as InspectJson;
    // squashed: /usr/bin/app 10,000 and a pip cache of 5,000 bytes; the cleanup image 50,000 in all.
    assert.deepEqual(doc.baseline!.baseline, { name: squashed, totalBytes: 15_000, blobBytes: doc.baseline!.baseline.blobBytes, layers: 1, wasteBytes: 5_000 });
    assert.equal(doc.baseline!.delta.totalBytes, 35_000);
    assert.deepEqual(doc.baseline!.delta.layers, 2);
    const text = whittle(["inspect", archive, "--baseline", squashed]);
    assert.match(text.stdout, /^Compared with .*squashed\.tar: \+34\.2 KB \(\+233\.3%\)$/m);
    const gated = whittle(["inspect", archive, "--baseline", squashed, "--ci", "--max-growth", "30KB", "--max-waste-percent", "off", "--lowest-efficiency", "off", "--format", "json"]);
    assert.equal(gated.status, 1, gated.stderr);
    assert.deepEqual((JSON.parse(gated.stdout) as InspectJson).gate!.checks.filter((c) => !c.passed).map((c) => c.key), ["maxGrowth"]);
    // A baseline that is not there is found before the image is read.
    const missing = whittle(["inspect", archive, "--baseline", join(dir, "missing.tar")]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^whittle: .*missing\.tar/);
    assert.equal(missing.stderr.split("\n").length, 2);
    const alone = whittle(["inspect", archive, "--max-growth", "30KB"]);
    assert.equal(alone.status, 2);
    assert.equal(alone.stderr, "whittle: --max-growth and --max-growth-percent compare with a baseline: name it with --baseline IMAGE\n");
  });

  it("reads an archive from standard input", () => {
    const r = whittle(["inspect", "-", "--format", "json"], { input: readFileSync(archive) });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as InspectJson).totalBytes, 50_000);
  });

  it("writes the HTML report as one page on standard output, the gate still deciding the exit code", () => {
    const r = whittle(["inspect", archive, "--format", "html"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<!doctype html>\n/);
    assert.match(r.stdout, /<h2>Waste: 6\.8 KB \(14\.0% of the image\)<\/h2>/);
    assert.equal([...r.stdout.matchAll(/<g class="layer">/g)].length, 2);
    assert.match(r.stdout, /<g class="cell" data-path="\/usr">/);
    const gated = whittle(["inspect", archive, "--format", "html", "--ci"]);
    assert.equal(gated.status, 1);
    assert.match(gated.stdout, /<section id="gate"><h2>Gate: <span class="fail">FAIL/);
  });

  it("bad input: one line on stderr and exit 2", () => {
    for (const args of [
      ["inspect", join(dir, "missing.tar")],
      ["inspect", archive, "--format", "xml"],
      ["inspect", archive, "--ci", "--max-waste", "lots"],
      ["inspect", archive, "--platform", "amd64"],
      ["inspect", "registry://127.0.0.1:1/x:y"],
      ["inspect", join(dir, "Dockerfile")],
    ]) {
      const r = whittle(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, /^whittle: /);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    }
  });

  it("no engine: says where it looked and what works without one", () => {
    const r = whittle(["inspect", "myapp:latest"], { env: { DOCKER_HOST: `unix://${join(dir, "no-engine.sock")}` } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^whittle: cannot reach the Docker engine at unix:\/\/.*no-engine\.sock \(ENOENT\); is it running\? \(`docker save` to an archive works without one\)\n$/);
  });
});

