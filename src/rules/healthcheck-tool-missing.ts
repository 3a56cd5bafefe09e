import type { SimpleCommand, Stage } from "../dockerfile/model.js";
import { inheritedInstructions, runCommands } from "../dockerfile/query.js";
import { systemPackageOp } from "../shell/packages.js";
import { baseImageFacts, type BaseImageFacts } from "./lib/base-images.js";
import { pythonEnvCopies } from "./lib/python-env.js";
import { appInvocation, commandForm, formCommands } from "./lib/start.js";
import { scriptLocation, scriptsRunBy } from "./lib/start-script.js";
import { defineCheck, type Fix } from "./types.js";

function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.unshift(s);
  return out;
}

function installedPackages(stage: Stage): Set<string> {
  const out = new Set<string>();
  for (const rc of chain(stage).flatMap(runCommands)) {
    const op = systemPackageOp(rc.cmd);
    if (op?.action === "install") for (const p of op.packages) out.add(p.text.replace(/[=<>].*$/, ""));
  }
  return out;
}

/** Is the tool in the image: shipped by the base, installed, or copied in? */
function hasTool(stage: Stage, facts: BaseImageFacts, tool: "curl" | "wget"): boolean {
  if (tool === "curl" ? facts.hasCurl : facts.hasWget) return true;
  const packages = installedPackages(stage);
  if (packages.has(tool) || (tool === "wget" && packages.has("busybox"))) return true;
  return chain(stage).some((s) =>
    s.instructions.some((i) => (i.keyword === "COPY" || i.keyword === "ADD") && (i.json ?? i.args).some((w) => new RegExp(`(^|/)${tool}$`).test(w.text))),
  );
}

/** Does the final image have a Python interpreter to run the urllib probe? */
function hasPython(stage: Stage, facts: BaseImageFacts, packages: Set<string>, copiesEnv: boolean): boolean {
  if (["python", "lambda"].includes(facts.family)) return true;
  if (facts.family === "distroless" || facts.family === "chainguard") return /python/.test(chain(stage)[0].image.repository);
  return copiesEnv || [...packages].some((p) => /^python3(\.\d+)?$/.test(p));
}

function urlOf(cmd: SimpleCommand): string | undefined {
  const word = cmd.words.slice(1).find((w) => /^(https?:\/\/|localhost[:/]|127\.0\.0\.1[:/])/.test(w.text));
  if (!word || !word.literal || /['\\$]/.test(word.text)) return undefined;
  return /^https?:/.test(word.text) ? word.text : `http://${word.text}`;
}

export default defineCheck({
  meta: {
    id: "healthcheck-tool-missing",
    title: "HEALTHCHECK calls a tool the image does not have",
    category: "correctness",
    severity: "error",
    fix: "suggestion",
    docs:
      "A HEALTHCHECK that runs curl or wget in an image without them fails every time (exit 127, command not found): " +
      "Docker marks the container unhealthy, orchestrators that honour the status restart it in a loop or never route " +
      "traffic to it, and nothing in the build warns. python:*-slim and -alpine images ship no curl (Alpine has " +
      "BusyBox wget), distroless and Chainguard runtime images neither. Installing curl only for the probe adds a few MB " +
      "and a network tool to the attack surface; the image already has Python, so probe with urllib: " +
      "`HEALTHCHECK CMD [\"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/', " +
      "timeout=5)\"]` (it exits non-zero on connection errors and HTTP errors). Silent for base images whose contents " +
      "are not known. A HEALTHCHECK that runs a shell script from the build context or a heredoc is read too, and its " +
      "curl or wget counts the same way.",
  },
  check(ctx) {
    const stage = ctx.target;
    if (!stage) return;
    const hc = inheritedInstructions(stage).filter((i) => i.keyword === "HEALTHCHECK").at(-1);
    if (!hc || hc.args[0]?.text.toUpperCase() !== "CMD") return;
    const facts = baseImageFacts(stage.image);
    if (!facts.known || facts.family === "scratch") return;
    const form = commandForm(ctx.file, hc);
    if (!form) return;
    const direct = formCommands(form, true);
    const commands = direct.map((d) => d.cmd);
    for (const cmd of commands) {
      const inv = appInvocation(cmd);
      if (inv.tool !== "curl" && inv.tool !== "wget") continue;
      if (hasTool(stage, facts, inv.tool)) return;
      const packages = installedPackages(stage);
      const copiesEnv = chain(stage).some((s) => pythonEnvCopies(ctx.file, s).length > 0);
      const url = urlOf(cmd);
      const rest = commands.filter((c) => c !== cmd);
      let fix: Fix | undefined;
      if (url && hasPython(stage, facts, packages, copiesEnv) && commands[0] === cmd && rest.every((c) => c.name === "exit")) {
        const start = form.json ? ctx.file.source.text.lastIndexOf("[", form.json[0].span.start) : form.shellSpan!.start;
        const end = start + ctx.file.source.text.slice(start, hc.span.end).trimEnd().length;
        const probe = `import urllib.request; urllib.request.urlopen('${url}', timeout=5)`;
        fix = { kind: "suggestion", description: "probe with Python's urllib", edits: [{ start, end, text: `["python3", "-c", ${JSON.stringify(probe)}]` }] };
      }
      ctx.report(inv.toolWord, {
        message: `HEALTHCHECK runs ${inv.tool}, which ${chain(stage)[0].image.raw} does not ship and this Dockerfile never installs: the check always fails; probe with Python's urllib instead`,
        instruction: hc,
        fix,
      });
      return;
    }
    // A HEALTHCHECK that runs a script (`CMD ["/app/healthcheck.sh"]`): the script's own curl or wget.
    for (const script of scriptsRunBy(stage, ctx.project, direct)) {
      for (const sc of script.commands) {
        const inv = appInvocation(sc.cmd);
        if (inv.tool !== "curl" && inv.tool !== "wget") continue;
        if (hasTool(stage, facts, inv.tool)) return;
        ctx.report(script.word, {
          message: `HEALTHCHECK runs ${scriptLocation(sc)}: ${inv.tool} is not in the image (${chain(stage)[0].image.raw} does not ship it and this Dockerfile never installs it), so the check always fails; probe with Python's urllib instead`,
          instruction: hc,
        });
        return;
      }
    }
  },
});
