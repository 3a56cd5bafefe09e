import { allChecks } from "../rules/all.js";
import type { CheckMeta } from "../rules/types.js";

const byId = new Map<string, CheckMeta>(allChecks.map((c) => [c.meta.id, c.meta]));

export function metaOf(id: string): CheckMeta | undefined {
  return byId.get(id);
}

export function allMeta(): CheckMeta[] {
  return allChecks.map((c) => c.meta);
}
