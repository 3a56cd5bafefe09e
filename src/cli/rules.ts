import type { Command } from "commander";
import { InputError } from "../errors.js";
import { rulesMarkdown, rulesText } from "../report/rules-table.js";
import { allChecks } from "../rules/all.js";

export function registerRules(program: Command): void {
  program
    .command("rules")
    .description("list every check with its category, severity and fix; `rules ID` explains one")
    .argument("[id]", "a check id")
    .option("-f, --format <format>", "text, markdown or json", "text")
    .action((id: string | undefined, options: { format: string }) => {
      const metas = allChecks.map((c) => c.meta);
      if (id) {
        const m = metas.find((x) => x.id === id);
        if (!m) throw new InputError(`no check named "${id}" (see \`whittle rules\`)`);
        if (options.format === "json") process.stdout.write(JSON.stringify(m, null, 2) + "\n");
        else process.stdout.write(`${m.id}: ${m.title}\ncategory: ${[m.category, ...(m.alsoCategories ?? [])].join(", ")}; severity: ${m.severity}; fix: ${m.fix}${m.hadolint?.length ? `; hadolint: ${m.hadolint.join(", ")}` : ""}\n\n${m.docs}\n`);
        return;
      }
      if (options.format === "json") process.stdout.write(JSON.stringify(metas, null, 2) + "\n");
      else if (options.format === "markdown") process.stdout.write(rulesMarkdown(metas) + "\n");
      else if (options.format === "text") process.stdout.write(rulesText(metas));
      else throw new InputError(`unknown format "${options.format}" (use text, markdown or json)`);
    });
}
