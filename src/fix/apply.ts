import { partitionPoint } from "../text/order.js";
import type { TextEdit } from "../rules/types.js";

export interface ApplyResult {
  text: string;
  applied: TextEdit[];
  /** Edits that overlapped an earlier one; they wait for the next pass. */
  deferred: TextEdit[];
}

/** Applies non-overlapping edits to one text; overlapping ones are deferred, ESLint-style. */
export function applyEdits(text: string, edits: TextEdit[]): ApplyResult {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const applied: TextEdit[] = [];
  const deferred: TextEdit[] = [];
  let lastEnd = -1;
  for (const e of sorted) {
    // Two insertions at the same point conflict too: their order would be arbitrary.
    if (e.start < lastEnd || (e.start === lastEnd && applied.length > 0 && applied.at(-1)!.start === e.start)) {
      deferred.push(e);
      continue;
    }
    applied.push(e);
    lastEnd = Math.max(e.end, e.start);
  }
  let out = "";
  let pos = 0;
  for (const e of applied) {
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  out += text.slice(pos);
  return { text: out, applied, deferred };
}

/** Groups edits so that all edits of one fix land together or not at all. */
export function applyFixes(text: string, fixes: TextEdit[][]): { text: string; applied: number[] } {
  const chosen: TextEdit[] = [];
  // Ranges already taken, disjoint and sorted by start (so their ends are sorted too): a fix's edits are checked
  // against the few neighbours a binary search finds, as a long file can carry thousands of fixes.
  const taken: Array<[number, number]> = [];
  const applied: number[] = [];
  const firstStartAfter = (at: number) => partitionPoint(taken.length, (i) => taken[i][0] > at);
  const overlaps = (e: TextEdit) => {
    for (let i = firstStartAfter(Math.max(e.start, e.end)) - 1; i >= 0; i--) {
      const [s, t] = taken[i];
      if (t < e.start) return false;
      if ((e.start < t && e.end > s) || e.start === s || (e.start === e.end && e.start > s && e.start < t)) return true;
    }
    return false;
  };
  for (const [index, edits] of fixes.entries()) {
    if (edits.some(overlaps)) continue;
    for (const e of edits) taken.splice(firstStartAfter(e.start), 0, [e.start, e.end]);
    chosen.push(...edits);
    applied.push(index);
  }
  return { text: applyEdits(text, chosen).text, applied };
}
