// Lints every corpus Dockerfile with every check and compares the findings with the expected.json beside it.
// UPDATE_SNAPSHOTS=1 rewrites the snapshots; review their diff like code.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { resolveConfig } from "../src/config.js";
import { lint } from "../src/lint/engine.js";
import { projectContext } from "../src/project/context.js";
import { allChecks } from "../src/rules/all.js";
import { CORPUS_DIR, corpusEntries, type CorpusEntry } from "./helpers/corpus.js";

interface SnapshotFinding {
  rule: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

const update = process.env.UPDATE_SNAPSHOTS === "1";
const entries = corpusEntries();

function findingsOf(entry: CorpusEntry): SnapshotFinding[] {
  const text = readFileSync(entry.dockerfile, "utf8");
  const result = lint({
    path: relative(join(CORPUS_DIR, "../.."), entry.dockerfile),
    text,
    project: projectContext(entry.dir),
    config: resolveConfig({}),
    checks: allChecks,
  });
  return result.findings.map((f) => {
    const r = result.model.source.rangeOf(f.span);
    return {
      rule: f.rule,
      severity: f.severity,
      line: r.start.line,
      column: r.start.column,
      endLine: r.end.line,
      endColumn: r.end.column,
      message: f.message,
    };
  });
}

/** One finding per line, so a snapshot diff shows exactly which finding appeared, moved or vanished. */
function serialize(findings: SnapshotFinding[]): string {
  return findings.length === 0 ? "[]\n" : `[\n${findings.map((f) => `  ${JSON.stringify(f)}`).join(",\n")}\n]\n`;
}

describe("corpus", () => {
  it("spans naive to optimized files", () => {
    assert.ok(entries.length >= 45, `${entries.length} corpus directories, expected at least 45`);
    assert.ok(entries.filter((e) => e.optimized).length >= 10, "at least 10 well-optimized files");
  });

  for (const entry of entries) {
    it(entry.name, () => {
      const got = findingsOf(entry);
      const snapshot = join(entry.dir, "expected.json");
      if (update) writeFileSync(snapshot, serialize(got));
      assert.ok(existsSync(snapshot), `${snapshot} is missing: run UPDATE_SNAPSHOTS=1 node scripts/test.mjs test/corpus.test.ts`);
      const expected = JSON.parse(readFileSync(snapshot, "utf8")) as SnapshotFinding[];
      assert.deepEqual(got, expected, `findings of ${entry.name} differ from expected.json`);
      if (entry.optimized) {
        const serious = got.filter((f) => f.severity !== "info");
        assert.deepEqual(serious, [], `${entry.name} is meant to be well-optimized: no warning or error expected`);
      }
    });
  }
});
