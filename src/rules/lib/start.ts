import type { DockerfileModel, Instruction, SimpleCommand, Stage, Word } from "../../dockerfile/model.js";
import { logicalLine } from "../../dockerfile/parse.js";
import { inheritedInstructions, startCommand } from "../../dockerfile/query.js";
import { invocation, type Invocation } from "../../shell/invocation.js";
import { basename, parseShell, type ShellScript } from "../../shell/parser.js";
import { perObject, perObjectPair } from "../../memo.js";
import type { ProjectContext } from "../../project/context.js";

/** A CMD, ENTRYPOINT or HEALTHCHECK CMD body, in exec (JSON) or shell form. */
export interface CommandForm {
  ins: Instruction;
  /** Exec form: the JSON strings, spans exact. */
  json?: Word[];
  /** Shell form (or an exec-form `sh -c` script): the parsed program. */
  script?: ShellScript;
  /** Shell form: the span of the command text in the file. */
  shellSpan?: { start: number; end: number };
}

/** A command the container runs at start, with the instruction it came from. */
export interface StartCommand {
  cmd: SimpleCommand;
  ins: Instruction;
  /** The words are exec-form JSON strings (their spans cover the quotes). */
  exec: boolean;
}

/** sh, bash, dash, ash, zsh, by name or path. */
export const SHELLS = /(^|\/)(ba|da|a|z)?sh$/;

/** Is this exec-form argv a shell running a script (`["sh", "-c", "..."]`)? */
export function isShellWrapper(json: Word[]): boolean {
  return json.length >= 3 && SHELLS.test(json[0].text) && /^-[a-z]*c[a-z]*$/.test(json[1].text);
}

/**
 * Reads a JSON array of strings starting at `start` (the `[`), keeping each string's span. Returns undefined when the
 * text is not such an array: Docker then runs the whole text through the shell.
 */
export function scanJsonStrings(text: string, start: number, end: number): Word[] | undefined {
  const body = text.slice(start, end).trimEnd();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) return undefined;
  const words: Word[] = [];
  const re = /"(?:[^"\\]|\\.)*"/g;
  re.lastIndex = 0;
  const slice = text.slice(start, start + body.length);
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    words.push({ text: JSON.parse(m[0]) as string, raw: m[0], span: { start: start + m.index, end: start + m.index + m[0].length }, literal: true });
  }
  return words.length === parsed.length ? words : undefined;
}

/** Parses shell-form text of an instruction from `start` to the instruction's end. */
export function parseShellForm(file: DockerfileModel, start: number, end: number): ShellScript {
  const { text, map } = logicalLine(file.source.text, start, end, file.escape);
  return parseShell(text, map);
}

/** The command of a CMD or ENTRYPOINT (or of a HEALTHCHECK, after its `CMD` word). */
export function commandForm(file: DockerfileModel, ins: Instruction): CommandForm | undefined {
  return formOf(ins, file);
}

// Many checks look at the start command: its shell form is parsed once.
const formOf = perObjectPair(readCommandForm);

function readCommandForm(ins: Instruction, file: DockerfileModel): CommandForm | undefined {
  let start = ins.argsSpan?.start;
  if (ins.keyword === "HEALTHCHECK") {
    const cmdWord = ins.args[0];
    if (!cmdWord || cmdWord.text.toUpperCase() !== "CMD") return undefined;
    start = cmdWord.span.end;
    while (start < ins.span.end && /\s/.test(file.source.text[start])) start++;
  }
  if (start === undefined || start >= ins.span.end) return undefined;
  const json = ins.keyword === "HEALTHCHECK" ? scanJsonStrings(file.source.text, start, ins.span.end) : ins.json;
  if (json) {
    if (isShellWrapper(json)) {
      const script = json[2];
      const base = script.span.start + 1;
      return { ins, json, script: parseShell(script.text, (o) => Math.min(base + o, script.span.end - 1)) };
    }
    return { ins, json };
  }
  return { ins, script: parseShellForm(file, start, ins.span.end), shellSpan: { start, end: ins.span.end } };
}

function asCommand(words: Word[]): SimpleCommand {
  return { name: words[0].text, words, assignments: [], span: { start: words[0].span.start, end: words.at(-1)!.span.end }, separator: "start", nested: false };
}

