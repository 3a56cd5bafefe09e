import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadSmokeFile, parseHttpSpec, parseSmokeCommand } from "../../src/build/smoke.js";
import { InputError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "whittle-smoke-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("smoke test specs", () => {
  it("splits a command like a shell, with quotes", () => {
    assert.deepEqual(parseSmokeCommand(`python -c 'import sys; print("ok")'  --flag ""`), { cmd: ["python", "-c", 'import sys; print("ok")', "--flag", ""] });
    assert.throws(() => parseSmokeCommand("echo 'open"), InputError);
    assert.throws(() => parseSmokeCommand("   "), InputError);
  });

  it("reads --http PORT/PATH", () => {
    assert.deepEqual(parseHttpSpec("8000/health/"), { http: { port: 8000, path: "/health/" } });
    assert.deepEqual(parseHttpSpec("8080"), { http: { port: 8080, path: "/" } });
    for (const bad of ["health", "0/x", "70000/", ":8000/x"]) assert.throws(() => parseHttpSpec(bad), InputError, bad);
  });

  it("loads smoke.json files and rejects other shapes with a one-line error", () => {
    const ok = join(dir, "ok.json");
    writeFileSync(ok, '{ "http": { "port": 8000, "path": "/health" } }');
    assert.deepEqual(loadSmokeFile(ok), { http: { port: 8000, path: "/health" } });
    const cmd = join(dir, "cmd.json");
    writeFileSync(cmd, '{ "cmd": ["inventory", "report"] }');
    assert.deepEqual(loadSmokeFile(cmd), { cmd: ["inventory", "report"] });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{ "cmd": [] }');
    assert.throws(() => loadSmokeFile(bad), /expected \{"cmd": \[\.\.\.\]\}/);
    assert.throws(() => loadSmokeFile(join(dir, "missing.json")), /cannot read smoke test .*ENOENT/);
  });
});
