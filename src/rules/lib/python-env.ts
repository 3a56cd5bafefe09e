import type { DockerfileModel, Instruction, Stage, Word } from "../../dockerfile/model.js";
import { commandEnv, envAt, expandVars, flag, homeOf, inheritedInstructions, stageNamed, userAt, workdirAt, type RunCommand } from "../../dockerfile/query.js";
import { flagValue, hasFlag, invocation, positionals } from "../../shell/invocation.js";
import { perObject } from "../../memo.js";
import { pythonOp } from "../../shell/python.js";

/** Where a Python environment lives and what kind it is. */
export type EnvKind = "venv" | "user" | "prefix" | "site-packages" | "usr-local";

/** A COPY --from that brings a Python environment built in another stage. */
export interface EnvCopy {
  ins: Instruction;
  /** The stage the COPY is in. */
  stage: Stage;
  from: Stage;
  src: string;
  srcWord: Word;
  dest: string;
  destWord: Word;
  kind: EnvKind;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return "/" + parts.join("/");
}

/** A path as the stage sees it: variables expanded, ~ and relative paths resolved. */
export function resolvePath(stage: Stage, before: Instruction | undefined, path: string): string {
  let p = expandVars(stage, before, path);
  p = p.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, homeOf(userAt(stage, before)));
  return normalize(p.startsWith("/") ? p : `${workdirAt(stage, before) ?? "/"}/${p}`);
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

function runCommandsOfChain(stage: Stage): RunCommand[] {
  const out: RunCommand[] = [];
  for (const ins of inheritedInstructions(stage)) {
    if (ins.keyword !== "RUN" || !ins.shell || !ins.stage) continue;
    for (const cmd of ins.shell.commands) out.push({ ins, cmd, stage: ins.stage });
  }
  return out;
}

/** Virtual environments a stage (with its FROM ancestors) creates or declares. */
export function venvRoots(stage: Stage): string[] {
  const roots = new Set<string>();
  for (const rc of runCommandsOfChain(stage)) {
    const inv = invocation(rc.cmd);
    const at = (p: string) => roots.add(resolvePath(rc.stage, rc.ins, p));
    if (inv.tool === "venv" || inv.tool === "virtualenv") {
      const dir = positionals(inv.args, new Set(["--prompt", "-p", "--python", "--activators"]))[0];
      if (dir) at(dir.text);
      continue;
    }
    const op = pythonOp(rc.cmd);
    if (!op) continue;
    if (op.tool === "uv" && op.action === "venv") at(op.targets[0]?.text ?? ".venv");
    else if (op.tool === "uv" && op.action === "sync") at(commandEnv(rc, "UV_PROJECT_ENVIRONMENT") ?? ".venv");
    else if (op.tool === "poetry" && op.action === "install" && truthy(commandEnv(rc, "POETRY_VIRTUALENVS_IN_PROJECT"))) at(".venv");
    else if (op.tool === "pipenv" && truthy(commandEnv(rc, "PIPENV_VENV_IN_PROJECT"))) at(".venv");
    else if (op.tool === "pdm" && (op.action === "install" || op.action === "sync")) at(".venv");
  }
  const declared = envAt(stage, undefined, "VIRTUAL_ENV");
  if (declared) roots.add(resolvePath(stage, undefined, declared));
  return [...roots];
}

/** Directories pip installs into with --prefix, --target or --root in a stage (with its FROM ancestors). */
export function installPrefixes(stage: Stage): string[] {
  const out = new Set<string>();
  for (const rc of runCommandsOfChain(stage)) {
    const op = pythonOp(rc.cmd);
    if (!op || (op.tool !== "pip" && op.tool !== "uv-pip") || op.action !== "install") continue;
    const v = flagValue(op.args, "--prefix", "--target", "-t", "--root");
    if (v) out.add(resolvePath(rc.stage, rc.ins, v.value));
  }
  return [...out];
}

/** Does the stage install with `pip install --user`? */
export function userInstalls(stage: Stage): boolean {
  return runCommandsOfChain(stage).some((rc) => {
    const op = pythonOp(rc.cmd);
    return op?.tool === "pip" && op.action === "install" && hasFlag(op.args, "--user");
  });
}

