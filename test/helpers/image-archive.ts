// Builds image archives in memory for tests: layer tars (tar-stream pack), docker-save (legacy and
// Docker 25+ layouts), OCI archives and OCI layout directories.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface FileSpec {
  path: string;
  /** File content; a number means that many bytes of a deterministic pattern. */
  content?: string | Buffer | number;
  type?: "file" | "dir" | "symlink" | "link";
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function contentOf(c: FileSpec["content"]): Buffer {
  if (typeof c === "number") return bytes(c);
  if (typeof c === "string") return Buffer.from(c);
  return c ?? Buffer.alloc(0);
}

/** A layer tar with the given entries, in order. */
export async function layerTar(files: FileSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for (const f of files) {
    const type = f.type ?? (f.path.endsWith("/") ? "dir" : "file");
    const header = { name: f.path, mode: f.mode ?? (type === "dir" ? 0o755 : 0o644), uid: f.uid ?? 0, gid: f.gid ?? 0, mtime: new Date(0) };
    if (type === "file") pack.entry({ ...header, type: "file" }, contentOf(f.content));
    else if (type === "dir") pack.entry({ ...header, type: "directory" });
    else pack.entry({ ...header, type: type === "link" ? "link" : "symlink", linkname: f.linkname });
  }
  pack.finalize();
  return done;
}

function collect(stream: tar.Pack): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on("data", (c: unknown) => parts.push(c as Buffer));
    stream.on("end", () => resolve(Buffer.concat(parts)));
    stream.on("error", reject);
  });
}

export const gzip = (b: Buffer): Buffer => gzipSync(b);

/** zstd through the `zstd` program; undefined when it is not installed. */
export function zstd(b: Buffer): Buffer | undefined {
  const r = spawnSync("zstd", ["-q", "-c", "-3"], { input: b, maxBuffer: 1 << 30 });
  return r.status === 0 && !r.error ? r.stdout : undefined;
}

export const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export interface ImageSpec {
  /** Layer blobs as stored (plain, gzip or zstd) and the uncompressed tars they hold. */
  layers: Array<{ blob: Buffer; tar: Buffer }>;
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
  user?: string;
  architecture?: string;
}

export async function layer(files: FileSpec[], compress: (b: Buffer) => Buffer = (b) => b): Promise<{ blob: Buffer; tar: Buffer }> {
  const t = await layerTar(files);
  return { blob: compress(t), tar: t };
}

export function configJson(spec: ImageSpec): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? "amd64",
      os: "linux",
      config: { User: spec.user ?? "", Env: ["PATH=/usr/local/bin:/usr/bin:/bin"], Cmd: ["python3"] },
      rootfs: { type: "layers", diff_ids: spec.layers.map((l) => sha256(l.tar)) },
      history: spec.history ?? spec.layers.map((_, i) => ({ created_by: `/bin/sh -c echo layer ${i}` })),
    }),
  );
}

function mediaTypeOf(blob: Buffer): string {
  if (blob[0] === 0x1f && blob[1] === 0x8b) return "application/vnd.oci.image.layer.v1.tar+gzip";
  if (blob.readUInt32LE(0) === 0xfd2fb528) return "application/vnd.oci.image.layer.v1.tar+zstd";
  return "application/vnd.oci.image.layer.v1.tar";
}

interface Blobs {
  files: Array<{ name: string; body: Buffer }>;
  manifestDigest: string;
  manifest: Buffer;
}

/** The OCI pieces of an image: config, layers and manifest as blobs. */
export function ociBlobs(spec: ImageSpec): Blobs {
  const config = configJson(spec);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: spec.layers.map((l) => ({ mediaType: mediaTypeOf(l.blob), digest: sha256(l.blob), size: l.blob.length })),
    }),
  );
  const files = [config, manifest, ...spec.layers.map((l) => l.blob)].map((body) => ({ name: `blobs/sha256/${sha256(body).slice(7)}`, body }));
  return { files, manifestDigest: sha256(manifest), manifest };
}

