import { posix } from "node:path";
import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../../dockerfile/model.js";
import { workdirAt } from "../../dockerfile/query.js";
import { perObjectPair } from "../../memo.js";
import type { ProjectContext } from "../../project/context.js";
import type { Invocation } from "../../shell/invocation.js";
import { basename, parseShell } from "../../shell/parser.js";
import { SourceText } from "../../text/source.js";
import type { TextEdit } from "../types.js";
import { contextFileAt } from "./context-copy.js";
import { appInvocation, imageEnv, interpreterOption, pythonApp, pythonStartCommands, SHELLS, startCommands, type StartCommand } from "./start.js";

/** A shell script the container runs at start (`ENTRYPOINT ["docker-entrypoint.sh"]`, `CMD ["sh", "start.sh"]`). */
export interface StartScript {
  /** The Dockerfile start command that runs the script. */
  via: StartCommand;
  /** The Dockerfile word that names the script: findings about the script's commands are reported there. */
  word: Word;
  /** Where the image holds the script. */
  path: string;
  /** A context file (`context`), or a heredoc of the Dockerfile whose body starts at `offset`. */
  origin: { context: string } | { offset: number };
  /** The script's text, for line numbers. */
  source: SourceText;
  commands: ScriptCommand[];
}

/** A command of a start script, spans in the script's text. */
export interface ScriptCommand {
  script: StartScript;
  cmd: SimpleCommand;
  /** Replaces the shell (`exec gunicorn ...`). */
  exec: boolean;
  /** The last command of the script. */
  last: boolean;
  /** Runs only under a condition: after && or ||, or inside if/case/while/until/for. */
  conditional: boolean;
}

/** Larger files are not read as start scripts: entrypoints are short, and lint time must stay small. */
const MAX_SCRIPT = 256 * 1024;
const SHELL_SHEBANG = /^#!\s*\S*?(\/env\s+(-\S+\s+)*)?\/?\b(ba|da|a|z)?sh\b/;
const DEFAULT_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** The shell scripts a stage's start commands run (one level: scripts that those scripts run are not followed). */
export function startScripts(file: DockerfileModel, stage: Stage, project: ProjectContext): StartScript[] {
  const cell = cellOf(stage, file);
  if (cell.project !== project) {
    cell.scripts = readStartScripts(file, stage, project);
    cell.project = project;
  }
  return cell.scripts;
}

// Several checks ask for the same stage's scripts in one lint. The answer depends on three objects; perObjectPair
// keeps the stage and file, and the cell keeps the answer for the last build context it was asked with.
const cellOf = perObjectPair((_stage: Stage, _file: DockerfileModel): { project?: ProjectContext; scripts: StartScript[] } => ({ scripts: [] }));

function readStartScripts(file: DockerfileModel, stage: Stage, project: ProjectContext): StartScript[] {
  return scriptsRunBy(stage, project, startCommands(file, stage));
}

/** The shell scripts these commands of a stage run (a HEALTHCHECK's, say), read as start scripts are. */
export function scriptsRunBy(stage: Stage, project: ProjectContext, commands: StartCommand[]): StartScript[] {
  const out: StartScript[] = [];
  const seen = new Set<string>();
  for (const via of commands) {
    const named = scriptWord(via, project);
    if (!named) continue;
    for (const path of candidates(stage, named.word.text, named.viaShell)) {
      const found = contextFileAt(stage, undefined, path, project);
      if (!found) continue;
      if (!seen.has(path)) {
        seen.add(path);
        const script = "heredoc" in found
          ? readScript(via, named, path, found.heredoc, { offset: found.ins.heredocs[0].contentSpan?.start ?? -1 })
          : readScript(via, named, path, project.read(found.path), { context: found.path });
        if (script) out.push(script);
      }
      break;
    }
  }
  return out;
}

