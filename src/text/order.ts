/**
 * Orders strings by UTF-16 code unit, as `sort()` does. Preferred to `localeCompare` on the CLI's paths: the first
 * localeCompare in a process loads ICU's collation data (~10 ms of a ~200 ms run), and a locale-dependent order
 * would make output differ between machines.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index in [0, length) at which `after` holds, for a predicate false then true along the range (binary search). */
export function partitionPoint(length: number, after: (index: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
