import { posix } from "node:path";
import type { DockerfileModel, Instruction, SimpleCommand, Stage } from "./model.js";
import { invocation } from "../shell/invocation.js";
import { perObject } from "../memo.js";

export interface RunCommand {
  ins: Instruction;
  cmd: SimpleCommand;
  stage: Stage;
}

/** Every simple command of every RUN in a stage, in order. */
export function runCommands(stage: Stage): RunCommand[] {
  const out: RunCommand[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== "RUN" || !ins.shell) continue;
    for (const cmd of ins.shell.commands) out.push({ ins, cmd, stage });
  }
  return out;
}

export type StageFilter = "shipped" | "built" | "all";

export function stagesOf(file: DockerfileModel, filter: StageFilter): Stage[] {
  return file.stages.filter((s) => filter === "all" || (filter === "shipped" ? s.shipped : s.built));
}

// Most checks start from the same lists of commands.
const commandLists = perObject((file: DockerfileModel) => ({
  shipped: stagesOf(file, "shipped").flatMap(runCommands),
  built: stagesOf(file, "built").flatMap(runCommands),
  all: stagesOf(file, "all").flatMap(runCommands),
}));

export function commandsIn(file: DockerfileModel, filter: StageFilter): readonly RunCommand[] {
  return commandLists(file)[filter];
}

// Asked for many times per file (ENV lookups, WORKDIR, USER): each stage's chain is put together once.
const chainOf = perObject((stage: Stage): readonly Instruction[] => (stage.parent ? [...chainOf(stage.parent), ...stage.instructions] : stage.instructions));

/** Instructions of a stage and its FROM ancestors, oldest first, that come before `before`. */
export function inheritedInstructions(stage: Stage, before?: Instruction): readonly Instruction[] {
  const chain = chainOf(stage);
  if (!before || before.stage !== stage) return chain;
  const own = stage.instructions.findIndex((ins) => ins.index >= before.index);
  return own < 0 ? chain : chain.slice(0, chain.length - stage.instructions.length + own);
}

/**
 * Where `before` cuts a stage's chain: instructions with a smaller index come before it. Ancestor stages come earlier
 * in the file, so the index alone decides; an instruction of another stage cuts nothing.
 */
function cutoff(stage: Stage, before: Instruction | undefined): number {
  return before && before.stage === stage ? before.index : Infinity;
}

/** The last entry of a list in file order that comes before the cut. */
function lastBefore<T extends { index: number }>(entries: readonly T[] | undefined, cut: number): T | undefined {
  if (!entries) return undefined;
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].index < cut) return entries[i];
  return undefined;
}

// Lookups of ENV, USER and WORKDIR come per RUN command: walking the chain each time is quadratic in a long file.
// Each stage's chain is indexed once: the assignments to each variable, the USER and the WORKDIR instructions.
const envIndex = perObject((stage: Stage): Map<string, Array<{ index: number; value: string }>> => {
  const out = new Map<string, Array<{ index: number; value: string }>>();
  for (const ins of chainOf(stage)) {
    if (ins.keyword !== "ENV" && ins.keyword !== "ARG") continue;
    for (const p of ins.properties) {
      // ARG without a default keeps what the name had.
      const value = ins.keyword === "ENV" ? (p.value ?? "") : p.value;
      if (value === null) continue;
      let list = out.get(p.name);
      if (!list) out.set(p.name, (list = []));
      list.push({ index: ins.index, value });
    }
  }
  return out;
});

/** The value of an ENV (or ARG with a default) visible at an instruction; undefined when unset. */
export function envAt(stage: Stage, before: Instruction | undefined, name: string): string | undefined {
  return lastBefore(envIndex(stage).get(name), cutoff(stage, before))?.value;
}

/** Environment a command sees: its own prefix, `export`s earlier in the same RUN, then ENV/ARG. */
export function commandEnv(rc: RunCommand, name: string): string | undefined {
  const inv = invocation(rc.cmd);
  if (name in inv.env) return inv.env[name];
  const exported = exportsOf(rc.ins).get(name);
  let value: string | undefined;
  if (exported) for (const e of exported) if (e.index < rc.cmd.span.start) value = e.value;
  return value ?? envAt(rc.stage, rc.ins, name);
}

