/** Line diffs (Myers' O(ND) algorithm) printed as unified diffs with three lines of context. */

type Op = { kind: " " | "-" | "+"; line: string };

/** Lines with their terminators, so "x" at the end of a file differs from "x\n". */
function lines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out.length === 1 && out[0] === "" ? [] : out;
}

/**
 * The shortest edit script from a to b, by Myers' linear-space refinement: find the middle snake of an optimal path,
 * then solve the halves on either side of it. Memory stays linear in the line count; the plain algorithm keeps a
 * copy of its frontier per edit, gigabytes for a long file with thousands of changed lines.
 */
function myers(a: string[], b: string[]): Op[] {
  const ops: Op[] = [];
  const size = a.length + b.length + 3;
  const forward = new Int32Array(2 * size);
  const backward = new Int32Array(2 * size);

  /** A snake of an optimal path through a[aLo, aHi) x b[bLo, bHi) that lies half way along it. */
  const middleSnake = (aLo: number, aHi: number, bLo: number, bHi: number): [number, number, number, number] => {
    const n = aHi - aLo;
    const m = bHi - bLo;
    const delta = n - m;
    const odd = (delta & 1) !== 0;
    const off = size;
    forward[off + 1] = 0;
    backward[off + 1] = 0;
    for (let d = 0; d <= Math.ceil((n + m) / 2); d++) {
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && forward[off + k - 1] < forward[off + k + 1]) ? forward[off + k + 1] : forward[off + k - 1] + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[aLo + x] === b[bLo + y]) x++, y++;
        forward[off + k] = x;
        // Overlaps a backward path of d - 1 edits on the same diagonal (backward diagonals count from the end).
        const r = delta - k;
        if (odd && r >= -(d - 1) && r <= d - 1 && x + backward[off + r] >= n) return [aLo + x0, bLo + y0, aLo + x, bLo + y];
      }
      for (let r = -d; r <= d; r += 2) {
        let x = r === -d || (r !== d && backward[off + r - 1] < backward[off + r + 1]) ? backward[off + r + 1] : backward[off + r - 1] + 1;
        let y = x - r;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) x++, y++;
        backward[off + r] = x;
        const k = delta - r;
        if (!odd && k >= -d && k <= d && x + forward[off + k] >= n) return [aHi - x, bHi - y, aHi - x0, bHi - y0];
      }
    }
    throw new Error("diff: no middle snake");
  };

  const solve = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    let tail = 0;
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) ops.push({ kind: " ", line: a[aLo++] }), bLo++;
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) aHi--, bHi--, tail++;
    if (aLo === aHi) for (let j = bLo; j < bHi; j++) ops.push({ kind: "+", line: b[j] });
    else if (bLo === bHi) for (let i = aLo; i < aHi; i++) ops.push({ kind: "-", line: a[i] });
    else {
      // Both sides differ at both ends, so the path has two edits or more and each half is a smaller problem.
      const [x, y, u, v] = middleSnake(aLo, aHi, bLo, bHi);
      solve(aLo, x, bLo, y);
      for (let i = x; i < u; i++) ops.push({ kind: " ", line: a[i] });
      solve(u, aHi, v, bHi);
    }
    for (let i = 0; i < tail; i++) ops.push({ kind: " ", line: a[aHi + i] });
  };
  solve(0, a.length, 0, b.length);
  return ops;
}

function range(start: number, length: number): string {
  // An empty range names the line before it (0 at the top of the file); a single line needs no count.
  if (length === 0) return `${start - 1},0`;
  return length === 1 ? `${start}` : `${start},${length}`;
}

function printLine(op: Op): string {
  return op.line.endsWith("\n") ? `${op.kind}${op.line}` : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}

/** A unified diff of two texts ("" when they are equal), with `---`/`+++` headers and three lines of context. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return "";
  const ops = myers(lines(oldText), lines(newText));
  const changed = ops.map((op, i) => (op.kind !== " " ? i : -1)).filter((i) => i >= 0);
  // Group changes whose context windows touch into hunks of op indexes [from, to).
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(ops.length, i + 1 + context);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else hunks.push([from, to]);
  }
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  // Line numbers before each op, for the hunk headers.
  let oldLine = 1;
  let newLine = 1;
  let cursor = 0;
  for (const [from, to] of hunks) {
    for (; cursor < from; cursor++) {
      if (ops[cursor].kind !== "+") oldLine++;
      if (ops[cursor].kind !== "-") newLine++;
    }
    const slice = ops.slice(from, to);
    const oldLen = slice.filter((o) => o.kind !== "+").length;
    const newLen = slice.filter((o) => o.kind !== "-").length;
    out += `@@ -${range(oldLine, oldLen)} +${range(newLine, newLen)} @@\n`;
    out += slice.map(printLine).join("");
  }
  return out;
}
