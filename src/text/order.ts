/**
 * Orders strings by UTF-16 code unit, as `sort()` does. Preferred to `localeCompare` on the CLI's paths: the first
 * localeCompare in a process loads ICU's collation data (~10 ms of a ~200 ms run), and a locale-dependent order
 * would make output differ between machines.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
