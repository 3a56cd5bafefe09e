import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { closest } from "../../src/text/closest.js";

describe("closest: the name a typo meant", () => {
  it("finds one edit in a short name and two in a longer one, swaps of neighbours counting once", () => {
    assert.equal(closest("RUNN", ["RUN", "ARG", "ENV"]), "RUN");
    assert.equal(closest("chwon", ["chown", "chmod", "from"]), "chown");
    assert.equal(closest("plattform", ["platform"]), "platform");
    assert.equal(closest("retires", ["interval", "retries"]), "retries");
    assert.equal(closest("wrokdir", ["WORKDIR", "WORKDIR2"]), "WORKDIR");
  });

  it("suggests nothing for a word that is not near any candidate", () => {
    assert.equal(closest("foo", ["mount", "network", "security", "device"]), undefined);
    assert.equal(closest("FROBNICATE", ["FROM", "RUN"]), undefined);
    assert.equal(closest("ab", ["xy"]), undefined);
    assert.equal(closest("anything", []), undefined);
  });
});

describe("parse problems name the nearest instruction or flag only when there is one", () => {
  it("says exactly what BuildKit will say, with or without a hint", () => {
    const problems = parseDockerfile("Dockerfile", "FROM python:3.12-slim\nFROBNICATE x\nRUN --foo true\nCOPY --chwon=a . /app\n").problems.map((p) => p.message);
    assert.deepEqual(problems, [
      'unknown instruction "FROBNICATE"',
      'RUN has no flag --foo: BuildKit stops with "unknown flag: foo"',
      'COPY has no flag --chwon (did you mean --chown?): BuildKit stops with "unknown flag: chwon"',
    ]);
  });
});
