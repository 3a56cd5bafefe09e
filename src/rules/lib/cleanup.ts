import type { Instruction, SimpleCommand } from "../../dockerfile/model.js";
import { homeOf, userAt, type RunCommand } from "../../dockerfile/query.js";
import { perObject } from "../../memo.js";
import { invocation } from "../../shell/invocation.js";

/** `find` tests and actions that still remove everything under the starting points. */
const FIND_WHOLE = new Set(["-type", "-mindepth", "-maxdepth", "-delete", "-exec", "-execdir", "-xdev", "-mount", "-depth", "-print", "-ignore_readdir_race"]);

/**
 * Paths a command removes entirely, as written: the operands of `rm`, and the starting points of a `find` that deletes
 * (`-delete`, `-exec rm`) without narrowing by name or path.
 */
export function removedPaths(cmd: SimpleCommand): string[] {
  const inv = invocation(cmd);
  if (inv.tool === "rm") return inv.args.filter((w) => !w.text.startsWith("-") || w.text === "-").map((w) => w.text);
  if (inv.tool !== "find") return [];
  const first = inv.args.findIndex((w) => /^[-(!]/.test(w.text));
  const starts = (first < 0 ? inv.args : inv.args.slice(0, first)).map((w) => w.text);
  const expr = first < 0 ? [] : inv.args.slice(first).map((w) => w.text);
  const execIndex = expr.findIndex((t) => t === "-exec" || t === "-execdir");
  const deletes = expr.includes("-delete") || (execIndex >= 0 && /(^|\/)rm$/.test(expr[execIndex + 1] ?? ""));
  const tests = execIndex >= 0 ? expr.slice(0, execIndex) : expr;
  const narrowed = tests.some((t) => t.startsWith("-") && !FIND_WHOLE.has(t));
  return deletes && !narrowed ? starts : [];
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

const lastMatches = perObject((_ins: Instruction) => new Map<string, number>());

/**
 * Where the last command of a RUN that passes `test` starts (-1 when none). `key` names the test: each is run over a
 * RUN's commands once, as "does a later command of this RUN ..." is asked for every command, which is quadratic in a
 * RUN of thousands of commands.
 */
export function lastCommandStart(ins: Instruction, key: string, test: (c: SimpleCommand) => boolean): number {
  const memo = lastMatches(ins);
  let at = memo.get(key);
  if (at === undefined) {
    at = -1;
    for (const c of ins.shell?.commands ?? []) if (test(c)) at = c.span.start;
    memo.set(key, at);
  }
  return at;
}

/** Does the same RUN remove `dir` after the given command (or anywhere, when `after` is undefined)? */
export function removedLater(ins: Instruction, dir: string, after?: SimpleCommand, home = "/root"): boolean {
  const last = lastCommandStart(ins, `removes\n${dir}\n${home}`, (c) => removedPaths(c).some((p) => removalCovers(p, dir, home)));
  return last > (after?.span.start ?? -1);
}

/** The home directory RUN commands of this command's stage use. */
export function homeFor(rc: RunCommand): string {
  return homeOf(userAt(rc.stage, rc.ins));
}

/** Commands after `rc.cmd` in the same RUN. */
export function laterInRun(rc: RunCommand): SimpleCommand[] {
  return (rc.ins.shell?.commands ?? []).filter((c) => c.span.start > rc.cmd.span.start);
}