export interface IndexEntry {
  spec: ImageSpec;
  platform?: { os: string; architecture: string; variant?: string };
}

function indexJson(entries: Array<{ blobs: Blobs; platform?: IndexEntry["platform"] }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: entries.map((e) => ({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: e.blobs.manifestDigest,
        size: e.blobs.manifest.length,
        ...(e.platform ? { platform: e.platform } : {}),
        annotations: { "org.opencontainers.image.ref.name": "latest" },
      })),
    }),
  );
}

export async function tarFiles(files: Array<{ name: string; body: Buffer; type?: "symlink"; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.name.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (!dirs.has(d)) {
        dirs.add(d);
        pack.entry({ name: `${d}/`, type: "directory", mode: 0o755 });
      }
    }
    if (f.type === "symlink") pack.entry({ name: f.name, type: "symlink", linkname: f.linkname });
    else pack.entry({ name: f.name, mode: 0o644 }, f.body);
  }
  pack.finalize();
  return done;
}

/** `docker save` before Docker 25: <id>/layer.tar, <config>.json, manifest.json (first or last). */
export async function dockerSaveLegacy(spec: ImageSpec, options: { manifestLast?: boolean; sharedLayerLink?: boolean } = {}): Promise<Buffer> {
  const config = configJson(spec);
  const configName = `${sha256(config).slice(7)}.json`;
  const layerNames = spec.layers.map((l, i) => `${sha256(`${i}:${sha256(l.tar)}`).slice(7, 71)}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ["test:latest"], Layers: layerNames }]));
  const files: Array<{ name: string; body: Buffer; type?: "symlink"; linkname?: string }> = [];
  if (!options.manifestLast) files.push({ name: "manifest.json", body: manifest });
  files.push({ name: configName, body: config });
  spec.layers.forEach((l, i) => {
    // Docker links a layer that repeats an earlier one instead of storing it twice.
    const earlier = spec.layers.findIndex((o) => o.tar.equals(l.tar));
    if (options.sharedLayerLink && earlier < i) files.push({ name: layerNames[i], body: Buffer.alloc(0), type: "symlink", linkname: `../${layerNames[earlier]}` });
    else files.push({ name: layerNames[i], body: l.tar });
  });
  if (options.manifestLast) files.push({ name: "manifest.json", body: manifest });
  return tarFiles(files);
}

/** `docker save` from Docker 25 on: an OCI layout (index.json, blobs) plus the legacy manifest.json. */
export async function dockerSaveOci(spec: ImageSpec): Promise<Buffer> {
  const blobs = ociBlobs(spec);
  const config = configJson(spec);
  const manifest = Buffer.from(
    JSON.stringify([{ Config: `blobs/sha256/${sha256(config).slice(7)}`, RepoTags: ["test:latest"], Layers: spec.layers.map((l) => `blobs/sha256/${sha256(l.blob).slice(7)}`) }]),
  );
  return tarFiles([
    ...blobs.files,
    { name: "index.json", body: indexJson([{ blobs }]) },
    { name: "manifest.json", body: manifest },
    { name: "oci-layout", body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ]);
}

/** What `skopeo copy ... oci-archive:` writes; several entries make a multi-platform index. */
export async function ociArchive(entries: IndexEntry[]): Promise<Buffer> {
  const built = entries.map((e) => ({ blobs: ociBlobs(e.spec), platform: e.platform }));
  const seen = new Set<string>();
  const files = built.flatMap((b) => b.blobs.files).filter((f) => !seen.has(f.name) && seen.add(f.name));
  return tarFiles([{ name: "oci-layout", body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }, { name: "index.json", body: indexJson(built) }, ...files]);
}

export function ociDir(entries: IndexEntry[], dir: string): void {
  const built = entries.map((e) => ({ blobs: ociBlobs(e.spec), platform: e.platform }));
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, "index.json"), indexJson(built));
  for (const f of built.flatMap((b) => b.blobs.files)) writeFileSync(join(dir, f.name), f.body);
}
