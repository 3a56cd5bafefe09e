// Regenerates the README's table of checks from the checks' metadata: npx tsx scripts/update-readme.ts
import { readFileSync, writeFileSync } from "node:fs";
import { replaceRulesTable } from "../test/helpers/readme.js";

const path = new URL("../README.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = replaceRulesTable(before);
if (after !== before) writeFileSync(path, after);
