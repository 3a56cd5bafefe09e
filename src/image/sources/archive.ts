import { posix } from "node:path";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { InputError } from "../../errors.js";
import { LayerReader, normalizePath, type LayerRecord } from "../layer-reader.js";
import { TarParser, type EntrySink, type TarHeader } from "../tar.js";
import { isZstd, zstdFrameProblem } from "../zstd.js";
import { blobPath, parseConfig, parseLegacyManifest, parseManifestDoc, resolveManifest, type Descriptor } from "./oci.js";
import { chunksOf, hashDeferred, MAX_JSON_BYTES } from "./stream.js";
import type { ImageSource, LoadedImage, LoadOptions, SourceLayer } from "./types.js";

/**
 * A tar holding an image: `docker save` (legacy manifest.json + <id>/layer.tar, or the Docker 25+
 * OCI layout inside the tar) and `oci-archive` (skopeo). The archive is read exactly once, front to
 * back: layers are parsed as they pass, whatever their order, and joined to the manifest at the end
 * (legacy archives may put manifest.json last).
 */
export class ArchiveSource implements ImageSource {
  constructor(
    private readonly name: string,
    /** `path` when the archive is a file that can be read again (see hashDeferred). */
    private readonly open: () => Promise<{ chunks: AsyncIterable<Buffer>; size?: number; close?: () => void; path?: string }>,
    private readonly kind?: string,
  ) {}

  describe(): string {
    return this.name;
  }

  async load(options: LoadOptions): Promise<LoadedImage> {
    const { chunks, size, close, path } = await this.open();
    const outer = { compressed: false };
    // Offsets into the file mean something only when the archive is not compressed as a whole.
    const reader = new ArchiveReader(this.name, options, () => path !== undefined && !outer.compressed);
    options.progress?.start(size);
    try {
      for await (const chunk of outerChunks(chunks, this.name, outer, options.limits.maxZstdWindow)) {
        reader.push(chunk);
        options.progress?.advance(chunk.length);
        await reader.settled();
      }
      const image = await reader.finish(this.kind);
      if (path !== undefined && !outer.compressed) await hashDeferred(path, image.layers.map((l) => l.record));
      return image;
    } finally {
      close?.();
      options.progress?.stop();
    }
  }
}