/** The commands a start or health-check form runs (`exec`: whether exec-form words start the process directly). */
export function formCommands(form: CommandForm, exec: boolean): StartCommand[] {
  if (form.script) return form.script.commands.map((cmd) => ({ cmd, ins: form.ins, exec: false }));
  if (form.json && form.json.length > 0) return [{ cmd: asCommand(form.json), ins: form.ins, exec }];
  return [];
}

/**
 * What a stage runs when the container starts, as candidate commands: the ENTRYPOINT and CMD argv combined (exec
 * form), and each on its own, so a server named in CMD is seen behind an entrypoint script or init wrapper.
 */
export function startCommands(file: DockerfileModel, stage: Stage): StartCommand[] {
  return startOf(stage, file);
}

const startOf = perObjectPair(readStartCommands);

function readStartCommands(stage: Stage, file: DockerfileModel): StartCommand[] {
  const { cmd, entrypoint } = startCommand(stage);
  const ep = entrypoint ? commandForm(file, entrypoint) : undefined;
  const cm = cmd ? commandForm(file, cmd) : undefined;
  const out: StartCommand[] = [];
  if (ep?.json && !ep.script && cm?.json && !cm.script && ep.json.length > 0) {
    out.push({ cmd: asCommand([...ep.json, ...cm.json]), ins: entrypoint!, exec: true });
  } else if (ep) out.push(...formCommands(ep, true));
  // A shell-form ENTRYPOINT ignores CMD.
  if (cm && !(ep && !ep.json)) out.push(...formCommands(cm, true));
  return out;
}

/** The instructions whose start command is in effect (ENTRYPOINT and CMD), for reporting. */
export function startInstructions(stage: Stage): Instruction[] {
  const { cmd, entrypoint } = startCommand(stage);
  return [entrypoint, cmd].filter((i): i is Instruction => i !== undefined);
}

const INIT_WRAPPERS = new Set(["tini", "tini-static", "dumb-init", "catatonit"]);
/** Does an init process (tini, dumb-init) start the command and pass signals on? */
export function underInit(cmd: SimpleCommand): boolean {
  return INIT_WRAPPERS.has(invocation(cmd).tool);
}

const RUNNERS = new Set(["poetry", "uv", "pipenv", "pdm", "hatch", "rye"]);
const RUNNER_FLAGS_WITH_VALUE = new Set(["--with", "--python", "-p", "--project", "--directory", "--package", "--group", "--extra", "--env-file", "--env", "-e", "--index"]);

/**
 * Programs that run a command as another user and are not peeled by invocation() (gosu and su-exec are): their
 * options that take a value, and how many operands come before the command.
 */
