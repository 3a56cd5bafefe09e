// `whittle fix` on every Dockerfile of the lint corpus, with every check: safe fixes alone, then with suggestions.
// The result must parse at least as well as the input, no fix may be rejected, and fixing the result again must change
// neither the Dockerfile nor any context file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { fixText } from "../../src/fix/fixer.js";
import { allChecks } from "../../src/rules/all.js";
import { corpusEntries } from "../helpers/corpus.js";
import { readTree } from "../helpers/tree.js";

function problems(text: string): number {
  const model = parseDockerfile("Dockerfile", text);
  return model.problems.length + model.instructions.reduce((n, i) => n + (i.shell?.errors.length ?? 0), 0);
}

describe("whittle fix on the lint corpus", () => {
  const appliedWithSuggestions = new Set<string>();
  for (const entry of corpusEntries()) {
    for (const suggestions of [false, true]) {
      it(`${entry.name}${suggestions ? " (with suggestions)" : ""}`, () => {
        const text = readFileSync(entry.dockerfile, "utf8");
        const files = readTree(entry.dir);
        const first = fixText({ path: "Dockerfile", text, files, suggestions, checks: allChecks });
        if (suggestions) Object.keys(first.applied).forEach((rule) => appliedWithSuggestions.add(rule));
        assert.deepEqual(first.rejected, [], "no fix breaks the file");
        assert.ok(problems(first.text) <= problems(text), `parse problems: ${problems(text)} before, ${problems(first.text)} after`);
        const second = fixText({ path: "Dockerfile", text: first.text, files: { ...files, ...first.files }, suggestions, checks: allChecks });
        assert.deepEqual(second.applied, {}, "fixing the fixed file applies nothing");
        assert.equal(second.text, first.text);
        assert.deepEqual(second.files, {});
      });
    }
  }
  it("exercises the structural rewrites, not only the safe fixes", () => {
    for (const rule of ["build-toolchain", "heavy-base", "deps-after-source", "runs-as-root"]) assert.ok(appliedWithSuggestions.has(rule), rule);
  });
});
