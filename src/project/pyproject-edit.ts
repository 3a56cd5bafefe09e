import { isDeepStrictEqual } from "node:util";
import { parse as parseToml } from "smol-toml";
import { InputError } from "../errors.js";

export type TomlValue = string | number | boolean | string[];

function tomlValue(value: TomlValue): string {
  // JSON string escapes are valid TOML basic-string escapes.
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function parses(text: string): boolean {
  try {
    parseToml(text);
    return true;
  } catch {
    return false;
  }
}

/** The dotted path of a table header line (`[tool.whittle.init]`), or undefined for other lines. */
function headerPath(line: string): string | undefined {
  const m = /^\s*\[\s*([A-Za-z0-9_."' -]+?)\s*\]\s*(#.*)?$/.exec(line);
  if (!m || line.trim().startsWith("[[")) return undefined;
  return m[1]
    .split(".")
    .map((p) => p.trim().replace(/^["'](.*)["']$/, "$1"))
    .join(".");
}

/** The document without the table, and without parent tables left empty (appending [a.b.c] creates a and a.b). */
function withoutPath(doc: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const copy = structuredClone(doc);
  const parents: Array<Record<string, unknown>> = [copy];
  for (const p of path.slice(0, -1)) {
    const next = parents[parents.length - 1][p];
    if (!next || typeof next !== "object") return copy;
    parents.push(next as Record<string, unknown>);
  }
  delete parents[parents.length - 1][path[path.length - 1]];
  for (let i = parents.length - 1; i > 0 && Object.keys(parents[i]).length === 0; i--) delete parents[i - 1][path[i - 1]];
  return copy;
}

function getPath(doc: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((t, p) => (t && typeof t === "object" ? (t as Record<string, unknown>)[p] : undefined), doc);
}

/**
 * Sets keys of a table in a TOML text, touching only the lines of those keys (or appending the table when it has no
 * header yet). The result is checked by parsing it: the table must hold the new values and the rest of the document
 * must be unchanged, else an InputError says why nothing was written.
 */
export function setTableKeys(text: string, table: string, values: Record<string, TomlValue>, where: string): string {
  let before: Record<string, unknown>;
  try {
    before = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${where}: not valid TOML: ${(err as Error).message.split("\n")[0]}`);
  }
  const path = table.split(".");
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => headerPath(l) === table);
  const existing = getPath(before, path);

  let out: string[];
  if (headerIndex === -1) {
    if (existing !== undefined) throw new InputError(`${where}: [${table}] is written inline or with dotted keys; change it by hand`);
    const body = Object.entries(values).map(([k, v]) => `${k} = ${tomlValue(v)}`);
    const trimmed = [...lines];
    while (trimmed.length && trimmed[trimmed.length - 1].trim() === "") trimmed.pop();
    out = [...trimmed, ...(trimmed.length ? [""] : []), `[${table}]`, ...body, ""];
  } else {
    let end = lines.findIndex((l, i) => i > headerIndex && /^\s*\[/.test(l));
    if (end === -1) end = lines.length;
    out = [...lines];
    for (const [key, value] of Object.entries(values)) {
      const line = `${key} = ${tomlValue(value)}`;
      const keyRe = new RegExp(`^(\\s*)(${key.replace(/[-.]/g, "\\$&")}|"${key}")\\s*=`);
      const at = out.findIndex((l, i) => i > headerIndex && i < end && keyRe.test(l));
      if (at === -1) {
        // After the table's last key line, so comments and blank lines that end the table stay where they are.
        let last = headerIndex;
        for (let i = headerIndex + 1; i < end; i++) if (out[i].trim() !== "" && !out[i].trim().startsWith("#")) last = i;
        out.splice(last + 1, 0, line);
        end++;
        continue;
      }
      // A value may span lines (a multi-line array): replace up to the line where it parses.
      let stop = at;
      while (stop < end - 1 && !parses(out.slice(at, stop + 1).join("\n"))) stop++;
      out.splice(at, stop - at + 1, keyRe.exec(out[at])![1] + line);
      end -= stop - at;
    }
  }
  const result = out.join(eol);

  let after: Record<string, unknown>;
  try {
    after = parseToml(result) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${where}: cannot add [${table}] without breaking the file (${(err as Error).message.split("\n")[0]}); change it by hand`);
  }
  const expected = { ...(existing && typeof existing === "object" ? (existing as Record<string, unknown>) : {}), ...values };
  // Through JSON: parsed tables have no prototype, and dates compare as text.
  const same = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a) ?? "null"), JSON.parse(JSON.stringify(b) ?? "null"));
  if (!same(getPath(after, path), expected) || !same(withoutPath(after, path), withoutPath(before, path))) {
    throw new InputError(`${where}: cannot update [${table}] safely; change it by hand`);
  }
  return result;
}