function classify(from: Stage, src: string): EnvKind | undefined {
  if (venvRoots(from).includes(src) || /\/\.?venv$/.test(src)) return "venv";
  if (/\/\.local(\/|$)/.test(src)) return "user";
  if (/\/(site|dist)-packages(\/|$)/.test(src) || /^\/usr\/local\/lib\/python\d/.test(src)) return "site-packages";
  if (installPrefixes(from).includes(src)) return "prefix";
  if (src === "/usr/local") return "usr-local";
  return undefined;
}

/** COPY --from instructions of a stage (its own instructions only) that bring in a Python environment. */
export function pythonEnvCopies(file: DockerfileModel, stage: Stage): EnvCopy[] {
  const out: EnvCopy[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== "COPY") continue;
    const ref = flag(ins, "from")?.value;
    const from = ref ? stageNamed(file, ref) : undefined;
    if (!from || from.index >= stage.index) continue;
    const words = ins.json ?? ins.args;
    if (words.length < 2) continue;
    const destWord = words.at(-1)!;
    for (const srcWord of words.slice(0, -1)) {
      const src = resolvePath(from, undefined, srcWord.text);
      const kind = classify(from, src);
      if (!kind) continue;
      const dest = resolvePath(stage, ins, destWord.text);
      out.push({ ins, stage, from, src, srcWord, dest, destWord, kind });
    }
  }
  return out;
}

/** Environment copies into the target and its FROM ancestors: what the final image receives. */
export const shippedEnvCopies: (file: DockerfileModel) => EnvCopy[] = perObject((file) =>
  file.stages.filter((s) => s.shipped).flatMap((s) => pythonEnvCopies(file, s)),
);

/** A PATH entry with its offsets in the file. */
export interface PathEntry {
  entry: string;
  ins: Instruction;
  start: number;
  end: number;
}

/** PATH entries in effect at the end of a stage (ENV values only; `$PATH` keeps the earlier entries). */
export function pathEntries(file: DockerfileModel, stage: Stage): PathEntry[] {
  let entries: PathEntry[] = [];
  for (const ins of inheritedInstructions(stage)) {
    if (ins.keyword !== "ENV") continue;
    for (const p of ins.properties) {
      if (p.name !== "PATH" || !p.valueSpan) continue;
      let start = p.valueSpan.start;
      let raw = file.source.slice(p.valueSpan);
      if (/^["']/.test(raw)) {
        start++;
        raw = raw.slice(1, raw.endsWith(raw[0]) ? -1 : undefined);
      }
      const fresh: PathEntry[] = [];
      for (const entry of raw.split(":")) {
        fresh.push({ entry, ins, start, end: start + entry.length });
        start += entry.length + 1;
      }
      const isPath = (e: PathEntry) => /^\$\{?PATH\}?$/.test(e.entry);
      entries = fresh.some(isPath) ? [...fresh.filter((e) => !isPath(e)), ...entries] : fresh;
    }
  }
  return entries;
}

/** Wheel directories a stage fills with `pip wheel -w DIR` (with its FROM ancestors). */
export function wheelDirs(stage: Stage): string[] {
  const out = new Set<string>();
  for (const rc of runCommandsOfChain(stage)) {
    const op = pythonOp(rc.cmd);
    if (!op || (op.tool !== "pip" && op.tool !== "uv-pip") || op.action !== "wheel") continue;
    out.add(resolvePath(rc.stage, rc.ins, flagValue(op.args, "-w", "--wheel-dir")?.value ?? "."));
  }
  return [...out];
}

/** COPY --from instructions into shipped stages that bring wheels built in another stage. */
export function shippedWheelCopies(file: DockerfileModel): Array<Omit<EnvCopy, "kind">> {
  const out: Array<Omit<EnvCopy, "kind">> = [];
  for (const stage of file.stages.filter((s) => s.shipped)) {
    for (const ins of stage.instructions) {
      const ref = ins.keyword === "COPY" ? flag(ins, "from")?.value : undefined;
      const from = ref ? stageNamed(file, ref) : undefined;
      if (!from || from.index >= stage.index) continue;
      const words = ins.json ?? ins.args;
      const destWord = words.at(-1);
      if (!destWord || words.length < 2) continue;
      const dirs = wheelDirs(from);
      for (const srcWord of words.slice(0, -1)) {
        const src = resolvePath(from, undefined, srcWord.text);
        if (!dirs.some((d) => src === d || src.startsWith(`${d}/`))) continue;
        out.push({ ins, stage, from, src, srcWord, dest: resolvePath(stage, ins, destWord.text), destWord });
      }
    }
  }
  return out;
}
