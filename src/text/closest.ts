/**
 * The candidate a mistyped name most likely meant: the nearest by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), if it is near enough to be a typo rather than another word.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  // One edit in a short name, two in a longer one: "RUNN" -> RUN, "chwon" -> chown; "foo" suggests nothing.
  let best: string | undefined;
  let bestDistance = wanted.length <= 4 ? 1 : 2;
  for (const c of candidates) {
    const d = distance(wanted, c.toLowerCase(), bestDistance);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance, or more than `limit` when it is (long strings are not compared at all). */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length];
}
