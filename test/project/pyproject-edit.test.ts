import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../../src/errors.js";
import { setTableKeys } from "../../src/project/pyproject-edit.js";

const set = (text: string, values: Parameters<typeof setTableKeys>[2]) => setTableKeys(text, "tool.whittle.init", values, "pyproject.toml");

describe("setTableKeys", () => {
  it("appends the table after the last line, separated by one blank line", () => {
    assert.equal(set('[project]\nname = "x"  # the name\n\n\n', { python: "3.11" }), '[project]\nname = "x"  # the name\n\n[tool.whittle.init]\npython = "3.11"\n');
    assert.equal(set('[project]\nname = "x"', { port: 80 }), '[project]\nname = "x"\n\n[tool.whittle.init]\nport = 80\n');
    assert.equal(set("", { buildkit: false }), "[tool.whittle.init]\nbuildkit = false\n");
  });

  it("replaces a key where it is, multi-line values included, and adds new keys after the last one", () => {
    const text = '[tool.whittle.init]\napt = [\n  "a",\n  "b",\n]\ncmd = "old"  # note\n\n# trailing comment\n[tool.x]\ny = 1\n';
    assert.equal(set(text, { apt: ["c"], python: "3.12" }), '[tool.whittle.init]\napt = ["c"]\ncmd = "old"  # note\npython = "3.12"\n\n# trailing comment\n[tool.x]\ny = 1\n');
  });

  it("escapes strings the TOML way", () => {
    const out = set("", { cmd: 'sh -c "echo \\\\ done"' });
    assert.equal(out, '[tool.whittle.init]\ncmd = "sh -c \\"echo \\\\\\\\ done\\""\n');
  });

  it("refuses tables it cannot edit by lines, and broken files", () => {
    assert.throws(() => set('[tool]\nwhittle = { init = { python = "3.9" } }\n', { python: "3.11" }), (e) => e instanceof InputError && /inline or with dotted keys/.test(e.message));
    assert.throws(() => set('[tool.whittle]\ninit.python = "3.9"\n', { python: "3.11" }), InputError);
    assert.throws(() => set('[tool]\nwhittle = { fail-on = "error" }\n', { python: "3.11" }), (e) => e instanceof InputError && /without breaking the file/.test(e.message));
    assert.throws(() => set("[tool.whittle.init\n", { python: "3.11" }), (e) => e instanceof InputError && /not valid TOML/.test(e.message));
  });
});
