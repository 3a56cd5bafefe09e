import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { repeatedKeys } from "../../src/image/repeated.js";

describe("repeated keys", () => {
  it("finds every key seen more than once, zero and negative keys included", () => {
    assert.deepEqual([...repeatedKeys(new Int32Array([]))], []);
    assert.deepEqual([...repeatedKeys(new Int32Array([0, 1, 2, 3]))], []);
    const got = repeatedKeys(new Int32Array([0, 5, -1, 0, 7, -1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31 - 1, 8]));
    assert.deepEqual([...got].sort((a, b) => a - b), [-1, 0, 2 ** 31 - 1]);
  });

  it("counts across parts: a key once in each of two parts is repeated", () => {
    const got = repeatedKeys(new Int32Array([1, 2, 3]), new Int32Array([]), new Int32Array([3, 4]), new Int32Array([5, 1]));
    assert.deepEqual([...got].sort((a, b) => a - b), [1, 3]);
  });

  it("agrees with counting, for keys that crowd the table (sequential, shared low bits, random)", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const sets = [
      Array.from({ length: 5000 }, (_, i) => i % 3000),
      Array.from({ length: 5000 }, (_, i) => (i % 2500) << 16),
      Array.from({ length: 20000 }, () => random() & 0x7fff),
    ];
    for (const keys of sets) {
      const counts = new Map<number, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      const expected = [...counts].filter(([, c]) => c > 1).map(([k]) => k).sort((a, b) => a - b);
      assert.deepEqual([...repeatedKeys(Int32Array.from(keys))].sort((a, b) => a - b), expected);
    }
  });
});
