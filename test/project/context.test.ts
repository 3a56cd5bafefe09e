import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { diskFiles, projectContext } from "../../src/project/context.js";

describe("build context on disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-context-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "requirements.txt"), "flask==3.0\n");
  mkdirSync(join(dir, "app", "tests"), { recursive: true });
  writeFileSync(join(dir, "app", "main.py"), "print(1)\n");
  symlinkSync("requirements.txt", join(dir, "reqs.txt"));
  symlinkSync("app", join(dir, "src"));
  execFileSync("mkfifo", [join(dir, "pipe")]);
  const files = diskFiles(dir);

  it("reads regular files at the top and below, also through symlinks", () => {
    assert.equal(files.read("requirements.txt"), "flask==3.0\n");
    assert.equal(files.read("./requirements.txt"), "flask==3.0\n");
    assert.equal(files.read("app/main.py"), "print(1)\n");
    assert.equal(files.read("reqs.txt"), "flask==3.0\n");
    assert.equal(files.read("src/main.py"), "print(1)\n");
  });

  it("reads nothing from directories, missing paths, paths outside the context or a FIFO (which would block)", () => {
    for (const rel of ["app", "src", "app/tests", "missing.txt", "app/missing.py", "../etc/passwd", "pipe"]) assert.equal(files.read(rel), undefined, rel);
  });

  it("never leaves the context: not through \"..\" after a directory, not through a symlink that points outside", () => {
    const outer = mkdtempSync(join(tmpdir(), "whittle-outside-"));
    after(() => rmSync(outer, { recursive: true, force: true }));
    writeFileSync(join(outer, "secret.txt"), "password\n");
    const ctx = join(outer, "ctx");
    mkdirSync(join(ctx, "sub"), { recursive: true });
    writeFileSync(join(ctx, "sub", "ok.txt"), "fine\n");
    symlinkSync(join(outer, "secret.txt"), join(ctx, "link.txt"));
    symlinkSync(outer, join(ctx, "up"));
    const escaping = diskFiles(ctx);
    for (const rel of ["sub/../../secret.txt", "link.txt", "up/secret.txt", "/etc/passwd"]) {
      assert.equal(escaping.read(rel), undefined, rel);
      assert.equal(escaping.exists(rel), rel === "link.txt", rel);
    }
    assert.equal(escaping.read("sub/../sub/ok.txt"), "fine\n");
  });

  it("answers existence from one listing, with deeper paths checked on disk", () => {
    assert.deepEqual(files.entries().sort(), ["app", "pipe", "reqs.txt", "requirements.txt", "src"]);
    assert.ok(files.exists("app/") && files.exists("app/tests") && files.exists("./requirements.txt") && files.exists("."));
    assert.ok(!files.exists("app/nope") && !files.exists("nope") && !files.exists("../x"));
  });

  it("reads dependencies from the requirement files it finds", () => {
    assert.deepEqual([...projectContext(dir).dependencies()], ["flask"]);
  });
});
