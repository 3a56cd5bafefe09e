import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { unifiedDiff } from "../../src/text/diff.js";

/** Applies a unified diff produced by unifiedDiff to the old text (a tiny `patch`). */
function applyPatch(oldText: string, patch: string): string {
  const old = oldText === "" ? [] : oldText.split(/(?<=\n)/);
  const lines = patch.split("\n");
  const out: string[] = [];
  let cursor = 0;
  let i = 2;
  while (i < lines.length && lines[i] !== "") {
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i]);
    assert.ok(m, `hunk header expected, got ${JSON.stringify(lines[i])}`);
    const start = Number(m[1]) - (m[2] === "0" ? 0 : 1);
    while (cursor < start) out.push(old[cursor++]);
    i++;
    while (i < lines.length && /^[ +-]/.test(lines[i])) {
      const noEol = lines[i + 1] === "\\ No newline at end of file";
      const text = lines[i].slice(1) + (noEol ? "" : "\n");
      if (lines[i][0] === " ") {
        assert.equal(old[cursor], text);
        out.push(old[cursor++]);
      } else if (lines[i][0] === "-") {
        assert.equal(old[cursor], text);
        cursor++;
      } else out.push(text);
      i += noEol ? 2 : 1;
    }
  }
  while (cursor < old.length) out.push(old[cursor++]);
  return out.join("");
}

function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), "whittle-diff-"));
  try {
    writeFileSync(join(dir, "a"), a);
    writeFileSync(join(dir, "b"), b);
    const r = spawnSync("diff", ["-u", "--minimal", "--label", "a/f", "--label", "b/f", join(dir, "a"), join(dir, "b")], { encoding: "utf8" });
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    assert.equal(unifiedDiff("a\nb\n", "a\nb\n", "a/f", "b/f"), "");
  });

  it("prints hunks with three lines of context, split when changes are far apart", () => {
    const old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    const now = "a\nb\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    assert.equal(
      unifiedDiff(old, now, "a/f", "b/f"),
      "--- a/f\n+++ b/f\n@@ -1,6 +1,6 @@\n a\n b\n-c\n+X\n d\n e\n f\n@@ -10,3 +10,4 @@\n j\n k\n l\n+m\n",
    );
  });

  it("numbers an empty side from the line before it", () => {
    assert.equal(unifiedDiff("", "new\n", "/dev/null", "b/f"), "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n");
    assert.equal(unifiedDiff("old\n", "", "a/f", "b/f"), "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-old\n");
  });

  it("marks a missing newline at the end of a file", () => {
    assert.equal(unifiedDiff("x\n", "x", "a/f", "b/f"), "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n");
  });

  it("stays minimal on long texts with many changes (the halves of the linear-space search meet correctly)", () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 4; round++) {
      const a = Array.from({ length: 1500 + rand(1500) }, () => `${rand(40)}\n`);
      const b = a.filter(() => rand(10) !== 0).flatMap((line) => (rand(8) === 0 ? [`new ${rand(40)}\n`, line] : [line]));
      const oldText = a.join("");
      const newText = b.join("");
      const patch = unifiedDiff(oldText, newText, "a/f", "b/f");
      assert.equal(applyPatch(oldText, patch), newText);
      const count = (p: string) => p.split("\n").filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
      assert.equal(count(patch), count(gnuDiff(oldText, newText)), `round ${round}`);
    }
  });

  it("agrees with GNU diff and round-trips on random edits", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rand(30) }, () => `${"abcde"[rand(5)]}\n`);
      const b = a.slice();
      for (let e = rand(6); e > 0; e--) {
        const at = rand(b.length + 1);
        if (rand(2) === 0 && b.length > 0) b.splice(at, 1);
        else b.splice(at, 0, `${"abcdexyz"[rand(8)]}\n`);
      }
      const oldText = a.join("");
      const newText = b.join("") + (rand(4) === 0 ? "tail" : "");
      const patch = unifiedDiff(oldText, newText, "a/f", "b/f");
      if (oldText === newText) continue;
      assert.equal(applyPatch(oldText, patch), newText, patch);
      // Same edit distance as GNU diff: both are minimal, so they change as many lines.
      const count = (p: string) => p.split("\n").filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
      assert.equal(count(patch), count(gnuDiff(oldText, newText)), `round ${round}`);
    }
  });
});
