import type { Instruction, SimpleCommand } from "../../dockerfile/model.js";
import { homeOf, userAt, type RunCommand } from "../../dockerfile/query.js";
import { invocation } from "../../shell/invocation.js";

/** Paths an `rm` (or `find ... -delete`-free rm) command removes, as written. */
export function removedPaths(cmd: SimpleCommand): string[] {
  const inv = invocation(cmd);
  if (inv.tool !== "rm") return [];
  return inv.args.filter((w) => !w.text.startsWith("-") || w.text === "-").map((w) => w.text);
}

function expandHome(p: string, home: string): string {
  return p.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, home);
}

/**
 * Does removing `pattern` remove (the contents of) `dir`? True when the pattern is `dir`, `dir/`, `dir/*`,
 * `dir/**`, or a parent of it.
 */
export function removalCovers(pattern: string, dir: string, home = "/root"): boolean {
  const p = expandHome(pattern, home).replace(/\/+$/, "").replace(/\/\*+(\/\*+)*$/, "");
  const d = expandHome(dir, home).replace(/\/+$/, "");
  if (p === "" || p === "/") return pattern.startsWith("/");
  return d === p || d.startsWith(p + "/");
}

/** Does the same RUN remove `dir` after the given command (or anywhere, when `after` is undefined)? */
export function removedLater(ins: Instruction, dir: string, after?: SimpleCommand, home = "/root"): boolean {
  for (const c of ins.shell?.commands ?? []) {
    if (after && c.span.start <= after.span.start) continue;
    if (removedPaths(c).some((p) => removalCovers(p, dir, home))) return true;
  }
  return false;
}

/** The home directory RUN commands of this command's stage use. */
export function homeFor(rc: RunCommand): string {
  return homeOf(userAt(rc.stage, rc.ins));
}

/** Commands after `rc.cmd` in the same RUN. */
export function laterInRun(rc: RunCommand): SimpleCommand[] {
  return (rc.ins.shell?.commands ?? []).filter((c) => c.span.start > rc.cmd.span.start);
}
