// whittle inspect --baseline on the two base stand-ins the e2e setup builds: the full image against the slim one,
// both read from the real engine. Needs scripts/e2e/setup.sh (skips without it, fails under WHITTLE_E2E=1).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InspectJson } from "../../src/report/inspect-json.js";
import { whittle } from "../helpers/cli.js";
import { baseImages, e2eSkip } from "./env.js";

const skip = e2eSkip();

describe("whittle inspect --baseline on real images", { skip, timeout: 300_000 }, () => {
  it("finds what the full image adds to the slim one: its compilers, build packages and their directories", () => {
    const { "python:3.11-slim": slim, "python:3.11": full } = baseImages();
    const json = (args: string[]) => {
      const r = whittle(["inspect", ...args, "--format", "json"]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as InspectJson;
    };
    const base = json([slim]);
    const head = json([full, "--baseline", slim]);
    const d = head.baseline!;
    assert.equal(d.baseline.totalBytes, base.totalBytes);
    assert.equal(d.delta.totalBytes, head.totalBytes - base.totalBytes);
    assert.ok(d.delta.totalBytes > 100 * 1024 * 1024, `grew ${d.delta.totalBytes} bytes`);
    assert.ok(d.compilers.added.includes("/usr/bin/gcc"), d.compilers.added.join(" "));
    const gcc = d.packages.find((p) => p.name === "gcc-12");
    assert.ok(gcc && !gcc.before && gcc.where === "dpkg", JSON.stringify(gcc));
    assert.equal(gcc.delta, head.packages.find((m) => m.manager === "dpkg")!.packages.find((p) => p.name === "gcc-12")!.bytes);
    // gcc's own files are the largest directory the full image adds.
    assert.match(d.directories[0].path, /^\/usr\/lib\/gcc\b/);
    assert.equal(d.directories[0].before, 0);
    // The slim image holds nothing the full one lacks: nothing removed.
    assert.deepEqual(d.packages.filter((p) => !p.after), []);
  });
});
