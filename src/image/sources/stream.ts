import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { InputError } from "../../errors.js";
import { ContentHash } from "../content-hash.js";
import { DEFER_BYTES, LayerReader, type LayerRecord } from "../layer-reader.js";
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

/**
 * Reads a file with several reads in flight, so parsing never waits for the next chunk (a plain
 * read stream keeps one read ahead and leaves the parser idle between them). Buffers are reused:
 * a chunk is valid until the consumer asks for the next one, so consumers that keep bytes copy them.
 * (Fresh buffers per read leave hundreds of MB of freed-but-uncollected memory on a large image.)
 */
export async function* readFileAhead(path: string, chunkBytes = 1024 * 1024, depth = 4): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path);
  } catch (err) {
    throw new InputError(`${path}: cannot open (${(err as NodeJS.ErrnoException).code})`);
  }
  const fh = handle;
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
 * Hashes the large files plain layers left unhashed (DEFER_BYTES) that share their size with another
 * file of the image, reading their bytes again from the archive file: the only bytes read twice,
 * and only those of files that may be copies or rewrites. A file of a unique size keeps no hash.
 */
export async function hashDeferred(path: string, layers: LayerRecord[]): Promise<void> {
  const sizes = new Map<number, number>();
  for (const layer of layers) {
    for (const e of layer.entries) if (e.kind === "file" && e.size >= DEFER_BYTES) sizes.set(e.size, (sizes.get(e.size) ?? 0) + 1);
  }
  // A layer the image uses twice is one record: its files once.
  const todo = [...new Set(layers)].flatMap((l) => l.unhashed).filter((u) => sizes.get(u.entry.size)! > 1);
  if (todo.length === 0) return;
  todo.sort((a, b) => a.offset - b.offset);
  let fh;
  try {
    fh = await open(path);
  } catch (err) {
    throw new InputError(`${path}: cannot open (${(err as NodeJS.ErrnoException).code})`);
  }
  const buf = Buffer.allocUnsafeSlow(1024 * 1024);
  const hash = new ContentHash();
  try {
    for (const { entry, offset } of todo) {
      hash.reset();
      for (let done = 0; done < entry.size; ) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, entry.size - done), offset + done);
        if (bytesRead === 0) throw new InputError(`${path}: file ended early on a second read (changed while inspected?)`);
        hash.update(buf, 0, bytesRead);
        done += bytesRead;
      }
      entry.hash = hash.digest();
    }
  } finally {
    await fh.close();
  }
}
