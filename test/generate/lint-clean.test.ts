import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { resolveConfig } from "../../src/config.js";
import { generateDockerfile } from "../../src/generate/dockerfile.js";
import { generateDockerignore } from "../../src/generate/dockerignore.js";
import { lint } from "../../src/lint/engine.js";
import { detectProject } from "../../src/project/detect.js";
import { diskFiles, projectContext, type FileSource } from "../../src/project/context.js";
import { allChecks } from "../../src/rules/all.js";

const FIXTURES = new URL("../fixtures/projects/", import.meta.url).pathname;

/** The fixture directory as the build context would be after init: its files plus the generated .dockerignore. */
function contextWith(dir: string, dockerignore: string): FileSource {
  const disk = diskFiles(dir);
  return {
    read: (rel) => (rel.replace(/^\.\//, "") === ".dockerignore" ? dockerignore : disk.read(rel)),
    exists: (rel) => rel.replace(/^\.\//, "") === ".dockerignore" || disk.exists(rel),
    entries: () => [...new Set([...disk.entries(), ".dockerignore"])].sort(),
  };
}

describe("whittle lint on every Dockerfile init writes", () => {
  it("the harness sees findings: without the generated .dockerignore, the .env in the context is reported", () => {
    const dir = join(FIXTURES, "procfile-pipenv");
    const text = generateDockerfile(detectProject(dir));
    const { findings } = lint({ path: "Dockerfile", text, project: projectContext(dir), config: resolveConfig({}), checks: allChecks });
    assert.ok(findings.some((f) => f.severity !== "info" && /\.env/.test(f.message)), "expected a finding about .env");
  });
  for (const name of readdirSync(FIXTURES).sort()) {
    for (const buildkit of [true, false]) {
      it(`${name}${buildkit ? "" : " (no BuildKit)"}: no warnings or errors`, () => {
        const dir = join(FIXTURES, name);
        const facts = detectProject(dir);
        const text = generateDockerfile(facts, { buildkit });
        const project = projectContext(dir, contextWith(dir, generateDockerignore(facts)));
        const { findings, model } = lint({ path: "Dockerfile", text, project, config: resolveConfig({}), checks: allChecks });
        assert.deepEqual(model.problems ?? [], []);
        const serious = findings.filter((f) => f.severity !== "info");
        assert.deepEqual(serious.map((f) => `${model.source.positionAt(f.span.start).line}: ${f.rule}: ${f.message}`), []);
      });
    }
  }
});