/** The word naming a script: the command itself, or the operand of `sh`/`bash` (not `sh -c`, whose text is parsed already). */
function scriptWord(via: StartCommand, project: ProjectContext): { word: Word; viaShell: boolean } | undefined {
  const inv = appInvocation(via.cmd);
  if (!inv.toolWord || pythonApp(via.cmd, project)) return undefined;
  let word: Word | undefined = inv.toolWord;
  const viaShell = SHELLS.test(inv.tool);
  if (viaShell) {
    let i = 0;
    for (; i < inv.args.length && /^[-+]/.test(inv.args[i].text); i++) {
      const opt = inv.args[i].text;
      if (opt.includes("c") && !opt.startsWith("--")) return undefined;
      if (opt === "-o" || opt === "+o") i++;
    }
    word = inv.args[i];
  }
  // A script named through a variable is not followed: its value is a guess.
  if (!word || !word.literal || word.text === "" || /[$`*?[]/.test(word.text)) return undefined;
  return { word, viaShell };
}

/** Where the script may be: a path against WORKDIR; a bare name on PATH (and, for `sh name`, in WORKDIR first). */
function candidates(stage: Stage, name: string, viaShell: boolean): string[] {
  const workdir = workdirAt(stage) ?? "/";
  if (name.includes("/")) return [posix.resolve(workdir, name)];
  const path = (imageEnv(stage, "PATH") ?? "").split(":").filter((d) => d.startsWith("/") && !d.includes("$"));
  const dirs = [...new Set([...path, ...DEFAULT_PATH])];
  return [...(viaShell ? [workdir] : []), ...dirs].map((d) => posix.join(d, name));
}

function readScript(
  via: StartCommand,
  named: { word: Word; viaShell: boolean },
  path: string,
  text: string | undefined,
  origin: StartScript["origin"],
): StartScript | undefined {
  if (text === undefined || text.length > MAX_SCRIPT || text.includes("\0")) return undefined;
  const shebang = text.startsWith("#!") ? text.split("\n", 1)[0] : undefined;
  if (shebang ? !SHELL_SHEBANG.test(shebang) : !named.viaShell && !path.endsWith(".sh")) return undefined;
  const parsed = parseShell(text, (o) => o);
  if (parsed.errors.length > 0) return undefined;
  const script: StartScript = { via, word: named.word, path, origin, source: new SourceText(basename(path), text), commands: [] };
  const top = parsed.commands.filter((c) => !c.nested);
  const conditional = conditions(text, top);
  script.commands = top.map((cmd, i) => ({ script, cmd, exec: cmd.name === "exec", last: i === top.length - 1, conditional: conditional[i] }));
  return script;
}

/** if/case/loop keywords at the start of a statement; heredoc prose and quoted text rarely put them there. */
const BLOCK = /(?:^|[\n;&|(){}]|\b(?:then|do|else|elif)\b)\s*(if|case|while|until|for|fi|esac|done)\b/g;

const TESTS = new Set(["test", "[", "[["]);

/**
 * Which commands run only under a condition: inside if/case/while/until/for blocks (read from the text between
 * commands), after `||`, or after `&&` that follows a test (`[ -n "$DEBUG" ] && exec ...`; the parser keeps no
 * command for `[ ]`, so its bracket shows in the text between). `migrate && exec gunicorn` is not conditional.
 */
function conditions(text: string, commands: SimpleCommand[]): boolean[] {
  let depth = 0;
  return commands.map((cmd, i) => {
    const before = commands[i - 1];
    const gap = text.slice(before?.span.end ?? 0, cmd.span.start);
    for (const m of gap.matchAll(BLOCK)) depth = Math.max(0, depth + (["fi", "esac", "done"].includes(m[1]) ? -1 : 1));
    if (depth > 0 || cmd.separator === "||") return true;
    return cmd.separator === "&&" && (gap.includes("[") || !before || TESTS.has(before.name));
  });
}

/** `entrypoint.sh line 12 (gunicorn --reload app:app)`: where a script command is, for a finding's message. */
export function scriptLocation(sc: ScriptCommand): string {
  const { source } = sc.script;
  const text = source.slice(sc.cmd.span).replace(/\\\r?\n\s*/g, " ").replace(/\s+/g, " ");
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${source.path} line ${source.positionAt(sc.cmd.span.start).line} (${shown})`;
}

/** An edit of the script's text, in the context file or in the Dockerfile heredoc that holds it. */
export function scriptEdit(script: StartScript, start: number, end: number, text: string): TextEdit | undefined {
  if ("context" in script.origin) return { start, end, text, path: script.origin.context };
  return script.origin.offset < 0 ? undefined : { start: script.origin.offset + start, end: script.origin.offset + end, text };
}

/** Every command of every start script of the stage. */
export function scriptCommands(file: DockerfileModel, stage: Stage, project: ProjectContext): ScriptCommand[] {
  return startScripts(file, stage, project).flatMap((s) => s.commands);
}

/** A Python app the container starts, from the Dockerfile's start command or from a start script it runs. */
export interface PythonStart {
  inv: Invocation;
  ins: Instruction;
  /** Where a finding about it goes: the app's word in the Dockerfile, or the word naming the script. */
  word: Word;
  /** How a message names it: `gunicorn`, or `start.sh line 4 (exec gunicorn app:app): gunicorn`. */
  label: string;
  /** Does it run with this variable set (on its command line, or exported by its script)? */
  sets(name: string): boolean;
  /** Does its interpreter get this option letter (`python -u`)? */
  option(letter: string): boolean;
}

/**
 * The Python apps a stage starts: those of the Dockerfile's start command, else those its start scripts run (the
 * exec-ed or last command first: what runs after the set-up steps is the app).
 */
export function pythonStarts(file: DockerfileModel, stage: Stage, project: ProjectContext): PythonStart[] {
  const direct = pythonStartCommands(file, stage, project);
  if (direct.length > 0) {
    return direct.map((a) => ({ inv: a.inv, ins: a.ins, word: a.inv.toolWord, label: a.inv.tool, sets: (n) => Boolean(a.inv.env[n]), option: (l) => interpreterOption(a.cmd, l) }));
  }
  const out: PythonStart[] = [];
  for (const sc of scriptCommands(file, stage, project)) {
    const inv = pythonApp(sc.cmd, project);
    if (!inv) continue;
    const start: PythonStart = {
      inv,
      ins: sc.script.via.ins,
      word: sc.script.word,
      label: `${scriptLocation(sc)}: ${inv.tool}`,
      sets: (n) => Boolean(inv.env[n]) || exports(sc.script, n),
      option: (l) => interpreterOption(sc.cmd, l),
    };
    if (sc.exec || sc.last) out.unshift(start);
    else out.push(start);
  }
  return out;
}

/** Does the script export a non-empty value for the variable (`export NAME=1`, `NAME=1` on a line of its own)? */
function exports(script: StartScript, name: string): boolean {
  return new RegExp(`^\\s*(?:export\\s+)?${name}=(?!["']?(?:["']|\\s|$))`, "m").test(script.source.text);
}
