import { Worker } from "node:worker_threads";

/**
 * SHA-1 of file contents on a worker thread, so hashing runs beside tar parsing instead of after it.
 * File pieces are copied into batches (the chunks they come from are reused by their readers) and
 * each batch is transferred, not cloned; it comes back with the results and is filled again.
 */

// Runs in the worker: ops are [kind, id, start, end] over the batch; kinds below.
const WORKER = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
const open = new Map();
parentPort.on("message", ({ buf, ops }) => {
  const bytes = Buffer.from(buf);
  const ids = [];
  const hashes = [];
  for (let i = 0; i < ops.length; i += 4) {
    const kind = ops[i], id = ops[i + 1], piece = bytes.subarray(ops[i + 2], ops[i + 3]);
    if (kind === 0) { ids.push(id); hashes.push(crypto.hash("sha1", piece, "base64")); continue; }
    let h = open.get(id);
    if (!h) { h = crypto.createHash("sha1"); open.set(id, h); }
    h.update(piece);
    if (kind === 2) { open.delete(id); ids.push(id); hashes.push(h.digest("base64")); }
  }
  parentPort.postMessage({ ids, hashes, buf }, [buf]);
});
`;

const WHOLE = 0;
const PART = 1;
const LAST = 2;

const BATCH_BYTES = 4 * 1024 * 1024;
/** Batches the worker may queue before the parser waits for it. */
const MAX_IN_FLIGHT = 8;

export class Hasher {
  private worker: Worker | undefined;
  private batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  /** Batch buffers the worker has handed back, ready for reuse. */
  private spare: ArrayBuffer[] = [];
  private used = 0;
  private ops: number[] = [];
  private nextId = 0;
  /** Hashes by file id, filled in as batches come back. */
  private hashes: string[] = [];
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private failure: Error | undefined;

  /** Starts a file: its id, to read the hash with `take(id)` after `flush()`. */
  begin(): number {
    return this.nextId++;
  }

  /** The hash of a file whose content has been flushed; taken once. */
  take(id: number): string | undefined {
    const h = this.hashes[id];
    // Overwritten rather than deleted: a sparse array would turn slow.
    this.hashes[id] = "";
    return h || undefined;
  }

  /** A piece of file `id`'s content; `last` when it is the final one (`whole` when it is all of it). */
  piece(id: number, data: Buffer, last: boolean, whole: boolean): void {
    let at = 0;
    do {
      if (this.used === BATCH_BYTES) this.send();
      const take = Math.min(data.length - at, BATCH_BYTES - this.used);
      // A piece too big for the rest of this batch is split; only a whole piece hashes in one call.
      const complete = at + take === data.length;
      this.batch.set(at === 0 && take === data.length ? data : data.subarray(at, at + take), this.used);
      const kind = whole && complete && at === 0 ? WHOLE : last && complete ? LAST : PART;
      this.ops.push(kind, id, this.used, this.used + take);
      this.used += take;
      at += take;
    } while (at < data.length);
  }

  /** A promise when the worker is behind and the caller should wait, else undefined. */
  backlog(): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends what is batched and waits until every hash asked for so far has arrived. */
  async flush(): Promise<void> {
    if (this.ops.length) this.send();
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send(): void {
    const worker = (this.worker ??= this.start());
    const buf = this.batch.buffer;
    worker.postMessage({ buf, ops: this.ops }, [buf]);
    // Keep the process alive only while hashes are owed.
    if (this.inFlight++ === 0) worker.ref();
    const reuse = this.spare.pop();
    this.batch = reuse ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.used = 0;
    this.ops = [];
  }

  private start(): Worker {
    // Plain CommonJS: no loader flags of the parent (a TypeScript loader would cost the worker tens of MB).
    const worker = new Worker(WORKER, { eval: true, execArgv: [] });
    worker.on("message", ({ ids, hashes, buf }: { ids: number[]; hashes: string[]; buf: ArrayBuffer }) => {
      for (let i = 0; i < ids.length; i++) this.hashes[ids[i]] = hashes[i];
      this.spare.push(buf);
      if (--this.inFlight === 0) worker.unref();
      this.wake();
    });
    worker.on("error", (err) => {
      this.failure = err;
      this.inFlight = 0;
      worker.unref();
      this.wake();
    });
    // An idle hasher must not keep the process alive (unref after the listeners, which ref the port).
    worker.unref();
    return worker;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
