import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_PYTHON, minorOf, minorsAllowed, parseConstraint, pickMinor } from "../../src/project/python-version.js";

describe("Python version constraints", () => {
  it("PEP 440 specifiers", () => {
    const t = parseConstraint(">=3.9, <3.12, !=3.10.*")!;
    assert.deepEqual(["3.8.9", "3.9.0", "3.10.4", "3.11.9", "3.12.0"].map(t), [false, true, false, true, false]);
    assert.equal(parseConstraint("~=3.10")!("3.13.1"), true);
    assert.equal(parseConstraint("~=3.10.2")!("3.11.0"), false);
    assert.equal(parseConstraint("==3.11.*")!("3.11.7"), true);
    assert.equal(parseConstraint("==3.11")!("3.11.7"), false);
    assert.equal(parseConstraint(">3.10")!("3.10.1"), true);
  });

  it("Poetry caret, tilde, bare versions, wildcards and alternatives", () => {
    assert.deepEqual(minorsAllowed("^3.10"), ["3.10", "3.11", "3.12", "3.13"]);
    assert.deepEqual(minorsAllowed("~3.10"), ["3.10"]);
    assert.deepEqual(minorsAllowed("3.9"), ["3.9"]);
    assert.deepEqual(minorsAllowed(">=3.8 <3.10"), ["3.8", "3.9"]);
    assert.deepEqual(minorsAllowed("~3.8 || ^3.12"), ["3.8", "3.12", "3.13"]);
    assert.deepEqual(minorsAllowed("*"), ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]);
  });

  it("a minor fits when one of its patch releases does", () => {
    assert.deepEqual(minorsAllowed(">=3.10.4,<3.11"), ["3.10"]);
  });

  it("picks the default when allowed, else the newest below it, else the oldest above", () => {
    assert.equal(pickMinor(">=3.8"), DEFAULT_PYTHON);
    assert.equal(pickMinor("<3.11,>=3.8"), "3.10");
    assert.equal(pickMinor(">=3.13"), "3.13");
    assert.equal(pickMinor(">=4"), undefined);
    assert.equal(pickMinor("latest please"), undefined);
  });

  it("reads pinned versions from .python-version and runtime.txt styles", () => {
    assert.equal(minorOf("3.11.4"), "3.11");
    assert.equal(minorOf("python-3.10.12"), "3.10");
    assert.equal(minorOf("3.12"), "3.12");
    assert.equal(minorOf("3.13.0rc2"), "3.13");
    assert.equal(minorOf("pypy3.10"), undefined);
    assert.equal(minorOf("system"), undefined);
  });
});
