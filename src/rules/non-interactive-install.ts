import { commandsIn, inheritedInstructions, type RunCommand } from "../dockerfile/query.js";
import { findFlag, flagValue, hasFlag } from "../shell/invocation.js";
import { systemPackageOp, type SystemPackageOp } from "../shell/packages.js";
import { defineCheck, type CheckContext } from "./types.js";

/** Does the command already answer the confirmation prompt? */
function confirms(op: SystemPackageOp): boolean {
  const a = op.args;
  switch (op.manager) {
    case "apt":
      // apt-get: quiet level 2 implies --yes
      return (
        hasFlag(a, "-y", "--yes", "--assume-yes") ||
        a.some((w) => /^-[a-zA-Z]*q[a-zA-Z]*q/.test(w.text) || /^(--quiet|-q)=([2-9])/.test(w.text) || /Assume-Yes/i.test(w.text))
      );
    case "yum":
    case "dnf":
      return hasFlag(a, "-y", "--assumeyes") || /assumeyes=(1|true|yes)/i.test(flagValue(a, "--setopt")?.value ?? "");
    case "zypper":
      return hasFlag(a, "-n", "--non-interactive", "-y", "--no-confirm");
    default:
      return true; // apk and microdnf never ask
  }
}

/** A `yes |` pipe, or a package manager configured earlier to assume yes. */
function answeredElsewhere(ctx: CheckContext, rc: RunCommand, op: SystemPackageOp): boolean {
  const cmds = rc.ins.shell?.commands ?? [];
  const i = cmds.indexOf(rc.cmd);
  if (rc.cmd.separator === "|" && cmds[i - 1]?.name === "yes") return true;
  const setting = op.manager === "apt" ? /Assume-Yes/i : op.manager === "zypper" ? /non-interactive|noconfirm/i : /assumeyes\s*=\s*(1|true|yes)/i;
  return inheritedInstructions(rc.stage, rc.ins).some((ins) => ins.keyword === "RUN" && setting.test(ctx.file.source.slice(ins.span)));
}

export default defineCheck({
  meta: {
    id: "non-interactive-install",
    title: "package install that waits for a confirmation",
    category: "correctness",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3014", "DL3030", "DL3038", "DL3034"],
    docs:
      "`apt-get install`, `yum`/`dnf install` and `zypper install` ask \"Do you want to continue?\" whenever they pull in " +
      "more than the packages named (dependencies, removals, upgrades). A build has no terminal: the prompt reads end of " +
      "file and the package manager aborts, so the build fails, or worse, works today and fails the day a dependency " +
      "is added. DEBIAN_FRONTEND=noninteractive does not answer this prompt (it only silences debconf questions). Pass " +
      "-y (apt-get -qq implies it; zypper also takes the global -n/--non-interactive). The fix inserts -y after the " +
      "subcommand. apk and microdnf never prompt.",
  },
  check(ctx) {
    for (const rc of commandsIn(ctx.file, "all")) {
      const op = systemPackageOp(rc.cmd);
      if (!op?.verb || !["install", "remove", "upgrade"].includes(op.action)) continue;
      if (confirms(op) || answeredElsewhere(ctx, rc, op)) continue;
      const exact = ctx.file.source.slice(op.verb.span) === op.verb.raw;
      ctx.report({ start: op.inv.toolWord.span.start, end: op.verb.span.end }, {
        message: `${op.inv.toolWord.text} ${op.verb.text} without -y stops at the confirmation prompt and aborts the build: add -y`,
        instruction: rc.ins,
        fix: exact && findFlag(op.args, "--") === undefined ? { kind: "safe", description: "add -y", edits: [{ start: op.verb.span.end, end: op.verb.span.end, text: " -y" }] } : undefined,
      });
    }
  },
});