/** Archives are sometimes compressed as a whole (`docker save | gzip`, `| zstd`). */
async function* outerChunks(stream: AsyncIterable<Buffer>, where: string, outer: { compressed: boolean }, maxZstdWindow: number): AsyncGenerator<Buffer> {
  const it = chunksOf(stream, where)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new InputError(`${where}: empty file, not an image archive`);
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  try {
    if (isZstd(first.value)) {
      outer.compressed = true;
      yield* unzstd(all(), where, maxZstdWindow);
      return;
    }
    if (first.value[0] !== 0x1f || first.value[1] !== 0x8b) {
      yield* all();
      return;
    }
    outer.compressed = true;
    const gz = createGunzip({ chunkSize: 256 * 1024 });
    // Readable.from queues chunks ahead; the reader may reuse their buffers, so queue copies.
    async function* copies(): AsyncGenerator<Buffer> {
      for await (const chunk of all()) yield Buffer.from(chunk);
    }
    pipeline(Readable.from(copies()), gz, () => undefined);
    try {
      for await (const chunk of gz) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${where}: gzip data ${/unexpected end/i.test((err as Error).message) ? "truncated" : "corrupt"}`);
    }
  } finally {
    // Stopping early (a broken layer) must still release the file.
    await it.return(undefined);
  }
}

/** A zstd stream, decompressed chunk by chunk with fzstd (its window checked first, as for layers). */
async function* unzstd(chunks: AsyncIterable<Buffer>, where: string, maxWindow: number): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  // fzstd hands out views of its own window, which the next push overwrites: keep copies.
  const z = new Decompress((chunk) => out.push(Buffer.from(chunk)));
  let checked = false;
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      z.push(chunk, final);
    } catch (err) {
      const message = (err as Error).message;
      throw new InputError(`${where}: zstd data ${/unexpected EOF|end/i.test(message) ? "truncated" : `corrupt (${message})`}`);
    }
  };
  for await (const chunk of chunks) {
    if (!checked) {
      const problem = zstdFrameProblem(chunk, maxWindow);
      if (problem) throw new InputError(`${where}: ${problem}`);
      checked = true;
    }
    // fzstd keeps incomplete input between pushes: give it bytes it may keep (the reader reuses its buffers).
    push(Buffer.from(chunk), false);
    yield* out.splice(0);
  }
  push(new Uint8Array(0), true);
  yield* out.splice(0);
}

const JSON_NAMES = new Set(["manifest.json", "index.json", "repositories", "oci-layout"]);

class ArchiveReader {
  private parser: TarParser;
  private jsons = new Map<string, Buffer>();
  private layers = new Map<string, Promise<LayerRecord>>();
  private links = new Map<string, string>();
  private wait: Promise<void> | undefined;

  constructor(
    private readonly where: string,
    private readonly options: LoadOptions,
    /** Whether blobs' offsets in the archive file can be used to read them again. */
    private readonly reReadable: () => boolean,
  ) {
    this.parser = new TarParser((h) => this.entry(h), where);
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  /** Resolves once the layer being read has taken what it was given. */
  async settled(): Promise<void> {
    while (this.wait) {
      const w = this.wait;
      this.wait = undefined;
      await w;
    }
  }

  private entry(h: TarHeader): EntrySink | undefined {
    const name = normalizePath(h.name, this.where).slice(1);
    if (h.type === "symlink" || h.type === "hardlink") {
      // `docker save` links a layer shared by two images to its first copy.
      const target = h.type === "symlink" ? posix.normalize(posix.join(posix.dirname(name), h.linkname)) : normalizePath(h.linkname, this.where).slice(1);
      this.links.set(name, target);
      return undefined;
    }
    if (h.type !== "file") return undefined;
    const base = posix.basename(name);
    const isJson = JSON_NAMES.has(name) || (!name.includes("/") && name.endsWith(".json"));
    const isLegacyLayer = base === "layer.tar";
    const isBlob = name.startsWith("blobs/");
    if (!isJson && !isLegacyLayer && !isBlob) return undefined;
    if (isJson && h.size > MAX_JSON_BYTES) throw new InputError(`${this.where}: ${name} is ${h.size} bytes, too large for image metadata`);
    return new BlobSink(this, name, h.size, this.parser.contentOffset, isJson ? "json" : isLegacyLayer ? "layer" : "sniff");
  }

  storeJson(name: string, body: Buffer): void {
    this.jsons.set(name, body);
  }

  newLayer(name: string, size: number, offset: number): LayerReader {
    return new LayerReader(`${this.where}: ${name}`, size, this.options.limits, this.options.capture, this.reReadable() ? offset : undefined);
  }

  storeLayer(name: string, record: Promise<LayerRecord>): void {
    // A broken blob only matters if the manifest uses it; keep the rejection for then.
    record.catch(() => undefined);
    this.layers.set(name, record);
  }

  waitFor(p: Promise<void>): void {
    this.wait = this.wait ? this.wait.then(() => p) : p;
  }

  async finish(kindHint: string | undefined): Promise<LoadedImage> {
    this.parser.end();
    const plan = await this.plan();
    const layers: SourceLayer[] = [];
    for (const l of plan.layers) {
      const record = this.layers.get(this.follow(l.name));
      if (!record) throw new InputError(`${this.where}: layer ${l.name} named by the manifest is not in the archive`);
      layers.push({ digest: l.digest, mediaType: l.mediaType, record: await record });
    }
    return { ...plan, kind: kindHint ?? plan.kind, name: this.where, layers };
  }

  private follow(name: string): string {
    let n = name;
    for (let i = 0; i < 8 && this.links.has(n); i++) n = this.links.get(n)!;
    return n;
  }

  private async plan(): Promise<Omit<LoadedImage, "layers" | "name"> & { layers: Array<{ name: string; digest?: string; mediaType?: string }> }> {
    const index = this.jsons.get("index.json");
    const legacy = this.jsons.get("manifest.json");
    if (index) {
      try {
        return await this.planFromIndex(index, legacy ? "docker-archive" : "oci-archive");
      } catch (err) {
        // Docker 25+ writes both; when its index points at what the archive lacks, the legacy file still works.
        if (!legacy) throw err;
      }
    }
    if (legacy) return this.planFromLegacy(legacy);
    throw new InputError(`${this.where}: not an image archive (no manifest.json or index.json; expected \`docker save\` or an OCI archive)`);
  }

  private async planFromIndex(index: Buffer, kind: string) {
    const doc = parseManifestDoc(index, `${this.where}: index.json`);
    const blob = (d: Descriptor) => this.jsons.get(blobPath(d.digest));
    const { manifest, manifestDigest, platform } = await resolveManifest(
      doc,
      "",
      async (d) => blob(d),
      this.options.platform,
      `${this.where}: index.json`,
      (d) => blob(d) !== undefined,
    );
    const config = blob(manifest.config);
    if (!config) throw new InputError(`${this.where}: config ${manifest.config.digest} is not in the archive`);
    return {
      kind,
      manifestDigest,
      configDigest: manifest.config.digest,
      platform,
      config: parseConfig(config, `${this.where}: config`),
      layers: manifest.layers.map((d) => ({ name: blobPath(d.digest), digest: d.digest, mediaType: d.mediaType })),
    };
  }

  private planFromLegacy(legacy: Buffer) {
    const entries = parseLegacyManifest(legacy, `${this.where}: manifest.json`);
    if (entries.length === 0) throw new InputError(`${this.where}: manifest.json lists no image`);
    if (entries.length > 1) {
      const names = entries.map((e) => e.RepoTags?.[0] ?? e.Config).join(", ");
      throw new InputError(`${this.where}: holds ${entries.length} images (${names}); save one image per archive`);
    }
    const [entry] = entries;
    const configName = normalizePath(entry.Config, this.where).slice(1);
    const config = this.jsons.get(configName);
    if (!config) throw new InputError(`${this.where}: config ${entry.Config} is not in the archive`);
    const digestOf = (name: string) => {
      const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
      return m ? `${m[1]}:${m[2]}` : undefined;
    };
    return {
      kind: "docker-archive",
      configDigest: digestOf(configName) ?? (/^[a-f0-9]{64}\.json$/.test(configName) ? `sha256:${configName.slice(0, 64)}` : undefined),
      config: parseConfig(config, `${this.where}: ${configName}`),
      layers: entry.Layers.map((l) => {
        const name = normalizePath(l, this.where).slice(1);
        return { name, digest: digestOf(name) };
      }),
    };
  }
}

/** One file of the archive: a JSON document, a layer, or (for blobs) whichever its first byte says. */
class BlobSink implements EntrySink {
  private parts: Buffer[] = [];
  private layer: LayerReader | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly archive: ArchiveReader,
    private readonly name: string,
    private readonly size: number,
    /** Where the blob's bytes start in the archive. */
    private readonly offset: number,
    private mode: "json" | "layer" | "sniff",
  ) {}

  data(buffer: Buffer, start: number, end: number): void {
    const chunk = buffer.subarray(start, end);
    if (this.mode === "sniff") {
      const first = chunk[0];
      this.mode = (first === 0x7b || first === 0x5b) && this.size <= MAX_JSON_BYTES ? "json" : "layer";
    }
    if (this.mode === "json") this.parts.push(Buffer.from(chunk));
    else if (this.mode === "layer") {
      if (this.failure) return;
      this.layer ??= this.archive.newLayer(this.name, this.size, this.offset);
      try {
        const wait = this.layer.write(chunk);
        if (wait) this.archive.waitFor(wait.catch((err: Error) => void (this.failure = err)));
      } catch (err) {
        this.failure = err as Error;
      }
    }
  }

  end(): void {
    if (this.mode === "sniff") this.mode = "layer";
    if (this.mode === "json") this.archive.storeJson(this.name, Buffer.concat(this.parts));
    else if (this.mode === "layer") {
      const failure = this.failure;
      this.archive.storeLayer(this.name, failure ? Promise.reject(failure) : (this.layer ?? this.archive.newLayer(this.name, 0, this.offset)).finish());
    }
  }
}
