import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { squarify, type Rect } from "../../src/report/treemap.js";

const area = (r: Rect) => r.w * r.h;
const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

function assertTiles(weights: number[], box: Rect): Rect[] {
  const rects = squarify(weights, box);
  assert.equal(rects.length, weights.length);
  const total = weights.reduce((s, w) => s + w, 0);
  rects.forEach((r, i) => {
    // Inside the box, and its area its weight's share of the box.
    assert.ok(r.x >= box.x - 1e-9 && r.y >= box.y - 1e-9 && r.x + r.w <= box.x + box.w + 1e-6 && r.y + r.h <= box.y + box.h + 1e-6, JSON.stringify(r));
    assert.ok(Math.abs(area(r) - (weights[i] / total) * area(box)) < 1e-6 * area(box), `rect ${i}: ${area(r)}`);
    for (let j = 0; j < i; j++) assert.ok(overlap(r, rects[j]) < 1e-6, `rects ${j} and ${i} overlap`);
  });
  assert.ok(Math.abs(rects.reduce((s, r) => s + area(r), 0) - area(box)) < 1e-6 * area(box));
  return rects;
}

describe("squarified treemap layout", () => {
  it("tiles the box exactly, each area proportional to its weight, in the weights' order", () => {
    assertTiles([6, 6, 4, 3, 2, 2, 1], { x: 0, y: 0, w: 6, h: 4 });
    assertTiles([500, 120, 119, 60, 30, 7, 7, 1, 0.5], { x: 10, y: 20, w: 1100, h: 560 });
    assertTiles([1], { x: 5, y: 5, w: 30, h: 10 });
  });

  it("keeps boxes near square: the classic example's first row is two 3 x 2 boxes", () => {
    // Bruls et al.'s example: weights 6 6 4 3 2 2 1 in a 6 x 4 box.
    const rects = squarify([6, 6, 4, 3, 2, 2, 1], { x: 0, y: 0, w: 6, h: 4 });
    assert.deepEqual(rects.slice(0, 2), [
      { x: 0, y: 0, w: 3, h: 2 },
      { x: 0, y: 2, w: 3, h: 2 },
    ]);
    const worst = Math.max(...rects.map((r) => Math.max(r.w / r.h, r.h / r.w)));
    assert.ok(worst < 3, `worst aspect ratio ${worst}`);
  });

  it("tiles exactly for any weights and box (500 random cases, seeded)", () => {
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 500; k++) {
      const n = 1 + Math.floor(random() * 40);
      // Sizes spread over six orders of magnitude, as files and directories are.
      const weights = Array.from({ length: n }, () => 10 ** (random() * 6)).sort((a, b) => b - a);
      assertTiles(weights, { x: random() * 50, y: random() * 50, w: 1 + random() * 1200, h: 1 + random() * 700 });
    }
  });

  it("draws nothing for nothing to draw", () => {
    assert.deepEqual(squarify([], { x: 0, y: 0, w: 10, h: 10 }), []);
    assert.deepEqual(squarify([3, 1], { x: 0, y: 0, w: 0, h: 10 }), []);
  });
});
