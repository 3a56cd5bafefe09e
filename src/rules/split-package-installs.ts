import type { Instruction } from "../dockerfile/model.js";
import { estimates } from "./lib/estimates.js";
import { mergeRuns } from "./lib/run-edit.js";
import { addsRepository, isRepositoryBootstrap, managerFamily, packageCommands, type PackageCommand } from "./lib/system-packages.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "split-package-installs",
    title: "System packages installed in several RUNs of one stage",
    category: "size",
    severity: "info",
    fix: "safe",
    docs:
      "Every RUN that installs system packages stores its own copy of the package manager's state: dpkg's status " +
      "database, debconf caches and logs (~2 MB per layer on Debian), the rpm database (~10 MB on UBI), and it repeats " +
      "the index download (`apt-get update`, 5-15 s). Install everything a stage needs in one RUN, cleaned up in the " +
      "same RUN. Not counted: a first install that only fetches what adding a package repository needs (curl, gnupg, " +
      "ca-certificates, software-properties-common...) followed by the repository itself, pip and other Python " +
      "installers, and stages that do not reach the final image. The fix merges adjacent RUNs with `&&` when both are " +
      "plain `&&` chains with the same RUN flags; otherwise it says which RUN to merge into.",
  },
  check(ctx) {
    for (const stage of ctx.file.stages.filter((s) => s.shipped)) {
      const byFamily = new Map<string, Map<Instruction, PackageCommand[]>>();
      for (const pc of packageCommands(stage)) {
        if (pc.op.action !== "install") continue;
        const family = managerFamily(pc.op.manager);
        const runs = byFamily.get(family) ?? new Map<Instruction, PackageCommand[]>();
        runs.set(pc.ins, [...(runs.get(pc.ins) ?? []), pc]);
        byFamily.set(family, runs);
      }
      for (const [family, runs] of byFamily) {
        const ordered = [...runs.entries()];
        const counted = ordered.filter(([ins, installs], i) => {
          if (!installs.every((pc) => isRepositoryBootstrap(pc.op))) return true;
          // Tools fetched to add a repository: fine on their own when a repository is added before the next install.
          const next = ordered[i + 1]?.[0];
          const between = stage.instructions.filter((x) => x.index >= ins.index && (next === undefined || x.index < next.index));
          return !between.some((x) => x.keyword === "RUN" && addsRepository(ctx.file, x));
        });
        for (let i = 1; i < counted.length; i++) {
          const [prev] = counted[i - 1];
          const [ins, installs] = counted[i];
          const first = installs[0];
          const adjacent = stage.instructions[stage.instructions.indexOf(ins) - 1] === prev;
          const edit = adjacent ? mergeRuns(ctx.file, prev, ins) : undefined;
          const tool = first.op.inv.tool;
          ctx.report({ start: first.op.inv.toolWord.span.start, end: first.op.verb!.span.end }, {
            message: `${tool} ${first.op.verb!.text} in another RUN of the same stage (line ${prev.line} installs too): install all packages in one RUN`,
            impact: estimates.splitInstall(family as "apt" | "apk" | "rpm" | "zypper"),
            fix: edit
              ? { kind: "safe", description: `merge into the RUN at line ${prev.line}`, edits: [edit] }
              : { kind: "suggestion", description: `move these packages into the RUN at line ${prev.line}`, edits: [] },
            instruction: ins,
          });
        }
      }
    }
  },
});
