import type { SimpleCommand } from "../dockerfile/model.js";
import { commandsIn } from "../dockerfile/query.js";
import { invocation } from "../shell/invocation.js";
import { isDependencyInstall, pythonOp } from "../shell/python.js";
import { removedPaths } from "./lib/cleanup.js";
import { estimates } from "./lib/estimates.js";
import { defineCheck } from "./types.js";

const TRIMMED = /(^|\/)(tests?|__pycache__)(\/|$)|\*\.py[co]$|\.pyc$/;

/** Does the command delete test directories or bytecode (`find ... -name tests -exec rm`, `rm -rf .../tests`)? */
function trims(cmd: SimpleCommand): boolean {
  const inv = invocation(cmd);
  if (inv.tool === "find") {
    const deletes = inv.args.some((w) => w.text === "-delete" || w.text === "-exec" || w.text === "-execdir");
    return deletes && inv.args.some((w, i) => /^-i?(name|path|regex)$/.test(inv.args[i - 1]?.text ?? "") && /tests?|__pycache__|pyc/.test(w.text));
  }
  return removedPaths(cmd).some((p) => TRIMMED.test(p));
}

export default defineCheck({
  meta: {
    id: "bytecode-and-tests",
    title: "Installed packages ship their test suites and bytecode",
    category: "size",
    severity: "info",
    fix: "suggestion",
    productionOnly: true,
    docs:
      "pip and its peers install each distribution whole: many ship their test suites inside the package " +
      "(numpy, pandas, scipy carry 10-40 MB of tests/ each), and pip compiles .pyc files for everything it installs " +
      "(about a quarter more on pure-Python packages). Removing tests/ directories in the same RUN as the install " +
      "is pure gain. Bytecode is a trade-off: precompiled .pyc files make the container start faster (no compilation " +
      "on first import, which a read-only or short-lived container would repeat every time), so keep them unless " +
      "size matters more than start-up. Reported once per file, at the first install into the final image, and " +
      "silent when that RUN already trims tests or bytecode or when the target is a development stage.",
  },
  check(ctx) {
    for (const rc of commandsIn(ctx.file, "shipped")) {
      const op = pythonOp(rc.cmd);
      if (!op || op.tool === "conda" || op.tool === "pipx" || !isDependencyInstall(op)) continue;
      if ((rc.ins.shell?.commands ?? []).some(trims)) continue;
      ctx.report({ start: op.inv.toolWord.span.start, end: (op.verb ?? op.inv.toolWord).span.end }, {
        message:
          "installed packages keep their tests/ directories in site-packages: remove them in the same RUN (find <site-packages> -depth -type d -name tests -exec rm -rf {} +); keep the .pyc files unless size matters more than start-up time",
        impact: estimates.testsAndBytecode(),
        fix: { kind: "suggestion", description: "delete tests/ directories of installed packages in the install's RUN; keep precompiled bytecode for fast start-up", edits: [] },
        instruction: rc.ins,
      });
      return;
    }
  },
});
