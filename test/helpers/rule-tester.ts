import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveConfig } from "../../src/config.js";
import { fixText } from "../../src/fix/fixer.js";
import { lint } from "../../src/lint/engine.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";
import type { Check, Finding } from "../../src/rules/types.js";

export interface ValidCase {
  name?: string;
  code: string;
  /** Files of the build context, relative paths to contents. */
  files?: Record<string, string>;
  target?: string;
}

export interface ExpectedFinding {
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Substring of the message. */
  message?: string;
  severity?: Finding["severity"];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /** The Dockerfile after applying this check's safe fixes until stable; omit when the check has no safe fix. */
  output?: string;
  /** Files of the context after the fixes (e.g. a created .dockerignore). */
  outputFiles?: Record<string, string>;
  /**
   * The Dockerfile after applying this check's safe and suggestion fixes (`whittle fix --suggestions`); the result
   * must parse as well as the input did and no suggestion may be rejected.
   */
  suggestionOutput?: string;
}

function run(check: Check, c: ValidCase) {
  return lint({
    path: "Dockerfile",
    text: c.code,
    project: projectContext(undefined, memoryFiles(c.files ?? {})),
    config: resolveConfig({}),
    target: c.target,
    checks: [check],
  });
}

/** ESLint's RuleTester, for whittle checks: valid cases must stay silent, invalid ones must fire where stated. */
export function ruleTester(check: Check, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`check ${check.meta.id}`, () => {
    it("has complete metadata", () => {
      assert.match(check.meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(check.meta.title.length > 0);
      assert.ok(check.meta.docs.length >= 80, "docs should explain why, the cost and the remedy");
    });
    cases.valid.forEach((c, i) => {
      it(`valid ${i + 1}${c.name ? `: ${c.name}` : ""}`, () => {
        const { findings, model } = run(check, c);
        assert.deepEqual(
          findings.map((f) => `${model.source.positionAt(f.span.start).line}: ${f.message}`),
          [],
        );
      });
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid ${i + 1}${c.name ? `: ${c.name}` : ""}`, () => {
        const { findings, model } = run(check, c);
        const got = findings.map((f) => {
          const r = model.source.rangeOf(f.span);
          return { f, r };
        });
        assert.equal(got.length, c.errors.length, `expected ${c.errors.length} finding(s), got: ${JSON.stringify(got.map(({ f, r }) => [r.start.line, r.start.column, f.message]))}`);
        c.errors.forEach((e, k) => {
          const { f, r } = got[k];
          assert.equal(r.start.line, e.line, `finding ${k + 1} line`);
          if (e.column !== undefined) assert.equal(r.start.column, e.column, `finding ${k + 1} column`);
          if (e.endLine !== undefined) assert.equal(r.end.line, e.endLine, `finding ${k + 1} end line`);
          if (e.endColumn !== undefined) assert.equal(r.end.column, e.endColumn, `finding ${k + 1} end column`);
          if (e.message !== undefined) assert.ok(f.message.includes(e.message), `message "${f.message}" should include "${e.message}"`);
          if (e.severity !== undefined) assert.equal(f.severity, e.severity);
          assert.equal(f.rule, check.meta.id);
          if (["size", "cache"].includes(f.category)) assert.ok(f.impact?.basis, "size and cache findings carry an impact with its basis");
        });
        if (c.output !== undefined || c.outputFiles !== undefined) {
          const ctxFiles = c.files ?? {};
          const fixed = fixText({ path: "Dockerfile", text: c.code, files: ctxFiles, target: c.target, checks: [check] });
          if (c.output !== undefined) assert.equal(fixed.text, c.output);
          for (const [p, content] of Object.entries(c.outputFiles ?? {})) assert.equal(fixed.files[p], content, `fixed ${p}`);
          const again = fixText({ path: "Dockerfile", text: fixed.text, files: { ...ctxFiles, ...fixed.files }, target: c.target, checks: [check] });
          assert.equal(again.text, fixed.text, "fixing a fixed file changes nothing");
          // fixText reports the context files it changed: none, the second time.
          assert.deepEqual(again.files, {}, "fixing a fixed file changes no context file");
          assert.deepEqual(run(check, { ...c, code: fixed.text, files: { ...ctxFiles, ...fixed.files } }).findings.filter((f) => f.fix?.kind === "safe").map((f) => f.message), [], "no safe-fixable finding remains");
        } else {
          assert.ok(!findings.some((f) => f.fix?.kind === "safe"), "a safe fix needs an expected output in the test");
        }
        if (c.suggestionOutput !== undefined) {
          const fixed = fixText({ path: "Dockerfile", text: c.code, files: c.files ?? {}, target: c.target, checks: [check], suggestions: true });
          assert.deepEqual(fixed.rejected, [], "no suggestion breaks the file");
          assert.equal(fixed.text, c.suggestionOutput);
        }
      });
    });
  });
}
