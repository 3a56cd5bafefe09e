import { viewOf } from "./bytes.js";

/**
 * Content identity for waste analysis: a 53-bit non-cryptographic hash (xxHash32's four-lane
 * construction, finished twice with different mixes for 21 + 32 bits), computed in line as file
 * contents stream past. Identity only has to tell copies of a file apart from other files of the
 * same size (dive uses xxHash64 for the same job): no cryptographic strength is needed, and at
 * several GB/s with no per-call setup it suits images of many small files.
 *
 * A file's content may arrive split over several chunks: `ContentHash` keeps the lanes and up to 15
 * bytes between pieces, so the result depends on the bytes only, never on where the chunks broke.
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;
const STRIPE = 16;

/** xxHash32's round: one 4-byte word into one lane. */
function round(lane: number, word: number): number {
  const v = (lane + Math.imul(word, P2)) | 0;
  return Math.imul((v << 13) | (v >>> 19), P1);
}
/** Bytes at each end of a file that its probe reads. */
export const PROBE_EDGE = 2 * STRIPE;

export class ContentHash {
  private v1 = 0;
  private v2 = 0;
  private v3 = 0;
  private v4 = 0;
  private total = 0;
  private tail = new Uint8Array(STRIPE);
  private tailView = new DataView(this.tail.buffer);
  private tailLen = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.v1 = (P1 + P2) | 0;
    this.v2 = P2;
    this.v3 = 0;
    this.v4 = -P1 | 0;
    this.total = 0;
    this.tailLen = 0;
  }

  /** Adds bytes[start, end). */
  update(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.total += end - start;
    let at = start;
    if (this.tailLen > 0) {
      const take = Math.min(STRIPE - this.tailLen, end - at);
      this.tail.set(bytes.subarray(at, at + take), this.tailLen);
      this.tailLen += take;
      at += take;
      if (this.tailLen < STRIPE) return;
      this.stripes(this.tailView, 0, STRIPE);
      this.tailLen = 0;
    }
    const done = this.stripes(viewOf(bytes), at, end);
    if (done < end) {
      this.tail.set(bytes.subarray(done, end));
      this.tailLen = end - done;
    }
  }

  /** The hash of everything given since the last reset: an integer below 2^53. */
  digest(): number {
    return this.finish(this.tailView, 0, this.tailLen);
  }

  /** The hash of bytes[start, end) as a whole (equal to update then digest, without copies). */
  static of(bytes: Uint8Array, start = 0, end = bytes.length): number {
    const h = scratch;
    h.reset();
    h.total = end - start;
    const dv = viewOf(bytes);
    return h.finish(dv, h.stripes(dv, start, end), end);
  }

  /**
   * A stand-in for the hash of bytes[start, end), which must hold more than 2 * PROBE_EDGE bytes: a
   * 32-bit hash of its first and last PROBE_EDGE bytes and its length. Equal contents have equal
   * probes, so a file whose probe no other file shares has no copy, and its full hash is never needed.
   */
  static probe(bytes: Uint8Array, start: number, end: number): number {
    return ContentHash.probeOfEdges(viewOf(bytes), start, end - PROBE_EDGE, end - start);
  }

  /**
   * The probe of a `size`-byte content whose first and last PROBE_EDGE bytes are at `head` and `tail`
   * of `dv`: the four lanes over both edges, then xxHash32's finish with the size, all in locals
   * (one probe per file: no hash state to reset and write back).
   */
  static probeOfEdges(dv: DataView, head: number, tail: number, size: number): number {
    let v1 = (P1 + P2) | 0;
    let v2 = P2;
    let v3 = 0;
    let v4 = -P1 | 0;
    for (let k = 0; k < 2 * PROBE_EDGE; k += STRIPE) {
      const i = k < PROBE_EDGE ? head + k : tail + k - PROBE_EDGE;
      v1 = round(v1, dv.getInt32(i, true));
      v2 = round(v2, dv.getInt32(i + 4, true));
      v3 = round(v3, dv.getInt32(i + 8, true));
      v4 = round(v4, dv.getInt32(i + 12, true));
    }
    let h = (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14)) + size) | 0;
    // Sizes beyond 2^32 still differ.
    h ^= (size / 0x100000000) | 0;
    h ^= h >>> 15;
    h = Math.imul(h, P2);
    h ^= h >>> 13;
    h = Math.imul(h, P3);
    return h ^ (h >>> 16);
  }

  /** Runs whole stripes from `at`; returns where the unstriped rest begins. */
  private stripes(dv: DataView, at: number, end: number): number {
    let v1 = this.v1;
    let v2 = this.v2;
    let v3 = this.v3;
    let v4 = this.v4;
    let i = at;
    for (; i + STRIPE <= end; i += STRIPE) {
      v1 = round(v1, dv.getInt32(i, true));
      v2 = round(v2, dv.getInt32(i + 4, true));
      v3 = round(v3, dv.getInt32(i + 8, true));
      v4 = round(v4, dv.getInt32(i + 12, true));
    }
    this.v1 = v1;
    this.v2 = v2;
    this.v3 = v3;
    this.v4 = v4;
    return i;
  }

  /** Folds in the last (< 16) bytes and the length; two differently mixed 32-bit results make 53 bits. */
  private finish(dv: DataView, at: number, end: number): number {
    const { v1, v2, v3, v4, total } = this;
    const long = total >= STRIPE;
    let h = long ? (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14))) | 0 : P5;
    let g = long ? ((v1 << 5) | (v1 >>> 27)) ^ ((v2 << 11) | (v2 >>> 21)) ^ ((v3 << 17) | (v3 >>> 15)) ^ ((v4 << 23) | (v4 >>> 9)) : P3;
    // Lengths beyond 2^32 still differ in g.
    h = (h + total) | 0;
    g = ((g ^ ((total / 0x100000000) | 0)) + Math.imul(total | 0, P5)) | 0;
    let i = at;
    for (; i + 4 <= end; i += 4) {
      const k = dv.getInt32(i, true);
      h = (h + Math.imul(k, P3)) | 0;
      h = Math.imul((h << 17) | (h >>> 15), P4);
      g = (g ^ Math.imul(k, P1)) | 0;
      g = Math.imul((g << 15) | (g >>> 17), P2);
    }
    for (; i < end; i++) {
      const k = dv.getUint8(i);
      h = (h + Math.imul(k, P5)) | 0;
      h = Math.imul((h << 11) | (h >>> 21), P1);
      g = (g + Math.imul(k, P4)) | 0;
      g = Math.imul((g << 13) | (g >>> 19), P3);
    }
    h ^= h >>> 15;
    h = Math.imul(h, P2);
    h ^= h >>> 13;
    h = Math.imul(h, P3);
    h ^= h >>> 16;
    g ^= g >>> 16;
    g = Math.imul(g, P4);
    g ^= g >>> 13;
    g = Math.imul(g, P1);
    g ^= g >>> 15;
    return (h >>> 0) * 0x200000 + (g >>> 11);
  }
}

const scratch = new ContentHash();

/** ContentHash.probe of content that arrives in pieces: keeps the bytes at its two ends as they pass. */
export class ProbeEdges {
  private bytes = new Uint8Array(2 * PROBE_EDGE);
  private view = new DataView(this.bytes.buffer);
  private at = 0;
  private size = 0;

  /** Starts over for content of `size` bytes (more than 2 * PROBE_EDGE). */
  reset(size: number): void {
    this.at = 0;
    this.size = size;
  }

  /** The next piece of the content, bytes[start, end). */
  update(bytes: Uint8Array, start: number, end: number): void {
    const from = this.at;
    const to = from + end - start;
    for (let i = from; i < Math.min(PROBE_EDGE, to); i++) this.bytes[i] = bytes[start + i - from];
    const tail = this.size - PROBE_EDGE;
    for (let i = Math.max(tail, from); i < to; i++) this.bytes[PROBE_EDGE + i - tail] = bytes[start + i - from];
    this.at = to;
  }

  digest(): number {
    return ContentHash.probeOfEdges(this.view, 0, PROBE_EDGE, this.size);
  }
}
