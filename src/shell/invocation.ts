import { basename, type SimpleCommand, type Word } from "./parser.js";
import { perObject } from "../memo.js";

/** A command with wrappers peeled off: `sudo -E env X=1 python3.11 -m pip install` -> tool "pip", args ["install"]. */
export interface Invocation {
  tool: string;
  toolWord: Word;
  args: Word[];
  /** Environment set by the command prefix or an `env` wrapper. */
  env: Record<string, string>;
  command: SimpleCommand;
}

const WRAPPERS: Record<string, { flagsWithValue: Set<string> }> = {
  sudo: { flagsWithValue: new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"]) },
  env: { flagsWithValue: new Set(["-u", "-C", "-S"]) },
  nice: { flagsWithValue: new Set(["-n"]) },
  nohup: { flagsWithValue: new Set() },
  exec: { flagsWithValue: new Set(["-a"]) },
  command: { flagsWithValue: new Set() },
  time: { flagsWithValue: new Set(["-f", "-o"]) },
  xargs: { flagsWithValue: new Set(["-n", "-P", "-I", "-L", "-d", "-E", "-s", "-a"]) },
  gosu: { flagsWithValue: new Set() },
  "su-exec": { flagsWithValue: new Set() },
  timeout: { flagsWithValue: new Set(["-s", "-k"]) },
};

/** Normalises a program name: basename, version suffix dropped (pip3.11 -> pip, python3 -> python). */
export function normalizeTool(name: string): string {
  const b = basename(name);
  const m = /^(python|pip|pypy)(\d+(\.\d+)*)?$/.exec(b);
  if (m) return m[1];
  return b;
}

// Checks ask about the same commands again and again.
export const invocation: (cmd: SimpleCommand) => Invocation = perObject(peel);

function peel(cmd: SimpleCommand): Invocation {
  const env: Record<string, string> = {};
  for (const a of cmd.assignments) env[a.name] = a.value;
  let words = cmd.words;
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const tool = normalizeTool(words[0].text);
    const wrapper = WRAPPERS[tool];
    if (!wrapper) break;
    let i = 1;
    // gosu/su-exec take a user first
    if (tool === "gosu" || tool === "su-exec") i = 2;
    if (tool === "timeout") {
      while (i < words.length && words[i].text.startsWith("-")) i += wrapper.flagsWithValue.has(words[i].text) ? 2 : 1;
      i++; // the duration
    }
    while (i < words.length) {
      const t = words[i].text;
      if (tool === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) {
        const eq = t.indexOf("=");
        env[t.slice(0, eq)] = t.slice(eq + 1);
        i++;
      } else if (t.startsWith("-") && t !== "-") {
        i += wrapper.flagsWithValue.has(t) ? 2 : 1;
      } else break;
    }
    words = words.slice(i);
  }
  if (words.length === 0) return { tool: "", toolWord: cmd.words[0], args: [], env, command: cmd };
  let tool = normalizeTool(words[0].text);
  let toolWord = words[0];
  let args = words.slice(1);
  // python -m pip / python -m venv / python -m poetry
  if ((tool === "python" || tool === "pypy") && args.length >= 2) {
    let i = 0;
    while (i < args.length && args[i].text.startsWith("-") && args[i].text !== "-m" && args[i].text !== "-c") i++;
    if (args[i]?.text === "-m" && args[i + 1]) {
      tool = args[i + 1].text;
      toolWord = args[i + 1];
      args = args.slice(i + 2);
    }
  }
  // uv pip install -> pip-compatible interface of uv
  if (tool === "uv" && args[0]?.text === "pip") {
    tool = "uv-pip";
    args = args.slice(1);
  }
  return { tool, toolWord, args, env, command: cmd };
}

/**
 * Does the argument list carry a flag? Accepts long names (`--no-cache-dir`, also `--no-cache-dir=...`) and
 * single-letter names that may be bundled (`-y` matches `-qy`).
 */
export function hasFlag(args: Word[], ...names: string[]): boolean {
  return findFlag(args, ...names) !== undefined;
}

export function findFlag(args: Word[], ...names: string[]): Word | undefined {
  for (const w of args) {
    const t = w.text;
    if (t === "--") return undefined;
    for (const n of names) {
      if (n.startsWith("--")) {
        if (t === n || t.startsWith(n + "=")) return w;
      } else if (n.length === 2 && /^-[A-Za-z0-9]$/.test(n)) {
        if (/^-[A-Za-z0-9]+$/.test(t) && t.includes(n[1])) return w;
      } else if (t === n) {
        return w;
      }
    }
  }
  return undefined;
}

/** The value of `--name value`, `--name=value` or `-n value`. */
export function flagValue(args: Word[], ...names: string[]): { value: string; word: Word } | undefined {
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    for (const n of names) {
      if (t === n && args[i + 1]) return { value: args[i + 1].text, word: args[i + 1] };
      if (n.startsWith("--") && t.startsWith(n + "=")) return { value: t.slice(n.length + 1), word: args[i] };
    }
  }
  return undefined;
}

/** Arguments that are not flags, given which flags take a value. */
export function positionals(args: Word[], flagsWithValue: Set<string> = new Set()): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (t === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (t.startsWith("-") && t.length > 1) {
      if (flagsWithValue.has(t)) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}
