import { createGunzip, type Gunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { InputError } from "../errors.js";
import { ContentHash, PROBE_EDGE, ProbeEdges } from "./content-hash.js";
import { TarParser, type EntrySink, type TarHeader } from "./tar.js";
import { isZstd, zstdFrameProblem } from "./zstd.js";

/**
 * One layer blob (gzip, zstd or plain tar, told apart by its first bytes) turned into path records:
 * the only thing kept is per-path metadata and a content hash, never the bytes themselves.
 */

export type EntryKind = "file" | "dir" | "symlink" | "hardlink" | "other" | "whiteout" | "opaque" | "marker";

export interface LayerEntry {
  /** Absolute, normalized: "/usr/bin/python3". For whiteouts, the path they delete; for opaque markers, their directory. */
  path: string;
  /**
   * The directory holding `path` ("" for entries at the root): one string for all the entries of a
   * directory, so passes that follow directories compare identities, not characters.
   */
  dir: string;
  kind: EntryKind;
  /** Bytes the tar entry stores (0 for links, directories and whiteouts). */
  size: number;
  /** Symlink target as written, or the normalized path a hardlink points at. */
  link?: string;
  /** Content identity (see content-hash.ts) for files with content. */
  hash?: number;
}

export type Compression = "gzip" | "zstd" | "none";

/**
 * The files of more than PROBE_BYTES of a plain layer read from a file that can be read again, whose
 * hashes wait for hashDeferred: it reads again, and hashes, only those whose probe (or, for large
 * files, size) another file shares. Captured files are here too, already hashed (offset -1).
 */
export interface Deferred {
  /** Files probed as they passed, where their bytes start in the file, and their probes. */
  entries: LayerEntry[];
  offsets: Float64Array;
  probes: Int32Array;
  /** Large files (DEFER_BYTES), never looked at as they passed, and where their bytes start. */
  large: LayerEntry[];
  largeOffsets: number[];
}

export interface LayerRecord {
  entries: LayerEntry[];
  /** For a plain layer read from a file: the files hashed later, if at all (see Deferred). */
  deferred?: Deferred;
  /** Bytes of the uncompressed layer tar. */
  tarBytes: number;
  /** Bytes of the blob as stored (compressed when compressed). */
  blobBytes: number;
  compression: Compression;
  /** Contents of the files the capture rule asked for (dist-info RECORDs, dpkg status...). */
  captured: Map<string, Buffer>;
}

export interface LayerLimits {
  /** Decompressed bytes allowed per compressed byte. */
  maxRatio: number;
  /** Decompressed bytes always allowed, whatever the ratio. */
  ratioFloor: number;
  maxEntries: number;
  /** Largest zstd window or frame buffer accepted (fzstd allocates it up front). */
  maxZstdWindow: number;
}

export const DEFAULT_LIMITS: LayerLimits = {
  maxRatio: 200,
  ratioFloor: 256 * 1024 * 1024,
  maxEntries: 5_000_000,
  maxZstdWindow: 512 * 1024 * 1024,
};

/** Whether to keep the content of the file at `path` (of `size` bytes) for later reading. */
export type CaptureRule = (path: string, size: number) => boolean;

const GZIP_CHUNK = 256 * 1024;

/**
 * In a plain layer read from a file, no file of more than PROBE_BYTES is hashed as it passes (hashing
 * was a quarter of the time reading a layer of 200k small files took): it gets a probe instead, and
 * only files whose probe repeats in the image can be copies or rewrites. Files this large are not
 * even probed: a large file's size is nearly always unique, and without another file of its size it
 * has no copy.
 */
export const DEFER_BYTES = 1024 * 1024;
/** Files this small are hashed as they pass: their probe would cost as much as their hash. */
export const PROBE_BYTES = 2 * PROBE_EDGE;
const MAX_PATH = 4096;

/**
 * Reads one layer blob pushed in chunks. `write` returns a promise when the caller should wait
 * (decompressor back-pressure); `end` resolves with the record once everything is parsed.
 */
export class LayerReader implements EntrySink {
  private head: Buffer[] = [];
  private headLen = 0;
  /** Where blob bytes go once the compression is known; a promise while the bytes are still in use. */
  private sinkChunk: ((chunk: Buffer) => Promise<void> | undefined) | undefined;
  private gunzip: Gunzip | undefined;
  private zstd: Decompress | undefined;
  private parser: TarParser;
  private failure: Error | undefined;
  private blobBytes = 0;
  private tarBytes = 0;
  private budget = Infinity;
  private compression: Compression = "none";
  private entries: LayerEntry[] = [];
  private lastDir = "";
  /** Whether lastDir is the directory of the previous header's plain name (see TarHeader.sameDir). */
  private lastPlain = false;
  private deferred: Deferred | undefined;
  private captured = new Map<string, Buffer>();
  // The entry whose content is arriving.
  private current: LayerEntry | undefined;
  /** For content that arrives in more than one piece. */
  private hash = new ContentHash();
  private split = false;
  private captureParts: Buffer[] | undefined;
  /** Where the current entry's bytes start in the file, when it is probed rather than hashed; else -1. */
  private probeAt = -1;
  private edges = new ProbeEdges();

  constructor(
    private readonly where: string,
    /** Size of the blob when known up front (tar entry size, descriptor size). */
    private readonly declaredBytes: number | undefined,
    private readonly limits: LayerLimits = DEFAULT_LIMITS,
    private readonly capture: CaptureRule = () => false,
    /** Where the blob starts in a file that can be read again, when it can. */
    private readonly fileOffset?: number,
  ) {
    this.parser = new TarParser((h) => this.entry(h), where, true);
  }

  /**
   * Feeds blob bytes. A returned promise means "wait before the next write": the decompressor still
   * reads this chunk. Once it settles the caller may reuse the chunk's buffer.
   */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.blobBytes += chunk.length;
    let pending: Promise<void> | undefined;
    if (!this.sinkChunk) {
      this.head.push(Buffer.from(chunk));
      this.headLen += chunk.length;
      if (this.headLen < 6) return undefined;
      pending = this.start(Buffer.concat(this.head));
      this.head = [];
    } else pending = this.sinkChunk(chunk);
    if (!pending) return undefined;
    return pending.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** The tar parser delivers entry contents through data/end (EntrySink). */
  data(chunk: Buffer, start: number, end: number): void {
    // Chunks are a reader's or decompressor's buffers: used now, never kept.
    const entry = this.current!;
    if (this.probeAt >= 0) {
      if (end - start === entry.size) {
        this.defer(entry, this.probeAt, ContentHash.probe(chunk, start, end));
        this.probeAt = -1;
      } else this.edges.update(chunk, start, end);
      return;
    }
    if (end - start === entry.size) entry.hash = ContentHash.of(chunk, start, end);
    else {
      if (!this.split) {
        this.split = true;
        this.hash.reset();
      }
      this.hash.update(chunk, start, end);
    }
    this.captureParts?.push(Buffer.from(chunk.subarray(start, end)));
  }

  end(): void {
    const entry = this.current;
    if (!entry) return;
    if (this.probeAt >= 0) {
      this.defer(entry, this.probeAt, this.edges.digest());
      this.probeAt = -1;
    }
    if (this.split) {
      entry.hash = this.hash.digest();
      this.split = false;
    }
    if (this.captureParts) {
      const content = Buffer.concat(this.captureParts);
      this.captured.set(entry.path, content);
      if (this.deferred && content.length >= DEFER_BYTES) this.deferLarge(entry, -1);
      else if (this.deferred && content.length > PROBE_BYTES) this.defer(entry, -1, ContentHash.probe(content, 0, content.length));
    }
    this.current = undefined;
    this.captureParts = undefined;
  }

  /** Completes the blob; rejects with a one-line reason when it is broken or hostile. */
  async finish(): Promise<LayerRecord> {
    if (this.failure) throw this.failure;
    if (!this.sinkChunk) {
      if (this.headLen > 0) await this.start(Buffer.concat(this.head));
      else this.sinkChunk = () => undefined;
    }
    if (this.gunzip) {
      const gz = this.gunzip;
      await new Promise<void>((resolve) => {
        // A failure destroys the stream: "close" then arrives without "end".
        gz.once("close", resolve);
        gz.end();
      });
    } else if (this.zstd) {
      try {
        this.zstd.push(new Uint8Array(0), true);
      } catch (err) {
        this.fail(this.decompressError("zstd", err as Error));
      }
    }
    if (this.failure) throw this.failure;
    this.parser.end();
    return {
      entries: this.entries,
      deferred: this.deferred && { ...this.deferred, offsets: this.deferred.offsets.subarray(0, this.deferred.entries.length), probes: this.deferred.probes.subarray(0, this.deferred.entries.length) },
      tarBytes: this.tarBytes,
      blobBytes: this.blobBytes,
      compression: this.compression,
      captured: this.captured,
    };
  }

  private start(head: Buffer): Promise<void> | undefined {
    const ratioBudget = (bytes: number) => Math.max(bytes * this.limits.maxRatio, this.limits.ratioFloor);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      this.compression = "gzip";
      this.budget = ratioBudget(this.declaredBytes ?? Infinity);
      const gz = createGunzip({ chunkSize: GZIP_CHUNK });
      gz.on("data", (chunk: Buffer) => this.tar(chunk));
      gz.on("error", (err: NodeJS.ErrnoException) => this.fail(this.decompressError("gzip", err)));
      this.gunzip = gz;
      // Waiting for each write keeps at most one chunk inside zlib, whose buffer the caller then reuses.
      this.sinkChunk = (chunk) => new Promise<void>((resolve) => gz.write(chunk, () => resolve()));
    } else if (isZstd(head)) {
      this.compression = "zstd";
      this.budget = ratioBudget(this.declaredBytes ?? Infinity);
      const problem = zstdFrameProblem(head, this.limits.maxZstdWindow);
      if (problem) throw this.fail(new InputError(`${this.where}: ${problem}`));
      const z = new Decompress((chunk) => this.tar(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
      this.zstd = z;
      this.sinkChunk = (chunk) => {
        try {
          // fzstd keeps incomplete input between pushes: give it bytes it may keep.
          z.push(Buffer.from(chunk));
        } catch (err) {
          if (err instanceof InputError) throw err;
          throw this.fail(this.decompressError("zstd", err as Error));
        }
        return undefined;
      };
    } else if (head[0] === 0xfd && head.toString("latin1", 1, 5) === "7zXZ") {
      throw this.fail(new InputError(`${this.where}: xz-compressed layers are not supported`));
    } else if (head.toString("latin1", 0, 3) === "BZh") {
      throw this.fail(new InputError(`${this.where}: bzip2-compressed layers are not supported`));
    } else {
      this.budget = this.declaredBytes ?? Infinity;
      if (this.fileOffset !== undefined) this.deferred = { entries: [], offsets: new Float64Array(1024), probes: new Int32Array(1024), large: [], largeOffsets: [] };
      this.sinkChunk = (chunk) => {
        this.tar(chunk);
        return undefined;
      };
    }
    return this.sinkChunk(head);
  }

  private tar(chunk: Buffer): void {
    if (this.failure) return;
    this.tarBytes += chunk.length;
    if (this.tarBytes > this.budget) {
      this.fail(
        new InputError(
          `${this.where}: layer expands to more than ${this.limits.maxRatio} times its compressed size (a decompression bomb?); raise --max-ratio to accept it`,
        ),
      );
      return;
    }
    try {
      this.parser.push(chunk);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): Error {
    if (!this.failure) {
      this.failure = err;
      this.gunzip?.destroy();
    }
    return this.failure;
  }

  private decompressError(kind: string, err: Error): InputError {
    if (err instanceof InputError) return err;
    const msg = (err as NodeJS.ErrnoException).code === "Z_BUF_ERROR" || /unexpected end/i.test(err.message) ? "truncated" : `corrupt (${err.message})`;
    return new InputError(`${this.where}: ${kind} data ${msg}`);
  }

  private entry(h: TarHeader): EntrySink | undefined {
    if (this.entries.length >= this.limits.maxEntries) throw new InputError(`${this.where}: more than ${this.limits.maxEntries} entries`);
    if (h.size > this.budget) {
      throw new InputError(`${this.where}: entry ${h.name.slice(1)} declares ${h.size} bytes, more than the whole layer can hold`);
    }
    const name = h.name;
    // A plain name (see TarHeader) needs no normalizing but a trailing "/" dropped, and holds no whiteout.
    const path = !h.plain ? normalizeRooted(name, this.where) : name.length > 1 && name.charCodeAt(name.length - 1) === 0x2f ? name.slice(0, -1) : name;
    const sameDir = h.sameDir && this.lastPlain;
    this.lastPlain = h.plain;
    if (path === "/") {
      this.lastPlain = false;
      return undefined;
    }
    // Every field present from the start: one object shape for all entries keeps the later passes fast.
    const entry: LayerEntry = {
      path,
      dir: "",
      kind: h.type === "char" || h.type === "block" || h.type === "fifo" ? "other" : h.type,
      size: h.size,
      link: undefined,
      hash: undefined,
    };
    if (!h.plain && path.includes("/.wh.")) classifyWhiteout(entry);
    // Entries of a directory come together: its path is sliced again only when the parser saw it change.
    if (!sameDir) {
      const dir = h.plain ? path.slice(0, h.dirLength) : entry.path.slice(0, entry.path.lastIndexOf("/"));
      if (dir !== this.lastDir) this.lastDir = dir;
    }
    entry.dir = this.lastDir;
    if (entry.kind === "symlink") entry.link = h.linkname;
    else if (entry.kind === "hardlink") {
      entry.link = normalizePath(h.linkname, this.where);
      // Content travels with the first name; a hardlink's own size field is not stored bytes.
      entry.size = 0;
    }
    this.entries.push(entry);
    if (entry.kind !== "file" || h.size === 0) {
      if (h.size === 0) return undefined;
      // Content that is not a regular file's (a malformed directory size, say) is skipped unhashed.
      return IGNORE;
    }
    const capture = this.capture(path, h.size);
    this.current = entry;
    if (capture) this.captureParts = [];
    else if (this.deferred && h.size > PROBE_BYTES) {
      const offset = this.fileOffset! + this.parser.contentOffset;
      if (h.size >= DEFER_BYTES) {
        this.current = undefined;
        this.deferLarge(entry, offset);
        return IGNORE;
      }
      this.probeAt = offset;
      this.edges.reset(h.size);
    }
    return this;
  }

  /** Offsets and probes go to typed arrays grown by doubling (pushes onto plain arrays measured slower). */
  private defer(entry: LayerEntry, offset: number, probe: number): void {
    const d = this.deferred!;
    const n = d.entries.length;
    if (n === d.probes.length) {
      const offsets = new Float64Array(2 * n);
      offsets.set(d.offsets);
      d.offsets = offsets;
      const probes = new Int32Array(2 * n);
      probes.set(d.probes);
      d.probes = probes;
    }
    d.entries.push(entry);
    d.offsets[n] = offset;
    d.probes[n] = probe;
  }

  private deferLarge(entry: LayerEntry, offset: number): void {
    this.deferred!.large.push(entry);
    this.deferred!.largeOffsets.push(offset);
  }
}

const IGNORE: EntrySink = { data: () => undefined, end: () => undefined };

/** "./usr//bin/" -> "/usr/bin"; ".." components and absolute names are rejected as hostile. */
export function normalizePath(name: string, where: string): string {
  // Every "." or ".." component, "./" prefix, absolute name or empty component shows as a leading
  // "." or "/", a "/." or a "//": names without them (nearly all) only lose a trailing slash.
  const first = name.charCodeAt(0);
  if (first !== 0x2e && first !== 0x2f && name.length <= MAX_PATH && !name.includes("/.") && !name.includes("//")) {
    return name.charCodeAt(name.length - 1) === 0x2f ? "/" + name.slice(0, -1) : "/" + name;
  }
  let p = name;
  while (p.startsWith("./")) p = p.slice(2);
  if (p.startsWith("/")) throw new InputError(`${where}: entry has an absolute path (${truncate(name)})`);
  if (p.length > MAX_PATH) throw new InputError(`${where}: entry path longer than ${MAX_PATH} bytes`);
  if (p.includes("..") || p.includes("//") || p.includes("/./") || p.endsWith("/.") || p === ".") {
    const parts: string[] = [];
    for (const part of p.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") throw new InputError(`${where}: entry path escapes the image root (${truncate(name)})`);
      parts.push(part);
    }
    return "/" + parts.join("/");
  }
  return p.endsWith("/") ? "/" + p.slice(0, -1) : "/" + p;
}

/** normalizePath for a name the tar parser gave with a leading "/"; the usual name keeps its string. */
export function normalizeRooted(rooted: string, where: string): string {
  // As in normalizePath: no "." component, empty component or absolute name shows as "/." or "//".
  if (rooted.length <= MAX_PATH + 1 && !rooted.includes("/.") && !rooted.includes("//")) {
    return rooted.length > 1 && rooted.charCodeAt(rooted.length - 1) === 0x2f ? rooted.slice(0, -1) : rooted;
  }
  return normalizePath(rooted.slice(1), where);
}

/** OCI whiteouts: `.wh.NAME` deletes NAME, `.wh..wh..opq` empties its directory of lower-layer content. */
function classifyWhiteout(entry: LayerEntry): void {
  const path = entry.path;
  const meta = path.indexOf("/.wh..wh.");
  if (meta >= 0) {
    const dir = path.slice(0, meta) || "/";
    entry.kind = path.slice(meta + 1) === ".wh..wh..opq" ? "opaque" : "marker";
    entry.path = dir;
  } else {
    const slash = path.lastIndexOf("/");
    const base = path.slice(slash + 1);
    if (!base.startsWith(".wh.")) return;
    entry.kind = "whiteout";
    entry.path = path.slice(0, slash + 1) + base.slice(4);
  }
  entry.size = 0;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
