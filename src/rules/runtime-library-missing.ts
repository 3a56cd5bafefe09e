import type { Stage } from "../dockerfile/model.js";
import { runCommands } from "../dockerfile/query.js";
import { systemPackageOp, type SystemManager } from "../shell/packages.js";
import { baseImageFacts } from "./lib/base-images.js";
import { insertLinesAfter } from "./lib/moves.js";
import { shippedEnvCopies, shippedWheelCopies } from "./lib/python-env.js";
import { baseShipsPackage, runtimePackagesFor } from "./lib/runtime-libs.js";
import { installRun } from "./lib/system-install.js";
import { defineCheck } from "./types.js";

function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.unshift(s);
  return out;
}

/** Packages installed with the system package manager in a stage and its FROM ancestors. */
function installed(stage: Stage): Array<{ pkg: string; manager: SystemManager }> {
  const out: Array<{ pkg: string; manager: SystemManager }> = [];
  for (const rc of chain(stage).flatMap(runCommands)) {
    const op = systemPackageOp(rc.cmd);
    if (op?.action === "install") for (const p of op.packages) out.push({ pkg: p.text.replace(/[=<>].*$/, ""), manager: op.manager });
  }
  return out;
}

const sameFamily = (a: SystemManager, b: SystemManager) => a === b || (["yum", "dnf", "microdnf"].includes(a) && ["yum", "dnf", "microdnf"].includes(b));

export default defineCheck({
  meta: {
    id: "runtime-library-missing",
    title: "runtime library of a compiled dependency missing in the final stage",
    category: "correctness",
    severity: "warning",
    fix: "suggestion",
    docs:
      "A builder stage that installs library headers (libpq-dev, libffi-dev, libjpeg-dev, libxml2-dev...) compiles " +
      "Python extensions that link against the matching shared library (libpq.so.5 for psycopg2, libxml2 for lxml). " +
      "When the final stage receives the builder's venv, site-packages or wheels but not the runtime package (libpq5, libxml2...), " +
      "the image builds and then fails at import time with `ImportError: libpq.so.5: cannot open shared object file`. " +
      "Install the runtime package, not the -dev one, in the final stage (a few hundred KB to a few MB, against tens of " +
      "MB for headers and compilers). The check knows what python:*-slim/-alpine, Debian, Ubuntu and Alpine ship (the " +
      "full python:* images carry these libraries already) and is silent for other bases.",
  },
  check(ctx) {
    const target = ctx.target;
    if (!target) return;
    const facts = baseImageFacts(target.image);
    const manager = facts.packageManager;
    if (!manager) return;
    const have = new Set(installed(target).map((i) => i.pkg));
    for (const copy of [...shippedEnvCopies(ctx.file), ...shippedWheelCopies(ctx.file)]) {
      const missing: string[] = [];
      const because: string[] = [];
      for (const { pkg, manager: m } of installed(copy.from)) {
        if (!sameFamily(m, manager) || have.has(pkg)) continue;
        for (const runtime of runtimePackagesFor(pkg, manager)) {
          if (have.has(runtime) || missing.includes(runtime) || baseShipsPackage(facts, runtime) !== false) continue;
          missing.push(runtime);
          if (!because.includes(pkg)) because.push(pkg);
        }
      }
      if (missing.length === 0) continue;
      ctx.report(copy.srcWord, {
        message: `${copy.src} was built against ${because.join(", ")}, but the final stage lacks the runtime librar${missing.length === 1 ? "y" : "ies"}: install ${missing.join(" ")}`,
        instruction: copy.ins,
        fix: { kind: "suggestion", description: `install ${missing.join(" ")} in the final stage`, edits: [insertLinesAfter(ctx.file.source, target.from, [installRun(manager, missing, ctx.file.escape)])] },
      });
      missing.forEach((m) => have.add(m));
    }
  },
});
