import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizePath, normalizeRooted } from "../../src/image/layer-reader.js";

describe("tar entry names", () => {
  it("become absolute paths without empty, '.' or trailing components", () => {
    const cases: Array<[string, string]> = [
      ["usr/bin/python3", "/usr/bin/python3"],
      ["usr/bin/", "/usr/bin"],
      ["./usr//bin/./x", "/usr/bin/x"],
      ["././etc/", "/etc"],
      ["a..b/c..", "/a..b/c.."],
      [".hidden/x", "/.hidden/x"],
      ["root/.cache/pip/", "/root/.cache/pip"],
      ["a/.wh.b", "/a/.wh.b"],
      ["a/b/.", "/a/b"],
      ["./", "/"],
      [".", "/"],
      ["", "/"],
    ];
    for (const [name, path] of cases) {
      assert.equal(normalizePath(name, "t"), path, name);
      assert.equal(normalizeRooted(`/${name}`, "t"), path, `rooted ${name}`);
    }
  });

  it("reject names that climb out of the root, absolute names and absurd lengths", () => {
    for (const name of ["../x", "a/../../b", "a/..", "./..", "/etc/passwd", ".//etc", `a/${"b".repeat(5000)}`]) {
      assert.throws(() => normalizePath(name, "t"), /escapes the image root|absolute path|longer than/, name);
      assert.throws(() => normalizeRooted(`/${name}`, "t"), /escapes the image root|absolute path|longer than/, `rooted ${name}`);
    }
  });
});