// The `export NAME=value` commands of a RUN, by name (index: where the export starts), gathered once per RUN.
const exportsOf = perObject((ins: Instruction): Map<string, Array<{ index: number; value: string }>> => {
  const out = new Map<string, Array<{ index: number; value: string }>>();
  for (const other of ins.shell?.commands ?? []) {
    if (other.name !== "export") continue;
    for (const w of other.words.slice(1)) {
      const eq = w.text.indexOf("=");
      if (eq <= 0) continue;
      const name = w.text.slice(0, eq);
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push({ index: other.span.start, value: w.text.slice(eq + 1) });
    }
  }
  return out;
});

/** Expands $VAR and ${VAR} with the ENV/ARG values in scope; unknown variables stay as written. */
export function expandVars(stage: Stage, before: Instruction | undefined, text: string): string {
  return text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a, b) => envAt(stage, before, a ?? b) ?? m);
}

// The directory after each WORKDIR of the chain (undefined from the first one a variable hides).
const workdirIndex = perObject((stage: Stage): Array<{ index: number; dir: string | undefined }> => {
  const out: Array<{ index: number; dir: string | undefined }> = [];
  let dir: string | undefined = "/";
  for (const ins of chainOf(stage)) {
    if (ins.keyword !== "WORKDIR" || !ins.args[0]) continue;
    if (dir !== undefined) {
      const arg = expandVars(stage, ins, ins.args[0].text);
      dir = arg.includes("$") ? undefined : posix.resolve(dir, arg);
    }
    out.push({ index: ins.index, dir });
  }
  return out;
});

/** The working directory at an instruction (WORKDIR through the FROM chain); undefined when a variable hides it. */
export function workdirAt(stage: Stage, before?: Instruction): string | undefined {
  const last = lastBefore(workdirIndex(stage), cutoff(stage, before));
  return last ? last.dir : "/";
}

const userIndex = perObject((stage: Stage) => chainOf(stage).filter((ins) => ins.keyword === "USER" && ins.args[0]));

/** The user in effect at an instruction (USER through the FROM chain). */
export function userAt(stage: Stage, before?: Instruction): string {
  return lastBefore(userIndex(stage), cutoff(stage, before))?.args[0].text ?? "root";
}

export function homeOf(user: string): string {
  const name = user.split(":")[0];
  return name === "root" || name === "0" ? "/root" : `/home/${name}`;
}

function normalizePath(p: string, home: string): string {
  let out = p.replace(/^~(?=\/|$)/, home).replace(/^\$HOME(?=\/|$)/, home).replace(/^\$\{HOME\}(?=\/|$)/, home);
  out = out.replace(/\/+$/, "");
  return out === "" ? "/" : out;
}

/** Does a `RUN --mount=type=cache` of this instruction cover the path (or a parent of it)? */
export function cacheMountCovers(ins: Instruction, path: string, stage?: Stage): boolean {
  const home = homeOf(stage ? userAt(stage, ins) : "root");
  const want = normalizePath(path, home);
  return ins.mounts.some((m) => {
    if (m.type !== "cache" && m.type !== "tmpfs") return false;
    if (!m.target) return false;
    const t = normalizePath(m.target, home);
    return want === t || want.startsWith(t + "/") || t === "/";
  });
}

/** The stage COPY --from / RUN --mount=from names, if it is a stage of this file. */
export function stageNamed(file: DockerfileModel, ref: string): Stage | undefined {
  if (/^\d+$/.test(ref)) return file.stages[Number(ref)];
  return file.stages.find((s) => s.name?.toLowerCase() === ref.toLowerCase());
}

export function flag(ins: Instruction, name: string) {
  return ins.flags.find((f) => f.name === name);
}

/** The final CMD and ENTRYPOINT in effect for a stage (inherited through FROM <stage>). */
export function startCommand(stage: Stage): { cmd?: Instruction; entrypoint?: Instruction } {
  let cmd: Instruction | undefined;
  let entrypoint: Instruction | undefined;
  for (const ins of inheritedInstructions(stage)) {
    if (ins.keyword === "CMD") cmd = ins;
    else if (ins.keyword === "ENTRYPOINT") {
      entrypoint = ins;
      cmd = undefined; // ENTRYPOINT resets an inherited CMD
    }
  }
  return { cmd, entrypoint };
}
