import type { Stage } from "../dockerfile/model.js";
import { commandEnv, inheritedInstructions, type RunCommand } from "../dockerfile/query.js";
import { hasFlag, invocation, positionals } from "../shell/invocation.js";
import { pythonOp } from "../shell/python.js";
import { baseImageFacts } from "./lib/base-images.js";
import { removedPaths } from "./lib/cleanup.js";
import { estimates } from "./lib/estimates.js";
import { resolvePath, shippedEnvCopies } from "./lib/python-env.js";
import { defineCheck } from "./types.js";

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

function chainCommands(stage: Stage): RunCommand[] {
  return inheritedInstructions(stage).flatMap((ins) =>
    ins.keyword === "RUN" && ins.shell && ins.stage ? ins.shell.commands.map((cmd) => ({ ins, cmd, stage: ins.stage! })) : [],
  );
}

/**
 * Does the venv at `root` still hold pip when the builder is done? Created seeded (python -m venv, virtualenv, uv venv
 * --seed, Poetry or pipenv in-project), not emptied of pip afterwards. Undefined when no creation of it is visible.
 */
function pipLeft(builder: Stage, root: string): boolean | undefined {
  let seeded: boolean | undefined;
  for (const rc of chainCommands(builder)) {
    const inv = invocation(rc.cmd);
    const at = (p: string) => resolvePath(rc.stage, rc.ins, p) === root;
    const op = pythonOp(rc.cmd);
    if (inv.tool === "venv" || inv.tool === "virtualenv") {
      const dir = positionals(inv.args, new Set(["--prompt", "-p", "--python", "--activators", "--pip", "--setuptools"]))[0];
      if (dir && at(dir.text)) seeded = !hasFlag(inv.args, "--without-pip", "--no-pip", "--no-seed");
    } else if (op?.tool === "uv" && op.action === "venv") {
      if (at(op.targets[0]?.text ?? ".venv")) seeded = hasFlag(op.args, "--seed");
    } else if ((op?.tool === "poetry" && op.action === "install" && truthy(commandEnv(rc, "POETRY_VIRTUALENVS_IN_PROJECT"))) || (op?.tool === "pipenv" && truthy(commandEnv(rc, "PIPENV_VENV_IN_PROJECT")))) {
      if (at(".venv")) seeded = true;
    } else if ((op?.tool === "uv" && op.action === "sync") || (op?.tool === "pdm" && (op.action === "install" || op.action === "sync"))) {
      if (at(commandEnv(rc, "UV_PROJECT_ENVIRONMENT") ?? ".venv")) seeded ??= false;
    } else if (inv.tool === "ensurepip" && resolvePath(rc.stage, rc.ins, inv.command.words[0].text).startsWith(root + "/")) {
      seeded = true;
    } else if ((op?.tool === "pip" || op?.tool === "uv-pip") && op.action === "uninstall" && op.targets.some((t) => t.text === "pip")) {
      seeded = false;
    } else if (removedPaths(rc.cmd).some((p) => /site-packages\/pip\b/.test(p) && resolvePath(rc.stage, rc.ins, p).startsWith(root + "/"))) {
      seeded = false;
    }
  }
  return seeded;
}

export default defineCheck({
  meta: {
    id: "venv-pip-setuptools",
    title: "The runtime venv still carries pip and setuptools",
    category: "size",
    severity: "info",
    fix: "suggestion",
    docs:
      "A venv made with `python -m venv` or virtualenv gets pip (~13 MB) and, before Python 3.12, setuptools (~9 MB). " +
      "Copied from a builder into the final image they are never used at run time unless the image installs more " +
      "packages there, and pip is one more tool an attacker can use. End the builder with `<venv>/bin/python -m pip " +
      "uninstall -y pip setuptools`, or create the venv with --without-pip and install into it from outside " +
      "(`pip --python <venv>/bin/python install ...`, `uv pip install --python ...`; uv and PDM never seed pip). Silent " +
      "when the builder removed pip, when the venv's creation is not visible, and when the final image runs pip.",
  },
  check(ctx) {
    const shipped = ctx.file.stages.filter((s) => s.shipped);
    for (const copy of shippedEnvCopies(ctx.file)) {
      if (copy.kind !== "venv") continue;
      if (pipLeft(copy.from, copy.src) !== true) continue;
      // The final image installs into its environment later: pip is needed there.
      const runsPip = shipped.some((s) => s.instructions.some((ins) => ins.index > copy.ins.index && (ins.shell?.commands ?? []).some((c) => pythonOp(c)?.tool === "pip")));
      if (runsPip) continue;
      const version = baseImageFacts(copy.from.image).pythonVersion;
      const setuptools = version === undefined || Number(version.split(".")[1]) < 12;
      const what = setuptools ? "pip and setuptools" : "pip";
      ctx.report(copy.srcWord, {
        message: `the venv ${copy.src} from stage ${copy.from.name ?? copy.from.index} still holds ${what}, which the runtime never uses`,
        impact: estimates.pipSetuptools(setuptools),
        fix: { kind: "suggestion", description: `end the builder with \`${copy.src}/bin/python -m pip uninstall -y ${setuptools ? "pip setuptools" : "pip"}\`, or create the venv with --without-pip`, edits: [] },
        instruction: copy.ins,
      });
    }
  },
});
