import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { ContentHash, PROBE_EDGE, ProbeEdges } from "../../src/image/content-hash.js";

describe("content hash", () => {
  test("does not depend on where the content was split, nor on alignment", () => {
    const data = randomBytes(5000);
    for (const len of [0, 1, 3, 4, 15, 16, 17, 31, 32, 33, 100, 4999, 5000]) {
      const whole = ContentHash.of(data.subarray(0, len));
      // Odd offsets: pieces of a decompressor's output start anywhere.
      const shifted = Buffer.alloc(len + 3);
      data.copy(shifted, 3, 0, len);
      assert.equal(ContentHash.of(shifted.subarray(3)), whole, `unaligned, ${len} bytes`);
      assert.equal(ContentHash.of(shifted, 3, 3 + len), whole, `by offsets, ${len} bytes`);
      for (const cut of [[1], [7, 8], [16], [3, 3, 3, 3, 3, 3], [15, 1, 17]]) {
        const h = new ContentHash();
        let at = 0;
        for (const step of cut) {
          if (at >= len) break;
          h.update(data.subarray(at, Math.min(len, at + step)));
          at += step;
        }
        h.update(data, Math.min(at, len), len);
        assert.equal(h.digest(), whole, `${len} bytes cut at ${cut.join(",")}`);
      }
    }
  });

  test("a reset hash starts over", () => {
    const h = new ContentHash();
    h.update(Buffer.from("something else entirely, long enough for stripes"));
    h.reset();
    h.update(Buffer.from("abc"));
    assert.equal(h.digest(), ContentHash.of(Buffer.from("abc")));
  });

  test("tells apart contents that differ in one bit or in length", () => {
    const base = randomBytes(64);
    const seen = new Set<number>([ContentHash.of(base)]);
    for (let i = 0; i < base.length * 8; i++) {
      const flipped = Buffer.from(base);
      flipped[i >> 3] ^= 1 << (i & 7);
      seen.add(ContentHash.of(flipped));
    }
    assert.equal(seen.size, base.length * 8 + 1);
    const zeros = new Set<number>();
    for (let len = 0; len <= 64; len++) zeros.add(ContentHash.of(Buffer.alloc(len)));
    assert.equal(zeros.size, 65);
  });

  test("is an integer JavaScript numbers hold exactly", () => {
    for (let i = 0; i < 1000; i++) {
      const h = ContentHash.of(randomBytes(i % 40));
      assert.ok(Number.isSafeInteger(h) && h >= 0, String(h));
    }
  });

  test("a probe reads the size and both ends of the content, wherever it was split", () => {
    const data = randomBytes(1000);
    const probe = ContentHash.probe(data, 0, data.length);
    for (const cut of [1, 5, 31, 32, 33, 500, 967, 968, 969, 999]) {
      const edges = new ProbeEdges();
      edges.reset(data.length);
      edges.update(data, 0, cut);
      edges.update(data, cut, data.length);
      assert.equal(edges.digest(), probe, `cut at ${cut}`);
    }
    const changed = (at: number) => {
      const copy = Buffer.from(data);
      copy[at] ^= 1;
      return ContentHash.probe(copy, 0, copy.length);
    };
    assert.equal(changed(PROBE_EDGE), probe, "the middle is not read");
    assert.equal(changed(data.length - PROBE_EDGE - 1), probe, "the middle is not read");
    for (const at of [0, PROBE_EDGE - 1, data.length - PROBE_EDGE, data.length - 1]) assert.notEqual(changed(at), probe, `byte ${at}`);
    const longer = Buffer.concat([data.subarray(0, 500), Buffer.alloc(1), data.subarray(500)]);
    assert.notEqual(ContentHash.probe(longer, 0, longer.length), probe, "the size is read");
    assert.notEqual(probe, ContentHash.of(data), "a probe is not a content hash");
  });
});
