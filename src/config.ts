import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { InputError } from "./errors.js";
import type { Severity } from "./rules/types.js";

const SEVERITIES: readonly string[] = ["error", "warning", "info"] satisfies Severity[];

/** `[tool.whittle]`: other keys (such as `init`) belong to other commands and pass through. */
export interface WhittleConfig {
  "fail-on"?: Severity;
  /** rule id -> "off" or a severity */
  rules?: Record<string, "off" | Severity>;
  disable?: string[];
  /** Local stand-ins for official images, e.g. {"python:3.11-slim": "local/python:3.11-slim"}; used by init and compare. */
  images?: Record<string, string>;
  [key: string]: unknown;
}

export interface ResolvedConfig {
  failOn: Severity;
  disabled: Set<string>;
  severities: Map<string, Severity>;
  raw: WhittleConfig;
  source?: string;
}

export function resolveConfig(raw: WhittleConfig, source?: string): ResolvedConfig {
  const disabled = new Set(raw.disable ?? []);
  const severities = new Map<string, Severity>();
  for (const [id, v] of Object.entries(raw.rules ?? {})) {
    if (v === "off") disabled.add(id);
    else severities.set(id, v);
  }
  return { failOn: raw["fail-on"] ?? "warning", disabled, severities, raw, source };
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validate(value: unknown, where: string): WhittleConfig {
  const fail = (path: string, message: string): never => {
    throw new InputError(`${where}: ${path}: ${message}`);
  };
  const severity = (v: unknown, path: string, choices: readonly string[]) => {
    if (typeof v !== "string" || !choices.includes(v)) fail(path, `expected one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(v)}`);
  };
  if (value === undefined || value === null) return {};
  if (!isTable(value)) return fail("config", "expected a table");
  if (value["fail-on"] !== undefined) severity(value["fail-on"], "fail-on", SEVERITIES);
  if (value.rules !== undefined) {
    if (!isTable(value.rules)) fail("rules", "expected a table of check ids");
    for (const [id, v] of Object.entries(value.rules as Record<string, unknown>)) severity(v, `rules.${id}`, ["off", ...SEVERITIES]);
  }
  const strings = (v: unknown[]) => v.every((x) => typeof x === "string");
  if (value.disable !== undefined && !(Array.isArray(value.disable) && strings(value.disable))) fail("disable", "expected a list of check ids");
  if (value.images !== undefined && !(isTable(value.images) && strings(Object.values(value.images)))) fail("images", "expected a table of image names");
  return value as WhittleConfig;
}

/** `[tool.whittle]` of a pyproject.toml text, or undefined when it has none. */
export function configFromPyproject(text: string, where: string): WhittleConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${where}: not valid TOML: ${(err as Error).message.split("\n")[0]}`);
  }
  const section = ((doc.tool ?? {}) as Record<string, unknown>).whittle;
  return section === undefined ? undefined : validate(section, `${where} [tool.whittle]`);
}

/** A config file given with --config: TOML (a pyproject with [tool.whittle], or the keys at top level) or JSON. */
export function loadConfigFile(path: string): WhittleConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (path.endsWith(".json")) {
    try {
      return validate(JSON.parse(text), path);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${path}: not valid JSON: ${(err as Error).message}`);
    }
  }
  const fromPyproject = configFromPyproject(text, path);
  if (fromPyproject) return fromPyproject;
  try {
    const doc = parseToml(text) as Record<string, unknown>;
    return validate(doc.whittle ?? doc, path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: not valid TOML: ${(err as Error).message.split("\n")[0]}`);
  }
}
