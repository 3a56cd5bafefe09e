import type { CheckMeta } from "../rules/types.js";
import { byCodeUnit } from "../text/order.js";

const CATEGORY_ORDER = ["size", "cache", "security", "runtime", "correctness"];

function sorted(metas: CheckMeta[]): CheckMeta[] {
  return [...metas].sort(
    (a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || byCodeUnit(a.id, b.id),
  );
}

/** The README's table of checks, generated from the checks' own metadata. */
export function rulesMarkdown(metas: CheckMeta[]): string {
  const rows = sorted(metas).map((m) => {
    const categories = [m.category, ...(m.alsoCategories ?? [])].join(", ");
    const interop = [...(m.hadolint ?? []), ...(m.buildkit ?? [])].join(", ");
    return `| \`${m.id}\` | ${categories} | ${m.severity} | ${m.fix} | ${m.title.replace(/\|/g, "\\|")} | ${interop} |`;
  });
  return ["| check | category | severity | fix | what it finds | covers |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

export function rulesText(metas: CheckMeta[]): string {
  const width = Math.max(...metas.map((m) => m.id.length), 4);
  return (
    sorted(metas)
      .map((m) => `${m.id.padEnd(width)}  ${m.category.padEnd(11)} ${m.severity.padEnd(7)} ${m.fix.padEnd(10)} ${m.title}`)
      .join("\n") + "\n"
  );
}
