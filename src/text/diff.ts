/** Line diffs (Myers' O(ND) algorithm) printed as unified diffs with three lines of context. */

type Op = { kind: " " | "-" | "+"; line: string };

/** Lines with their terminators, so "x" at the end of a file differs from "x\n". */
function lines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out.length === 1 && out[0] === "" ? [] : out;
}

/** The shortest edit script from a to b. */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m) to (0, 0).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: " ", line: a[--x] }), y--;
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "+", line: b[--y] });
      else ops.push({ kind: "-", line: a[--x] });
    }
  }
  return ops.reverse();
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
