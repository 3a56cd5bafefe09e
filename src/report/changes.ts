import type { ItemChange } from "../image/diff.js";
import { formatBytes } from "./format.js";

// How a change since a baseline image reads, in every report that shows one.

/** `+1.5 MB` / `-200 KB`: a change in bytes with its sign. */
export function signedBytes(n: number): string {
  return `${n < 0 ? "-" : "+"}${formatBytes(Math.abs(n))}`;
}

/** An added, removed or changed distribution or package: `numpy 1.26.4 added`, `django 4.2.1 -> 4.2.7`. */
export function itemChangeText(i: ItemChange): string {
  if (!i.before) return `${i.name}${i.after?.version ? ` ${i.after.version}` : ""} added`;
  if (!i.after) return `${i.name}${i.before.version ? ` ${i.before.version}` : ""} removed`;
  return i.before.version !== i.after.version ? `${i.name} ${i.before.version ?? "?"} -> ${i.after.version ?? "?"}` : `${i.name} ${i.after.version ?? ""}`.trimEnd();
}
