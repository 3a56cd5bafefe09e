import type { ImageRef, SimpleCommand, Stage } from "../dockerfile/model.js";
import { expandVars, inheritedInstructions } from "../dockerfile/query.js";
import { flagValue, hasFlag, invocation, positionals } from "../shell/invocation.js";
import { basename } from "../shell/parser.js";
import { baseImageFacts, type BaseImageFacts } from "./lib/base-images.js";
import { imageFileText } from "./lib/context-copy.js";
import { fileEditable, insertLinesAfter, insertLinesBefore } from "./lib/moves.js";
import { appInvocation, imageEnv, startCommands } from "./lib/start.js";
import { scriptCommands } from "./lib/start-script.js";
import { defineCheck, type CheckContext, type Fix } from "./types.js";

const isRoot = (user: string) => ["root", "0"].includes(user.split(":")[0]);

/** Programs that start a command as another user. */
const DROPPERS = new Set(["gosu", "su-exec", "setpriv", "runuser", "chpst", "s6-setuidgid", "setuidgid"]);
const PATH_DIRS = ["/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"];

/** The text of a file the final image holds; a bare name is looked up on PATH. */
function imageFile(ctx: CheckContext, stage: Stage, path: string): string | undefined {
  const candidates = path.includes("/") ? [path] : PATH_DIRS.map((d) => `${d}/${path}`);
  for (const candidate of candidates) {
    const text = imageFileText(stage, candidate, ctx.project);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Does the container visibly switch to another user when it starts? */
function dropsPrivileges(ctx: CheckContext, stage: Stage): boolean {
  for (const sc of startCommands(ctx.file, stage)) {
    if (switchesUser(sc.cmd)) return true;
    const inv = appInvocation(sc.cmd);
    const config = (...names: string[]) => {
      const f = flagValue(inv.args, ...names);
      return f ? imageFile(ctx, stage, f.value) : undefined;
    };
    if (inv.tool === "uwsgi") {
      if (hasFlag(inv.args, "--uid") || imageEnv(stage, "UWSGI_UID") !== undefined) return true;
      if (/^\s*uid\s*[=:]/m.test(config("--ini", "--yaml", "--yml") ?? "")) return true;
    }
    if (inv.tool === "gunicorn") {
      if (hasFlag(inv.args, "--user", "-u") || /--user\b|(^|\s)-u\b/.test(imageEnv(stage, "GUNICORN_CMD_ARGS") ?? "")) return true;
      const conf = config("-c", "--config") ?? imageFile(ctx, stage, "./gunicorn.conf.py");
      if (/^\s*user\s*=/m.test(conf ?? "")) return true;
    }
    if (inv.tool === "celery" && hasFlag(inv.args, "--uid")) return true;
  }
  // An entrypoint script that hands over to the server as another user (`exec gosu app "$@"`, the official images'
  // docker-entrypoint.sh pattern); a switch for a step before that (`gosu app manage.py migrate`) does not count.
  return scriptCommands(ctx.file, stage, ctx.project).some((c) => (c.exec || c.last) && switchesUser(c.cmd));
}

/** Does the command run its program as another user (gosu, su-exec, setpriv, runuser, su -c, sudo -u...)? */
function switchesUser(cmd: SimpleCommand): boolean {
  const words = cmd.words.map((w) => w.text);
  if (words.some((w) => DROPPERS.has(basename(w)))) return true;
  const first = words[0] === "exec" ? 1 : 0;
  if (words[first] && basename(words[first]) === "su" && words.includes("-c")) return true;
  return words[first] === "sudo" && words.includes("-u");
}

/** The external image at the root of a stage's FROM chain. */
function rootImage(stage: Stage): ImageRef {
  let s = stage;
  while (s.parent) s = s.parent;
  return s.image;
}

/** Non-root accounts the build creates or switches to, latest last. */
function knownUsers(stage: Stage): string[] {
  const out: string[] = [];
  for (const ins of inheritedInstructions(stage)) {
    if (ins.keyword === "USER" && ins.args[0] && !ins.args[0].text.includes("$") && !isRoot(ins.args[0].text)) out.push(ins.args[0].text);
    for (const cmd of ins.shell?.commands ?? []) {
      const inv = invocation(cmd);
      if (inv.tool !== "useradd" && inv.tool !== "adduser") continue;
      const name = positionals(inv.args, new Set(["-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home", "--home-dir", "-s", "--shell", "-h", "-c", "--comment", "--ingroup", "-k"])).at(-1);
      if (name && /^[a-z_][a-z0-9_-]*$/i.test(name.text) && !isRoot(name.text)) out.push(name.text);
    }
  }
  return out;
}

/** The lines that give the image an unprivileged user, for this base; undefined when we cannot say. */
function userLines(stage: Stage, facts: BaseImageFacts): string[] | undefined {
  const existing = knownUsers(stage).at(-1);
  if (existing) return [`USER ${existing}`];
  if (facts.family === "distroless" || facts.family === "chainguard") return ["USER nonroot"];
  if (facts.family === "scratch" || facts.packageManager === "microdnf") return ["USER 10001"];
  if (!facts.known) return undefined;
  if (facts.packageManager === "apk") return ["RUN adduser -D -u 10001 app", "USER app"];
  if (facts.packageManager) return ["RUN useradd --create-home --uid 10001 app", "USER app"];
  return undefined;
}

const METADATA = new Set(["CMD", "ENTRYPOINT", "EXPOSE", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "ENV", "ONBUILD"]);

function fixFor(ctx: CheckContext, stage: Stage, facts: BaseImageFacts): Fix {
  const description = "create an unprivileged user with a fixed uid and switch to it before the start command";
  const lines = userLines(stage, facts);
  if (!lines || !fileEditable(ctx.file)) return { kind: "suggestion", description, edits: [] };
  // After the last step that may need root, before the trailing metadata (CMD, ENTRYPOINT, EXPOSE...).
  const own = stage.instructions;
  let i = own.length;
  while (i > 0 && METADATA.has(own[i - 1].keyword)) i--;
  const edit = i < own.length ? insertLinesBefore(ctx.file.source, own[i], lines) : insertLinesAfter(ctx.file.source, own.at(-1) ?? stage.from, lines);
  return { kind: "suggestion", description: lines.length === 1 ? `${lines[0]} before the start command` : description, edits: [edit] };
}

export default defineCheck({
  meta: {
    id: "runs-as-root",
    title: "The container runs as root",
    category: "security",
    severity: "warning",
    fix: "suggestion",
    hadolint: ["DL3002"],
    productionOnly: true,
    docs:
      "Without a USER instruction (or with root as the last one) the application runs as uid 0. Inside a container that " +
      "is still root on the host's kernel: a bug in the app or a library becomes write access to everything in the " +
      "image, every mounted volume and secret, and the starting point of any container escape. Create an unprivileged " +
      "user with a fixed uid (`useradd --create-home --uid 10001 app`, `adduser -D -u 10001 app` on Alpine) and switch " +
      "to it before CMD, after the steps that need root; files copied earlier stay root-owned and readable, so grant " +
      "write access only where the app writes (COPY --chown). Not reported when privileges visibly drop at start " +
      "(gosu, su-exec, setpriv, runuser, chpst in CMD/ENTRYPOINT, or in the command a shell entrypoint script the build " +
      "copies in execs or ends with, such as `exec gosu app \"$@\"`; uWSGI " +
      "--uid or UWSGI_UID, gunicorn --user or a config that sets user, celery --uid), nor for bases that already run " +
      "as non-root (distroless :nonroot, Chainguard, AWS Lambda). When the base image is not one whittle knows, the " +
      "finding is informational: its default user is unknown.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    const facts = baseImageFacts(stage.image);
    const lastUser = [...inheritedInstructions(stage)].reverse().find((i) => i.keyword === "USER" && i.args[0]);
    if (lastUser) {
      const user = expandVars(lastUser.stage ?? stage, lastUser, lastUser.args[0].text);
      if (user.includes("$") || !isRoot(user)) return;
    } else if (facts.nonRootByDefault || facts.family === "lambda") return;
    if (dropsPrivileges(ctx, stage)) return;
    const fix = fixFor(ctx, stage, facts);
    if (lastUser) {
      ctx.report(lastUser, { message: `the last USER of the final stage is ${lastUser.args[0].text}: the application runs as root`, fix });
      return;
    }
    const base = rootImage(stage).expanded;
    if (!facts.known) {
      ctx.report(stage.from, {
        message: `the final stage sets no USER and the default user of ${base} is unknown: the application runs as root unless that image sets a user`,
        severity: "info",
        fix,
      });
      return;
    }
    ctx.report(stage.from, { message: `the final stage sets no USER and ${base} runs as root: so does the application`, fix });
  },
});
