import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { replaceRulesTable } from "./helpers/readme.js";

test("README's table of checks matches the checks' metadata (run npx tsx scripts/update-readme.ts)", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  assert.equal(readme, replaceRulesTable(readme));
});
