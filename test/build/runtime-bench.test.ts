import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { median, parseProbe, summarize, WORKLOADS, type ProbeOutput } from "../../src/build/runtime-bench.js";
import { RUNTIME_PROBE } from "../../src/build/runtime-probe.js";
import { InputError } from "../../src/errors.js";
import { runtimeToText } from "../../src/report/runtime-text.js";

const probe = (over: Partial<ProbeOutput>, work: number[] = [10, 30, 20]): ProbeOutput => ({
  version: "3.12.4",
  implementation: "cpython",
  executable: "/usr/local/bin/python3",
  configArgs: "",
  compiler: "GCC 12.2.0",
  startupMs: [20, 18, 40],
  workMs: Object.fromEntries(WORKLOADS.map((w) => [w, work])) as ProbeOutput["workMs"],
  ...over,
});

describe("bench-runtime probe", () => {
  it("runs under a real interpreter and reports every measurement", (t) => {
    const r = spawnSync("python3", ["-c", RUNTIME_PROBE, "2"], { encoding: "utf8", timeout: 120_000 });
    if (r.error) return t.skip("python3 is not installed");
    assert.equal(r.status, 0, r.stderr);
    const p = parseProbe("host", r.stdout);
    assert.match(p.version, /^3\.\d+\.\d+/);
    assert.equal(p.implementation, "cpython");
    assert.equal(p.startupMs.length, 2);
    for (const w of WORKLOADS) {
      assert.equal(p.workMs[w].length, 2, w);
      assert.ok(p.workMs[w].every((ms) => ms > 0), `${w}: ${p.workMs[w]}`);
    }
  });

  it("a result that is not the probe's is an input error naming the image", () => {
    assert.throws(() => parseProbe("img:1", "Traceback (most recent call last):\n  SyntaxError"), (e: Error) => e instanceof InputError && /^img:1: the benchmark printed no result \(  SyntaxError\)$/.test(e.message));
    assert.throws(() => parseProbe("img:1", JSON.stringify({ ...probe({}), workMs: { calls: [1] } })), /img:1: the benchmark's result is incomplete/);
    assert.throws(() => parseProbe("img:1", JSON.stringify(probe({ startupMs: [] }))), /incomplete/);
  });
});

describe("bench-runtime summary", () => {
  it("takes medians, reads the build's optimisations from its configure flags, and compares with the first image", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    const report = summarize(5, [
      { image: "debian-python", probe: probe({ configArgs: "'--enable-shared' '--prefix=/usr'" }) },
      { image: "python:3.12-slim", probe: probe({ configArgs: "'--enable-optimizations' '--with-lto' '--enable-shared'", startupMs: [10, 12, 11] }, [8, 24, 16]) },
    ]);
    assert.deepEqual(report.results[0].python, { version: "3.12.4", implementation: "cpython", executable: "/usr/local/bin/python3", compiler: "GCC 12.2.0", pgo: null, lto: null });
    assert.deepEqual([report.results[1].python.pgo, report.results[1].python.lto], [true, true]);
    assert.deepEqual(report.results.map((r) => [r.startupMs, r.totalWorkMs, r.relative]), [
      [20, 100, { startup: 1, work: 1 }],
      [11, 80, { startup: 0.55, work: 0.8 }],
    ]);
    assert.equal(
      runtimeToText(report),
      [
        "image             python  build       start-up  workload  vs first (start-up, workload)",
        "debian-python     3.12.4  not stated   20.0 ms    100 ms  baseline",
        "python:3.12-slim  3.12.4  PGO+LTO      11.0 ms   80.0 ms  0.55x, 0.80x",
        "",
        "Medians of 5 runs inside each image. start-up: `python -c pass`; workload: function calls, dict and string",
        "work, JSON, regular expressions and float arithmetic in pure Python. build: the optimisations the interpreter's",
        'configure flags ask for (profile-guided, link-time); "not stated" when they name none, as distribution builds do.',
        "  debian-python: calls 20.0 ms, text 20.0 ms, json 20.0 ms, regex 20.0 ms, floats 20.0 ms (GCC 12.2.0)",
        "  python:3.12-slim: calls 16.0 ms, text 16.0 ms, json 16.0 ms, regex 16.0 ms, floats 16.0 ms (GCC 12.2.0)",
        "",
      ].join("\n"),
    );
  });
});
