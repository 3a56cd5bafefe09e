import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { InputError } from "./errors.js";
import type { Severity } from "./rules/types.js";

const severity = z.enum(["error", "warning", "info"]);

const LintConfigSchema = z
  .object({
    "fail-on": severity.optional(),
    /** rule id -> "off" or a severity */
    rules: z.record(z.string(), z.union([z.literal("off"), severity])).optional(),
    disable: z.array(z.string()).optional(),
    /** Local stand-ins for official images, e.g. {"python:3.11-slim": "local/python:3.11-slim"}; used by init and compare. */
    images: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

export type WhittleConfig = z.infer<typeof LintConfigSchema>;

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

function validate(value: unknown, where: string): WhittleConfig {
  const parsed = LintConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${where}: ${issue.path.join(".") || "config"}: ${issue.message}`);
  }
  return parsed.data;
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
