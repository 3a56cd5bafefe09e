import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { analyzeImage } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS, DEFER_BYTES, LayerReader, type LayerLimits } from "../../src/image/layer-reader.js";
import { parsePlatform } from "../../src/image/sources/oci.js";
import { openSource } from "../../src/image/sources/index.js";
import { captureRule } from "../../src/image/view.js";
import {
  bytes,
  dockerSaveLegacy,
  dockerSaveOci,
  gzip,
  layer,
  layerTar,
  ociArchive,
  ociDir,
  configJson,
  tarFiles,
  zstd,
  type ImageSpec,
} from "../helpers/image-archive.js";

const dir = mkdtempSync(join(tmpdir(), "whittle-sources-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: Buffer): string {
  const path = join(dir, `archive-${n++}.tar`);
  writeFileSync(path, content);
  return path;
}

async function inspect(arg: string, options: { platform?: string; limits?: Partial<LayerLimits> } = {}) {
  const image = await openSource(arg).load({
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    capture: captureRule,
    platform: options.platform ? parsePlatform(options.platform) : undefined,
  });
  return analyzeImage(image).report;
}

async function rejects(arg: string, message: RegExp, options: { limits?: Partial<LayerLimits> } = {}) {
  await assert.rejects(inspect(arg, options), (err: Error) => {
    assert.equal(err.name, "InputError", `expected an input error, got ${err.stack}`);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

/** Two layers: 3000 bytes, then a deletion of 1000 of them and 500 new. */
async function spec(compress: (b: Buffer) => Buffer = (b) => b, tag = 1): Promise<ImageSpec> {
  return {
    layers: [
      await layer([{ path: "app/" }, { path: "app/a", content: bytes(1000, tag) }, { path: "app/b", content: bytes(2000, tag + 1) }], compress),
      await layer([{ path: "app/" }, { path: "app/.wh.a" }, { path: "app/c", content: bytes(500, tag + 2) }], compress),
    ],
    history: [
      { created_by: "/bin/sh -c #(nop) ADD file:abc in / " },
      { created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true },
      { created_by: "RUN /bin/sh -c rm /app/a && head -c 500 /dev/urandom > /app/c # buildkit" },
    ],
  };
}

function assertSpecNumbers(report: Awaited<ReturnType<typeof inspect>>, kind: string) {
  assert.equal(report.source.kind, kind);
  assert.equal(report.layers.length, 2);
  assert.equal(report.totalBytes, 3500);
  assert.deepEqual(report.layers.map((l) => l.bytes), [3000, 500]);
  assert.deepEqual(report.layers.map((l) => l.command), ["ADD file:abc in /", "RUN rm /app/a && head -c 500 /dev/urandom > /app/c"]);
  assert.equal(report.waste.byKind.deleted, 1000);
  assert.deepEqual(report.layers[1].changes, { added: 1, modified: 0, removed: 1, hardlinks: 0, symlinks: 0, bytes: 500 });
}

describe("image sources", () => {
  it("reads a legacy docker-save archive", async () => {
    const report = await inspect(file(await dockerSaveLegacy(await spec())));
    assertSpecNumbers(report, "docker-archive");
    assert.deepEqual(report.layers.map((l) => l.compression), ["none", "none"]);
  });

  it("reads a legacy archive whose manifest comes last and whose repeated layer is a symlink", async () => {
    const s = await spec();
    s.layers.push(s.layers[1]);
    s.history!.push({ created_by: "/bin/sh -c true" });
    const report = await inspect(file(await dockerSaveLegacy(s, { manifestLast: true, sharedLayerLink: true })));
    assert.equal(report.layers.length, 3);
    assert.deepEqual(report.layers.map((l) => l.bytes), [3000, 500, 500]);
    assert.equal(report.waste.byKind.rewritten, 500, "the repeated layer stores /app/c again unchanged");
  });

  it("reads the Docker 25+ layout (OCI index inside the tar) with gzip layers", async () => {
    const report = await inspect(file(await dockerSaveOci(await spec(gzip))));
    assertSpecNumbers(report, "docker-archive");
    assert.deepEqual(report.layers.map((l) => l.compression), ["gzip", "gzip"]);
    assert.ok(report.layers.every((l) => l.blobBytes < l.tarBytes || l.tarBytes < 5000));
    assert.match(report.source.manifestDigest ?? "", /^sha256:[a-f0-9]{64}$/);
  });

  it("reads zstd layers", async (t) => {
    if (!zstd(Buffer.from("probe"))) {
      t.skip("the zstd program is not installed (apt-get install zstd)");
      return;
    }
    const report = await inspect(file(await ociArchive([{ spec: await spec((b) => zstd(b)!) }])));
    assertSpecNumbers(report, "oci-archive");
    assert.deepEqual(report.layers.map((l) => l.compression), ["zstd", "zstd"]);
  });

  it("reads an archive gzipped as a whole", async () => {
    assertSpecNumbers(await inspect(file(gzipSync(await dockerSaveLegacy(await spec())))), "docker-archive");
  });

  it("reads an archive compressed with zstd as a whole, and says when it is cut short", async (t) => {
    const whole = zstd(await dockerSaveLegacy(await spec()));
    if (!whole) {
      t.skip("the zstd program is not installed (apt-get install zstd)");
      return;
    }
    assertSpecNumbers(await inspect(file(whole)), "docker-archive");
    await assert.rejects(inspect(file(whole.subarray(0, Math.floor(whole.length / 2)))), /zstd data truncated|truncated archive/);
  });

  it("picks a platform from a multi-platform OCI archive", async () => {
    const amd = await spec((b) => b, 1);
    const arm = await spec((b) => b, 5);
    arm.layers[0] = await layer([{ path: "app/" }, { path: "app/a", content: bytes(1000, 5) }, { path: "app/b", content: bytes(7000, 6) }]);
    const path = file(
      await ociArchive([
        { spec: amd, platform: { os: "linux", architecture: "amd64" } },
        { spec: { ...arm, architecture: "arm64" }, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
      ]),
    );
    assert.equal((await inspect(path, { platform: "linux/amd64" })).totalBytes, 3500);
    const armReport = await inspect(path, { platform: "linux/arm64" });
    assert.equal(armReport.totalBytes, 8500);
    assert.equal(armReport.source.platform, "linux/arm64/v8");
    await assert.rejects(inspect(path, { platform: "linux/s390x" }), /no image for linux\/s390x \(has linux\/amd64, linux\/arm64\/v8\); choose one with --platform/);
  });

  it("finds copies and rewrites of large files in plain layers by reading again only those sharing a size", async () => {
    const size = DEFER_BYTES + 100;
    const big = (compress: (b: Buffer) => Buffer) => ({
      layers: [
        [
          { path: "big/a", content: bytes(size, 1) },
          { path: "big/b", content: bytes(size, 1) },
          { path: "big/c", content: bytes(size, 2) },
          { path: "big/unique", content: bytes(size + 512, 3) },
        ],
        [
          { path: "big/c", content: bytes(size, 2), mode: 0o600 },
          { path: "big/d", content: bytes(size, 4) },
        ],
      ],
      compress,
    });
    const build = async (b: ReturnType<typeof big>) => ({ layers: await Promise.all(b.layers.map((files) => layer(files, b.compress))) });
    const plain = file(await dockerSaveLegacy(await build(big((b) => b))));
    const load = (arg: string) => openSource(arg).load({ limits: DEFAULT_LIMITS, capture: captureRule });
    const deferred = await load(plain);
    const entry = (img: typeof deferred, layerIndex: number, path: string) => img.layers[layerIndex].record.entries.find((e) => e.path === path)!;
    assert.equal(entry(deferred, 0, "/big/unique").hash, undefined, "a large file of a unique size is never read twice");
    assert.deepEqual(
      deferred.layers.map((l) => [l.record.deferred?.entries.length, l.record.deferred?.large.length]),
      [[0, 4], [0, 2]],
      "large files are never probed",
    );
    const inline = await load(file(await dockerSaveOci(await build(big(gzip)))));
    for (const path of ["/big/a", "/big/b", "/big/c"]) assert.equal(entry(deferred, 0, path).hash, entry(inline, 0, path).hash, path);
    for (const arg of [plain, file(gzipSync(await dockerSaveLegacy(await build(big((b) => b))))), file(await dockerSaveOci(await build(big(gzip))))]) {
      const report = await inspect(arg);
      assert.equal(report.waste.byKind.duplicate, size, arg);
      assert.equal(report.waste.byKind.rewritten, size, arg);
      assert.equal(report.waste.byKind.overwritten, undefined, arg);
    }
  });

  it("finds copies and rewrites of small files in plain layers by reading again only those whose probe repeats", async () => {
    // Same size and the same first and last 32 bytes as app/c, other content: its probe repeats, its hash does not.
    const lookalike = bytes(1000, 2);
    lookalike[500] ^= 1;
    const small = (compress: (b: Buffer) => Buffer) => [
      [
        { path: "app/a", content: bytes(1000, 1) },
        { path: "app/b", content: bytes(1000, 1) },
        { path: "app/c", content: bytes(1000, 2) },
        { path: "app/lookalike", content: lookalike },
        { path: "app/unique", content: bytes(3000, 3) },
        { path: "app/tiny", content: bytes(40, 4) },
        { path: "app/tiny-copy", content: bytes(40, 4) },
        // Captured (hashed as it passes, for its contents) and copied to a file that is not.
        { path: "usr/lib/python3.11/site-packages/x-1.0.dist-info/METADATA", content: bytes(200, 6) },
        { path: "app/metadata-copy", content: bytes(200, 6) },
      ],
      [
        { path: "app/c", content: bytes(1000, 2), mode: 0o600 },
        { path: "app/d", content: bytes(1000, 5) },
      ],
    ].map((files) => layer(files, compress));
    const build = async (compress: (b: Buffer) => Buffer) => ({ layers: await Promise.all(small(compress)) });
    const plain = file(await dockerSaveLegacy(await build((b) => b)));
    const load = (arg: string) => openSource(arg).load({ limits: DEFAULT_LIMITS, capture: captureRule });
    const deferred = await load(plain);
    const inline = await load(file(await dockerSaveOci(await build(gzip))));
    const entry = (img: typeof deferred, layerIndex: number, path: string) => img.layers[layerIndex].record.entries.find((e) => e.path === path)!;
    for (const path of ["/app/unique", "/app/d"]) assert.equal(entry(deferred, path === "/app/d" ? 1 : 0, path).hash, undefined, `${path}: a unique probe is never read twice`);
    for (const path of ["/app/a", "/app/b", "/app/c", "/app/lookalike", "/app/tiny", "/app/metadata-copy"]) {
      assert.notEqual(entry(deferred, 0, path).hash, undefined, path);
      assert.equal(entry(deferred, 0, path).hash, entry(inline, 0, path).hash, path);
    }
    assert.equal(entry(deferred, 1, "/app/c").hash, entry(inline, 1, "/app/c").hash);
    assert.notEqual(entry(deferred, 0, "/app/lookalike").hash, entry(deferred, 0, "/app/c").hash);
    assert.deepEqual(
      deferred.layers.map((l) => l.record.deferred?.entries.map((e) => e.path)),
      [["/app/a", "/app/b", "/app/c", "/app/lookalike", "/app/unique", "/usr/lib/python3.11/site-packages/x-1.0.dist-info/METADATA", "/app/metadata-copy"], ["/app/c", "/app/d"]],
      "files of up to 64 bytes are hashed as they pass",
    );
    for (const arg of [plain, file(gzipSync(await dockerSaveLegacy(await build((b) => b))))]) {
      const report = await inspect(arg);
      assert.equal(report.waste.byKind.duplicate, 1000 + 40 + 200, arg);
      assert.equal(report.waste.byKind.rewritten, 1000, arg);
      assert.equal(report.waste.byKind.overwritten, undefined, arg);
    }
  });

  it("reads a small file of a plain layer again when a compressed layer holds a file of its size", async () => {
    const archive = await dockerSaveLegacy({
      layers: [await layer([{ path: "app/x", content: bytes(1000, 7) }], gzip), await layer([{ path: "app/copy", content: bytes(1000, 7) }, { path: "app/other", content: bytes(1001, 7) }])],
    });
    const image = await openSource(file(archive)).load({ limits: DEFAULT_LIMITS, capture: captureRule });
    const [copy, other] = image.layers[1].record.entries;
    assert.equal(copy.hash, image.layers[0].record.entries[0].hash);
    assert.equal(other.hash, undefined);
    assert.equal(analyzeImage(image).report.waste.byKind.duplicate, 1000);
  });

  it("probes a file whose bytes arrive in pieces as it probes one that arrives whole", async () => {
    const tar = await layerTar([
      { path: "a", content: bytes(5000, 1) },
      { path: "b", content: bytes(70, 2) },
      { path: "c", content: bytes(1000, 3) },
    ]);
    const probes = async (step: number) => {
      const reader = new LayerReader("layer", tar.length, DEFAULT_LIMITS, () => false, 0);
      for (let at = 0; at < tar.length; at += step) await reader.write(tar.subarray(at, at + step));
      const record = await reader.finish();
      assert.deepEqual(record.entries.map((e) => e.hash), [undefined, undefined, undefined]);
      return record.deferred!.probes;
    };
    const whole = await probes(tar.length);
    assert.equal(new Set(whole).size, 3);
    for (const step of [1, 7, 31, 512, 4096]) assert.deepEqual(await probes(step), whole, `pieces of ${step} bytes`);
  });

  it("reads an OCI layout directory", async () => {
    const layout = join(dir, "layout");
    ociDir([{ spec: await spec(gzip) }], layout);
    assertSpecNumbers(await inspect(layout), "oci-layout");
    assertSpecNumbers(await inspect(`oci:${layout}`), "oci-layout");
  });
});

describe("hostile or broken archives", () => {
  it("truncated archive", async () => {
    const whole = await dockerSaveLegacy(await spec());
    await rejects(file(whole.subarray(0, 3000)), /truncated/);
  });

  it("truncated gzip layer", async () => {
    const s = await spec(gzip);
    s.layers[1] = { ...s.layers[1], blob: s.layers[1].blob.subarray(0, s.layers[1].blob.length - 20) };
    await rejects(file(await dockerSaveOci(s)), /gzip data truncated/);
  });

  it("a layer entry escaping the root with ..", async () => {
    const s = await spec();
    s.layers[1] = await layer([{ path: "app/../../etc/passwd", content: "x" }]);
    await rejects(file(await dockerSaveLegacy(s)), /escapes the image root \(app\/\.\.\/\.\.\/etc\/passwd\)/);
  });

  it("an absolute path", async () => {
    const s = await spec();
    s.layers[1] = await layer([{ path: "/etc/passwd", content: "x" }]);
    await rejects(file(await dockerSaveLegacy(s)), /absolute path \(\/etc\/passwd\)/);
  });

  it("a decompression bomb", async () => {
    const s = await spec();
    // Each entry is plausible on its own; together they expand about 1000-fold.
    const zeros = Buffer.alloc(1024 * 1024);
    s.layers[1] = await layer(Array.from({ length: 64 }, (_, i) => ({ path: `zeros-${i}`, content: zeros })), gzip);
    await rejects(file(await dockerSaveOci(s)), /more than 200 times its compressed size \(a decompression bomb\?\); raise --max-ratio/, {
      limits: { ratioFloor: 1024 * 1024 },
    });
  });

  it("an entry declaring more bytes than the layer holds", async () => {
    const tar = await layerTar([{ path: "big", content: 10 }]);
    // Rewrite the size field to 8 GiB (octal) and fix the header checksum.
    tar.write("100000000000\0", 124, "latin1");
    tar.write("        ", 148, "latin1");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i];
    tar.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    const s = await spec();
    s.layers[1] = { blob: tar, tar };
    await rejects(file(await dockerSaveLegacy(s)), /entry big declares 8589934592 bytes, more than the whole layer can hold/);
  });

  it("malformed manifest JSON", async () => {
    const whole = await dockerSaveLegacy(await spec());
    const text = whole.toString("latin1");
    const at = text.indexOf('[{"Config"');
    whole.write("{", at, "latin1");
    await rejects(file(whole), /manifest\.json: not valid JSON/);
  });

  it("a symlink loop", async () => {
    const s = await spec();
    s.layers[1] = await layer([
      { path: "a", type: "symlink", linkname: "b" },
      { path: "b", type: "symlink", linkname: "a" },
    ]);
    await rejects(file(await dockerSaveLegacy(s)), /symlink loop at \/[ab]/);
  });

  it("a file that is not an image archive", async () => {
    await rejects(file(Buffer.from("hello, this is not a tar archive at all".repeat(20))), /not a valid tar archive/);
    await rejects(file(await layerTar([{ path: "x", content: 3 }])), /not an image archive/);
    await rejects(file(Buffer.alloc(0)), /empty file/);
  });

  it("a layer the manifest names but the archive lacks", async () => {
    const s = await spec();
    const config = configJson(s);
    const archive = await tarFiles([
      { name: "manifest.json", body: Buffer.from(JSON.stringify([{ Config: "c.json", Layers: ["one/layer.tar", "two/layer.tar"] }])) },
      { name: "c.json", body: config },
      { name: "one/layer.tar", body: s.layers[0].tar },
    ]);
    await rejects(file(archive), /layer two\/layer\.tar named by the manifest is not in the archive/);
  });
});
