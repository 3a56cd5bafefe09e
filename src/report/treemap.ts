/**
 * Squarified treemap layout (Bruls, Huizing and van Wijk): rectangles whose areas are proportional to their weights,
 * as near to squares as a row-by-row layout gets them, so sizes can be compared by eye.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Lays `weights` (largest first, all positive) out over `rect`; the rectangles come back in the weights' order and
 * tile `rect` exactly.
 */
export function squarify(weights: number[], rect: Rect): Rect[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const out: Rect[] = [];
  if (weights.length === 0 || total <= 0 || rect.w <= 0 || rect.h <= 0) return out;
  const scale = (rect.w * rect.h) / total;
  const areas = weights.map((w) => w * scale);
  let free = { ...rect };
  for (let i = 0; i < areas.length; ) {
    const side = Math.min(free.w, free.h);
    // Grow the row while that makes its worst aspect ratio no worse (areas descend: the first is the largest).
    let sum = areas[i];
    let worst = aspect(sum, areas[i], areas[i], side);
    let j = i + 1;
    for (; j < areas.length; j++) {
      const next = aspect(sum + areas[j], areas[i], areas[j], side);
      if (next > worst) break;
      sum += areas[j];
      worst = next;
    }
    // The last row takes whatever is left, so rounding never leaves a sliver uncovered.
    const last = j === areas.length;
    if (free.w >= free.h) {
      const width = last ? free.w : sum / free.h;
      let y = free.y;
      for (let k = i; k < j; k++) {
        const h = k === j - 1 ? free.y + free.h - y : areas[k] / width;
        out.push({ x: free.x, y, w: width, h });
        y += h;
      }
      free = { x: free.x + width, y: free.y, w: free.w - width, h: free.h };
    } else {
      const height = last ? free.h : sum / free.w;
      let x = free.x;
      for (let k = i; k < j; k++) {
        const w = k === j - 1 ? free.x + free.w - x : areas[k] / height;
        out.push({ x, y: free.y, w, h: height });
        x += w;
      }
      free = { x: free.x, y: free.y + height, w: free.w, h: free.h - height };
    }
    i = j;
  }
  return out;
}

/** The worst aspect ratio in a row of total area `sum` along a side of length `side`, whose largest and smallest areas are given. */
function aspect(sum: number, largest: number, smallest: number, side: number): number {
  const s2 = sum * sum;
  const side2 = side * side;
  return Math.max((side2 * largest) / s2, s2 / (side2 * smallest));
}
