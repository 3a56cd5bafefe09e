import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pickSourceFile, scratchCopy, touchSource, writeMappedDockerfile } from "../../src/build/scratch.js";

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "whittle-scratch-test-"));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe("scratchCopy", () => {
  it("copies the context without .git, and edits there leave the original alone", () => {
    const dir = project({ "app/main.py": "print(1)\n", ".git/HEAD": "ref\n", "requirements.txt": "flask\n" });
    const s = scratchCopy(dir, "test");
    made.push(s.dir);
    assert.equal(readFileSync(join(s.context, "app/main.py"), "utf8"), "print(1)\n");
    assert.ok(existsSync(join(s.context, "requirements.txt")));
    assert.ok(!existsSync(join(s.context, ".git")));
    touchSource(s.context, "app/main.py");
    assert.match(readFileSync(join(s.context, "app/main.py"), "utf8"), /^print\(1\)\n\n# edited by whittle compare at .+\n$/);
    assert.equal(readFileSync(join(dir, "app/main.py"), "utf8"), "print(1)\n");
    s.remove();
    assert.ok(!existsSync(s.dir));
  });
});

describe("writeMappedDockerfile", () => {
  it("replaces mapped FROM images, keeps stage names, stage references and unmapped images", () => {
    const dir = project({});
    const s = scratchCopy(dir, "test");
    made.push(s.dir);
    const text = [
      "FROM python:3.11 AS builder",
      "RUN pip wheel .",
      "FROM builder AS test",
      "FROM python:3.11-slim",
      "COPY --from=builder /w /w",
      "FROM alpine:3.20 AS tools",
      "",
    ].join("\n");
    const out = writeMappedDockerfile(s, "Dockerfile.a", "Dockerfile", text, { "python:3.11": "local/py:full", "python:3.11-slim": "local/py:slim" });
    assert.equal(out, join(s.dir, "Dockerfile.a"));
    assert.equal(
      readFileSync(out, "utf8"),
      ["FROM local/py:full AS builder", "RUN pip wheel .", "FROM builder AS test", "FROM local/py:slim", "COPY --from=builder /w /w", "FROM alpine:3.20 AS tools", ""].join("\n"),
    );
  });
});

describe("pickSourceFile", () => {
  it("takes the first .py file the context keeps, skipping package markers and ignored paths", () => {
    const dir = project({
      ".dockerignore": "tests\n**/__pycache__\n",
      "tests/test_a.py": "",
      "app/__init__.py": "",
      "app/__pycache__/x.py": "",
      "app/views.py": "",
      "manage.py": "",
    });
    assert.equal(pickSourceFile(dir), "app/views.py");
  });

  it("falls back to a package marker, and finds nothing in a context without Python", () => {
    assert.equal(pickSourceFile(project({ "pkg/__init__.py": "" })), "pkg/__init__.py");
    assert.equal(pickSourceFile(project({ "main.go": "package main\n" })), undefined);
  });
});
