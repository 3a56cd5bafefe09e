import type pc from "picocolors";
import type { ImageDiff, ItemChange } from "../image/diff.js";
import { formatBytes } from "./format.js";

type Colors = ReturnType<typeof pc.createColors>;

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

/** The comparison with a baseline as report lines: totals, root and compilers, directories, distributions, packages. */
export function diffLines(d: ImageDiff, c: Colors, top: number): string[] {
  const share = d.baseline.totalBytes > 0 ? ` (${d.delta.totalBytes >= 0 ? "+" : ""}${((100 * d.delta.totalBytes) / d.baseline.totalBytes).toFixed(1)}%)` : "";
  const lines = [
    c.bold(`Compared with ${d.baseline.name}: ${signedBytes(d.delta.totalBytes)}${share}`),
    `  ${formatBytes(d.baseline.totalBytes)} -> ${formatBytes(d.baseline.totalBytes + d.delta.totalBytes)}, as stored ${signedBytes(d.delta.blobBytes)}, layers ${d.baseline.layers} -> ${d.baseline.layers + d.delta.layers}, waste ${signedBytes(d.delta.wasteBytes)}`,
  ];
  if (d.root.before !== d.root.after) lines.push(`  ${d.root.after ? c.yellow("now runs as root") : "no longer runs as root"}`);
  if (d.compilers.added.length) lines.push(`  ${c.yellow(`compilers added: ${d.compilers.added.join(", ")}`)}`);
  if (d.compilers.removed.length) lines.push(`  compilers removed: ${d.compilers.removed.join(", ")}`);
  if (d.directories.length) {
    lines.push(`  where (directories that changed by ${formatBytes(d.floorBytes)} or more):`);
    for (const x of d.directories.slice(0, top)) lines.push(`  ${signedBytes(x.delta).padStart(10)}  ${x.path}  ${c.dim(`${formatBytes(x.before)} -> ${formatBytes(x.after)}`)}`);
  }
  for (const [label, items] of [["Python distributions", d.distributions], ["OS packages", d.packages]] as const) {
    if (!items.length) continue;
    const shown = items.slice(0, top).map((i) => `${itemChangeText(i)} (${signedBytes(i.delta)})`);
    lines.push(`  ${label}: ${shown.join(", ")}${items.length > shown.length ? `, and ${items.length - shown.length} more` : ""}`);
  }
  return lines;
}
