import type { Instruction, Stage } from "../dockerfile/model.js";
import { commandsIn, inheritedInstructions } from "../dockerfile/query.js";
import type { ProjectContext } from "../project/context.js";
import { flagValue, hasFlag } from "../shell/invocation.js";
import { systemPackageOp } from "../shell/packages.js";
import { estimates } from "./lib/estimates.js";
import { copyParts, fromContext } from "./lib/paths.js";
import { installedNames } from "./lib/system-packages.js";
import { defineCheck } from "./types.js";

const RECOMMENDS_OFF = /APT::Install-Recommends\s*(=\s*|\s+")?(false|0|no|off)\b/i;

/** Does this instruction turn recommends off in apt's configuration? */
function turnsOff(i: Instruction, project: ProjectContext, text: string): boolean {
  if (i.keyword === "RUN" || i.heredocs.length > 0) return RECOMMENDS_OFF.test(text.slice(i.span.start, i.span.end));
  const parts = copyParts(i);
  if (!parts || !/\/etc\/apt\/apt\.conf/.test(parts.dest.text)) return false;
  // A configuration file copied from the context: read it when we can, else trust it (silence over a guess).
  if (!fromContext(i, parts)) return true;
  return parts.sources.some((s) => {
    const content = project.read(s.text);
    return content === undefined || RECOMMENDS_OFF.test(content);
  });
}

export default defineCheck({
  meta: {
    id: "apt-recommends",
    title: "apt-get install pulls in recommended packages",
    category: "size",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3015"],
    docs:
      "By default apt installs every package a requested package merely recommends: documentation, optional helpers, " +
      "whole toolchains (installing python3-pip recommends build-essential and python3-dev, several hundred MB). A " +
      "container needs only the hard dependencies; on average the recommendations add ~15 MB per requested package. " +
      "Pass --no-install-recommends (or `-o APT::Install-Recommends=false`), then add back any recommended package the " +
      "image really uses by name. Silent when an earlier instruction of the stage configures apt to skip recommends, " +
      "and in stages that do not reach the final image.",
  },
  check(ctx) {
    const text = ctx.file.source.text;
    // Where each stage's chain first turns recommends off (the index of that instruction): one scan per stage, so
    // a long file is not rescanned for every install in it.
    const firstOff = new Map<Stage, number>();
    const offAt = (stage: Stage) => {
      let at = firstOff.get(stage);
      if (at === undefined) firstOff.set(stage, (at = inheritedInstructions(stage).find((i) => turnsOff(i, ctx.project, text))?.index ?? Infinity));
      return at;
    };
    for (const rc of commandsIn(ctx.file, "shipped")) {
      const op = systemPackageOp(rc.cmd);
      if (!op || op.manager !== "apt" || op.verb?.text !== "install") continue;
      if (op.inv.tool !== "apt-get" && op.inv.tool !== "apt") continue;
      if (hasFlag(op.args, "--no-install-recommends")) continue;
      if (op.args.some((w, i) => (w.text === "-o" || w.text === "--option") && RECOMMENDS_OFF.test(op.args[i + 1]?.text ?? ""))) continue;
      if (RECOMMENDS_OFF.test(flagValue(op.args, "--option")?.value ?? "")) continue;
      if (offAt(rc.stage) < rc.ins.index) continue;
      const verb = op.verb;
      ctx.report({ start: op.inv.toolWord.span.start, end: verb.span.end }, {
        message: `${op.inv.tool} install also installs recommended packages: add --no-install-recommends`,
        impact: estimates.recommends(installedNames(op).length),
        fix: { kind: "safe", description: "add --no-install-recommends", edits: [{ start: verb.span.end, end: verb.span.end, text: " --no-install-recommends" }] },
      });
    }
  },
});