const USER_SWITCHERS: Record<string, { withValue: Set<string>; operands: number }> = {
  setpriv: { withValue: new Set(["--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig", "--selinux-label", "--apparmor-profile"]), operands: 0 },
  runuser: { withValue: new Set(["-u", "-g", "-G", "-w", "--group", "--supp-group", "--whitelist-environment"]), operands: 0 },
  chpst: { withValue: new Set(["-u", "-U", "-e", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c", "-r", "-t", "-b"]), operands: 0 },
  "s6-setuidgid": { withValue: new Set(), operands: 1 },
};

/** The command after a user switcher's options and operands (`runuser -u app -- gunicorn` -> gunicorn). */
function afterUserSwitch(args: Word[], spec: { withValue: Set<string>; operands: number }): Word[] {
  let i = 0;
  while (i < args.length && args[i].text.startsWith("-")) {
    if (args[i].text === "--") {
      i++;
      break;
    }
    i += spec.withValue.has(args[i].text) ? 2 : 1;
  }
  return args.slice(i + spec.operands);
}

/** The command with process supervisors, user switchers and project runners peeled: `tini -- poetry run gunicorn app` -> gunicorn. */
export const appInvocation: (cmd: SimpleCommand) => Invocation = perObject(readAppInvocation);

function readAppInvocation(cmd: SimpleCommand): Invocation {
  let inv = invocation(cmd);
  for (let guard = 0; guard < 4; guard++) {
    let rest: Word[] | undefined;
    if (INIT_WRAPPERS.has(inv.tool)) {
      let i = 0;
      while (i < inv.args.length && inv.args[i].text.startsWith("-") && inv.args[i].text !== "--") i++;
      if (inv.args[i]?.text === "--") i++;
      rest = inv.args.slice(i);
    } else if (USER_SWITCHERS[inv.tool]) {
      rest = afterUserSwitch(inv.args, USER_SWITCHERS[inv.tool]);
    } else if (RUNNERS.has(inv.tool) && inv.args[0]?.text === "run") {
      let i = 1;
      while (i < inv.args.length && inv.args[i].text.startsWith("-")) {
        if (inv.args[i].text === "--") {
          i++;
          break;
        }
        i += RUNNER_FLAGS_WITH_VALUE.has(inv.args[i].text) ? 2 : 1;
      }
      rest = inv.args.slice(i);
    }
    if (!rest || rest.length === 0) break;
    const env = inv.env;
    inv = invocation(asCommand(rest));
    inv.env = { ...env, ...inv.env };
  }
  return inv;
}

/** Programs that run Python application code. */
const PYTHON_SERVERS = new Set([
  "gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress-serve", "uwsgi", "celery", "flask", "django-admin",
  "fastapi", "streamlit", "rq", "dramatiq", "huey_consumer", "arq", "faust", "airflow", "dagster", "dagster-webserver",
  "prefect", "panel", "bokeh", "mlflow", "scrapy", "jupyter", "jupyter-lab", "jupyter-notebook", "gradio", "chainlit",
]);

/** Console scripts the project declares in pyproject.toml. */
export function projectScripts(project: ProjectContext): Set<string> {
  const py = project.pyproject();
  const names = new Set<string>();
  const add = (table: unknown) => {
    if (table && typeof table === "object") for (const k of Object.keys(table)) names.add(k);
  };
  add((py?.project as Record<string, unknown> | undefined)?.scripts);
  add(((py?.tool as Record<string, unknown> | undefined)?.poetry as Record<string, unknown> | undefined)?.scripts);
  return names;
}

/** Is the interpreter given something to run (a script, `-m`, `-c`), rather than started bare as a REPL? */
function pythonRunsCode(inv: Invocation): boolean {
  return inv.args.some((a) => !a.text.startsWith("-") || a.text === "-m" || a.text === "-c" || /^-[A-Za-z]*[mc]$/.test(a.text));
}

/** Does this start command run Python application code? Returns the peeled invocation when it does. */
export function pythonApp(cmd: SimpleCommand, project: ProjectContext): Invocation | undefined {
  const inv = appInvocation(cmd);
  if (!inv.toolWord) return undefined;
  const word = inv.toolWord.text;
  if (inv.tool === "python" || inv.tool === "pypy") return pythonRunsCode(inv) ? inv : undefined;
  if (PYTHON_SERVERS.has(inv.tool)) return inv;
  // `python -m pkg`: invocation() names the module as the tool
  if (inv.command.words[inv.command.words.indexOf(inv.toolWord) - 1]?.text === "-m") return inv;
  if (/\.py$/.test(word)) return inv;
  if (/(^|\/)\.?venv[^/]*\/bin\/[^/]+$/.test(word) || /^\$\{?VIRTUAL_ENV\}?\/bin\//.test(word)) return inv;
  if (!word.includes("/") && projectScripts(project).has(basename(word))) return inv;
  return undefined;
}

/** The start commands of a stage that run Python code. */
export function pythonStartCommands(file: DockerfileModel, stage: Stage, project: ProjectContext): Array<StartCommand & { inv: Invocation }> {
  const out: Array<StartCommand & { inv: Invocation }> = [];
  for (const sc of startCommands(file, stage)) {
    const inv = pythonApp(sc.cmd, project);
    if (inv) out.push({ ...sc, inv });
  }
  return out;
}

/** The value an ENV instruction gives a variable in the image (ARG values do not reach the container). */
export function imageEnv(stage: Stage, name: string, before?: Instruction): string | undefined {
  let value: string | undefined;
  for (const ins of inheritedInstructions(stage, before)) {
    if (ins.keyword !== "ENV") continue;
    for (const p of ins.properties) if (p.name === name) value = p.value ?? "";
  }
  return value;
}

/** Does the interpreter get an option letter (`python -u app.py`, `python -Bu -m gunicorn`)? */
export function interpreterOption(cmd: SimpleCommand, letter: string): boolean {
  const words = appInvocation(cmd).command.words;
  const py = words.findIndex((w) => /^(python|pypy)(\d+(\.\d+)*)?$/.test(basename(w.text)));
  if (py < 0) return false;
  for (const w of words.slice(py + 1)) {
    if (!/^-[A-Za-z]+$/.test(w.text) || w.text === "-m" || w.text === "-c") break;
    if (w.text.includes(letter)) return true;
    if (/[mcWXQ]$/.test(w.text)) break;
  }
  return false;
}
