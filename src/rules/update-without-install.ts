import type { Instruction, SimpleCommand } from "../dockerfile/model.js";
import { stagesOf } from "../dockerfile/query.js";
import { hasFlag, invocation } from "../shell/invocation.js";
import { systemPackageOp, type SystemManager } from "../shell/packages.js";
import { basename } from "../shell/parser.js";
import { pythonOp } from "../shell/python.js";
import { estimates } from "./lib/estimates.js";
import { fileEditable, instructionLines } from "./lib/moves.js";
import { defineCheck, type CheckContext, type Fix } from "./types.js";

/** Commands that cannot install system packages behind our back (unlike a script or `make`). */
const HARMLESS = new Set([
  "set", "export", "true", ":", "echo", "printf", "cd", "mkdir", "ln", "rm", "touch", "chmod", "chown", "sed", "tee",
  "cat", "ls", "test", "[", "curl", "wget", "gpg", "apt-key", "tar", "useradd", "groupadd", "adduser", "addgroup",
]);

const isUpdate = (cmd: SimpleCommand, manager: SystemManager) => {
  const op = systemPackageOp(cmd);
  return op?.manager === manager && op.action === "update";
};

/** Does anything after the update in the same RUN use the fresh index (or might, through a script)? */
function indexUsedLater(ins: Instruction, update: SimpleCommand, manager: SystemManager): boolean {
  for (const cmd of ins.shell?.commands ?? []) {
    if (cmd.span.start <= update.span.start) continue;
    const op = systemPackageOp(cmd);
    if (op) {
      if (op.manager === manager && (op.action === "install" || op.action === "upgrade" || op.action === "other")) return true;
      continue;
    }
    if (pythonOp(cmd)) continue;
    const tool = basename(invocation(cmd).tool);
    if (tool === "add-apt-repository" || !HARMLESS.has(tool)) return true;
  }
  return false;
}

function shellFormOnly(ins: Instruction): boolean {
  return ins.keyword === "RUN" && !ins.json && ins.heredocs.length === 0 && ins.shell !== undefined;
}

/**
 * Safe merge: the update RUN holds nothing but the update, and the next instruction is a RUN that starts by
 * installing with the same manager in an `&&` chain (so a failed update still fails the build).
 */
function mergeFix(ctx: CheckContext, ins: Instruction, update: SimpleCommand, manager: SystemManager): Fix | undefined {
  const { source } = ctx.file;
  const stage = ins.stage!;
  const next = stage.instructions.find((i) => i.index > ins.index);
  if (!next || !shellFormOnly(ins) || !shellFormOnly(next) || !fileEditable(ctx.file)) return undefined;
  if (ins.shell!.commands.length !== 1) return undefined;
  const top = next.shell!.commands.filter((c) => !c.nested);
  const first = top[0];
  const op = first && systemPackageOp(first);
  if (!op || op.manager !== manager || (op.action !== "install" && op.action !== "upgrade")) return undefined;
  if (top.slice(1).some((c) => c.separator !== "&&")) return undefined;
  // The update's mounts (a cache on the lists) must be the install's too.
  const flagsOf = (i: Instruction) => i.flags.map((f) => source.slice(f.span)).sort().join(" ");
  if (ins.flags.length > 0 && flagsOf(ins) !== flagsOf(next)) return undefined;
  const { start, end } = instructionLines(source, ins);
  const remove = { start, end, text: "" };
  // `apk add --no-cache` fetches a fresh index itself: the separate update is simply dropped.
  if (manager === "apk" && hasFlag(op.args, "--no-cache")) return { kind: "safe", description: "drop the separate apk update (apk add --no-cache fetches the index)", edits: [remove] };
  const updateText = source.slice(update.span);
  return {
    kind: "safe",
    description: `run ${updateText} in the same RUN as the install`,
    edits: [remove, { start: first.span.start, end: first.span.start, text: `${updateText} && ` }],
  };
}

export default defineCheck({
  meta: {
    id: "update-without-install",
    title: "Package index refreshed in a RUN of its own",
    category: "cache",
    severity: "warning",
    fix: "safe",
    docs:
      "`RUN apt-get update` on its own line is cached like any other layer. When a later RUN installs a new package, " +
      "Docker reuses the old update layer and the install resolves against a stale index: it fails with 404s once the " +
      "mirror has moved on, or silently installs outdated versions. The lone update also leaves its lists in that " +
      "layer (~19 MB for Debian bookworm, ~2.5 MB for Alpine) where no later cleanup can remove them. Run the update " +
      "in the same RUN as the install (`apt-get update && apt-get install -y ...`), or use `apk add --no-cache`, which " +
      "fetches the index itself. The safe fix merges the update into the install RUN that follows it.",
  },
  check(ctx) {
    for (const stage of stagesOf(ctx.file, "built")) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== "RUN") continue;
        for (const cmd of ins.shell?.commands ?? []) {
          const op = systemPackageOp(cmd);
          if (!op || op.action !== "update" || (op.manager !== "apt" && op.manager !== "apk")) continue;
          if (indexUsedLater(ins, cmd, op.manager)) continue;
          // Several updates in a row (apt-get update; apt-get update) are one finding.
          const earlier = (ins.shell?.commands ?? []).filter((c) => c.span.start < cmd.span.start);
          if (earlier.some((c) => isUpdate(c, op.manager))) continue;
          const label = `${op.inv.toolWord.text} ${op.verb!.text}`;
          ctx.report(
            { start: op.inv.toolWord.span.start, end: op.verb!.span.end },
            {
              message: `${label} runs without an install in the same RUN: a later install reuses this cached, aging index, and its lists stay in this layer`,
              impact: op.manager === "apt" ? estimates.aptLists() : estimates.apkCache(),
              fix: mergeFix(ctx, ins, cmd, op.manager),
            },
          );
        }
      }
    }
  },
});
