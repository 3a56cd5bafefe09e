import type { SimpleCommand } from "../dockerfile/model.js";
import { commandsIn } from "../dockerfile/query.js";
import { invocation } from "../shell/invocation.js";
import { normalizeDistName } from "../project/context.js";
import { isDependencyInstall, pythonOp, requirementFiles } from "../shell/python.js";
import { removedPaths } from "./lib/cleanup.js";
import { estimates } from "./lib/estimates.js";
import { defineCheck } from "./types.js";

/** Distributions known to install large test suites inside the package (10-40 MB each). */
const HEAVY_TESTS = new Set([
  "numpy", "pandas", "scipy", "scikit-learn", "scikit-image", "matplotlib", "sympy", "networkx", "statsmodels", "astropy",
  "pyarrow", "numba", "xarray", "tensorflow", "torch", "pywavelets", "shapely", "geopandas", "h5py", "tables",
]);

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
      "is pure gain. Bytecode is a trade-off: precompiled .pyc files make the container start faster (no " +
      "compilation on first import, which a read-only or short-lived container would repeat every time), so keep " +
      "them unless size matters more than start-up. Reported once per file, at the first install into the final " +
      "image of a distribution known to carry a large test suite (named, or in the project's manifests); silent when " +
      "that RUN already trims tests or bytecode and when the target is a development stage.",
  },
  check(ctx) {
    const fromManifests = () => [...ctx.project.dependencies()].filter((d) => HEAVY_TESTS.has(d));
    for (const rc of commandsIn(ctx.file, "shipped")) {
      const op = pythonOp(rc.cmd);
      if (!op || op.tool === "conda" || op.tool === "pipx" || !isDependencyInstall(op)) continue;
      // Only where it pays: a named distribution, or one of the project's, known to ship a large test suite.
      const named = op.targets.map((t) => normalizeDistName(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(t.text)?.[0] ?? "")).filter((d) => HEAVY_TESTS.has(d));
      const heavy = named.length > 0 ? named : op.targets.length === 0 || requirementFiles(op).length > 0 ? fromManifests() : [];
      if (heavy.length === 0) continue;
      if ((rc.ins.shell?.commands ?? []).some(trims)) continue;
      ctx.report({ start: op.inv.toolWord.span.start, end: (op.verb ?? op.inv.toolWord).span.end }, {
        message: `${heavy.join(", ")} keep${heavy.length === 1 ? "s its" : " their"} tests/ directories in site-packages: remove them in the same RUN (find <site-packages> -depth -type d -name tests -exec rm -rf {} +); keep the .pyc files unless size matters more than start-up time`,
        impact: estimates.testsAndBytecode(),
        fix: { kind: "suggestion", description: "delete tests/ directories of installed packages in the install's RUN; keep precompiled bytecode for fast start-up", edits: [] },
        instruction: rc.ins,
      });
      return;
    }
  },
});
