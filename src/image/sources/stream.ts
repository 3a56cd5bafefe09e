import { open, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { InputError } from "../../errors.js";
import { ContentHash } from "../content-hash.js";
import { DEFER_BYTES, LayerReader, PROBE_BYTES, type LayerEntry, type LayerRecord } from "../layer-reader.js";
import { repeatedKeys } from "../repeated.js";
import type { LoadOptions } from "./types.js";

/** Reads a stream to the end, turning I/O failures into one-line input errors. */
export async function* chunksOf(stream: AsyncIterable<Buffer> | Readable, where: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`${where}: read failed (${e.code ?? e.message})`);
  }
}

/** Streams one layer blob through a LayerReader, honouring its back-pressure. */
export async function readLayer(
  stream: AsyncIterable<Buffer> | Readable,
  where: string,
  declaredBytes: number | undefined,
  options: LoadOptions,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<LayerRecord> {
  const reader = new LayerReader(where, declaredBytes, options.limits, options.capture);
  for await (const chunk of chunksOf(stream, where)) {
    onChunk(chunk);
    const wait = reader.write(chunk);
    if (wait) await wait;
    options.progress?.advance(chunk.length);
  }
  return reader.finish();
}

/** A JSON document must be small; anything bigger is not a manifest or config. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export async function readSmall(stream: AsyncIterable<Buffer> | Readable, where: string, limit = MAX_JSON_BYTES): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunksOf(stream, where)) {
    total += chunk.length;
    if (total > limit) throw new InputError(`${where}: more than ${limit} bytes, not a manifest or config`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Opens an archive file for reading; a failure is an input error naming the file. */
async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path);
  } catch (err) {
    throw new InputError(`${path}: cannot open (${(err as NodeJS.ErrnoException).code})`);
  }
}

/**
 * Reads a file with several reads in flight, so parsing never waits for the next chunk (a plain
 * read stream keeps one read ahead and leaves the parser idle between them). Buffers are reused:
 * a chunk is valid until the consumer asks for the next one, so consumers that keep bytes copy them.
 * (Fresh buffers per read leave hundreds of MB of freed-but-uncollected memory on a large image.)
 */
export async function* readFileAhead(path: string, chunkBytes = 1024 * 1024, depth = 4): AsyncGenerator<Buffer> {
  const fh = await openFile(path);
  let position = 0;
  const inflight: Array<Promise<Buffer>> = [];
  // depth reads in flight plus the chunk the consumer holds.
  const ring = Array.from({ length: depth + 1 }, () => Buffer.allocUnsafeSlow(chunkBytes));
  let next = 0;
  const issue = () => {
    const buf = ring[next];
    next = (next + 1) % ring.length;
    const at = position;
    position += chunkBytes;
    inflight.push(fh.read(buf, 0, chunkBytes, at).then((r) => buf.subarray(0, r.bytesRead)));
  };
  try {
    for (let i = 0; i < depth; i++) issue();
    for (;;) {
      let chunk: Buffer;
      try {
        chunk = await inflight.shift()!;
      } catch (err) {
        throw new InputError(`${path}: read failed (${(err as NodeJS.ErrnoException).code})`);
      }
      if (chunk.length === 0) return;
      issue();
      yield chunk;
    }
  } finally {
    // Reads still in flight must settle before the handle closes.
    await Promise.allSettled(inflight);
    await fh.close();
  }
}

/**
 * Hashes the files plain layers left unhashed (see Deferred) that may be copies or rewrites: those
 * whose probe another file of the image shares (for large files, whose size another file shares),
 * and those of the size of a file a layer read some other way hashed as it passed. Their bytes are
 * read again from the archive file, neighbours in one read: the only bytes read twice. Every other
 * deferred file keeps no hash: no other file of the image holds its content.
 */
export async function hashDeferred(path: string, layers: LayerRecord[]): Promise<void> {
  // Counted over the layers as the image uses them: a layer used twice repeats its files.
  const tables = layers.flatMap((l) => (l.deferred ? [l.deferred] : []));
  if (!tables.some((t) => t.entries.length > 0 || t.large.length > 0)) return;
  const largeSizes = new Map<number, number>();
  const countLarge = (size: number) => largeSizes.set(size, (largeSizes.get(size) ?? 0) + 1);
  const hashedSizes = new Set<number>();
  for (const layer of layers) {
    if (layer.deferred) {
      for (const e of layer.deferred.large) countLarge(e.size);
      continue;
    }
    for (const e of layer.entries) {
      if (e.kind !== "file") continue;
      if (e.size >= DEFER_BYTES) countLarge(e.size);
      else if (e.size > PROBE_BYTES && e.hash !== undefined) hashedSizes.add(e.size);
    }
  }
  // Probes are 32-bit: files whose probes collide by chance only cost a read.
  const repeated = repeatedKeys(...tables.map((t) => t.probes));
  const todo: Array<{ entry: LayerEntry; offset: number }> = [];
  for (const t of new Set(tables)) {
    for (let i = 0; i < t.entries.length; i++) {
      // Most probes are unique: then the entry itself need not be read at all.
      if (hashedSizes.size === 0 && !repeated.has(t.probes[i])) continue;
      const entry = t.entries[i];
      if (entry.hash === undefined && (repeated.has(t.probes[i]) || hashedSizes.has(entry.size))) todo.push({ entry, offset: t.offsets[i] });
    }
    t.large.forEach((entry, i) => {
      if (entry.hash === undefined && largeSizes.get(entry.size)! > 1) todo.push({ entry, offset: t.largeOffsets[i] });
    });
  }
  if (todo.length === 0) return;
  todo.sort((a, b) => a.offset - b.offset);
  const file = await openFile(path);
  const buf = Buffer.allocUnsafeSlow(1024 * 1024);
  // The bytes of the file that buf holds.
  let from = 0;
  let to = 0;
  const read = async (at: number, length: number): Promise<number> => {
    let got = 0;
    while (got < length) {
      const { bytesRead } = await file.read(buf, got, length - got, at + got);
      if (bytesRead === 0) throw new InputError(`${path}: file ended early on a second read (changed while inspected?)`);
      got += bytesRead;
    }
    return got;
  };
  const hash = new ContentHash();
  try {
    for (let i = 0; i < todo.length; i++) {
      const { entry, offset } = todo[i];
      const end = offset + entry.size;
      if (entry.size > buf.length) {
        hash.reset();
        for (let done = 0; done < entry.size; ) {
          const got = await read(offset + done, Math.min(buf.length, entry.size - done));
          hash.update(buf, 0, got);
          done += got;
        }
        entry.hash = hash.digest();
        // buf no longer holds what the last read put there.
        to = 0;
        continue;
      }
      if (offset < from || end > to) {
        // One read for this file and the next ones that fit with it.
        let last = end;
        for (let j = i + 1; j < todo.length && todo[j].offset + todo[j].entry.size - offset <= buf.length; j++) last = Math.max(last, todo[j].offset + todo[j].entry.size);
        from = offset;
        to = offset + (await read(offset, last - offset));
      }
      entry.hash = ContentHash.of(buf, offset - from, end - from);
    }
  } finally {
    await file.close();
  }
}
