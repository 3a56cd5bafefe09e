import { runCommands, stagesOf } from "../dockerfile/query.js";
import type { Stage } from "../dockerfile/model.js";
import { normalizeDistName } from "../project/context.js";
import { systemPackageOp } from "../shell/packages.js";
import { installsProject, isDependencyInstall, pythonOp, requirementFiles } from "../shell/python.js";
import { baseImageFacts } from "./lib/base-images.js";
import { defineCheck, type CheckContext } from "./types.js";

/** Distributions with C (or Rust) extensions whose musl wheels are missing or lag behind, or which link system libraries. */
const C_EXTENSIONS = new Set([
  "numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "pyarrow", "psycopg2", "psycopg2-binary", "psycopg", "mysqlclient",
  "cryptography", "lxml", "pillow", "grpcio", "uvloop", "orjson", "gevent", "pyzmq", "shapely", "h5py", "numba", "llvmlite",
  "python-ldap", "pycurl", "confluent-kafka", "xmlsec",
]);
const TOOLCHAIN = /^(build-base|gcc|g\+\+|clang|musl-dev|python3-dev|linux-headers|cargo|rust|gfortran|.+-dev)$/;

function distName(spec: string): string | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normalizeDistName(m[1]) : undefined;
}

/** Signs in a stage (and its FROM ancestors) that pip will compile extensions. */
function compileSigns(ctx: CheckContext, stage: Stage): { pip: boolean; signs: string[] } {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) chain.push(s);
  const signs = new Set<string>();
  let pip = false;
  for (const rc of chain.flatMap(runCommands)) {
    const sys = systemPackageOp(rc.cmd);
    if (sys?.manager === "apk" && sys.action === "install") {
      for (const p of sys.packages) if (TOOLCHAIN.test(p.text)) signs.add(p.text);
    }
    const op = pythonOp(rc.cmd);
    if (!op || op.tool === "conda" || op.tool === "pipx" || !isDependencyInstall(op)) continue;
    pip = true;
    for (const t of op.targets) {
      const name = distName(t.text);
      if (name && C_EXTENSIONS.has(name)) signs.add(name);
    }
    if (requirementFiles(op).length > 0 || installsProject(op)) {
      for (const dep of ctx.project.dependencies()) if (C_EXTENSIONS.has(dep)) signs.add(dep);
    }
  }
  return { pip, signs: [...signs] };
}

export default defineCheck({
  meta: {
    id: "alpine-python",
    title: "Alpine (musl) base for a Python app with compiled extensions",
    category: "runtime",
    severity: "warning",
    fix: "suggestion",
    docs:
      "Alpine uses musl libc. Many Python packages with C or Rust extensions publish no musllinux wheel, or publish it " +
      "late, so pip falls back to building them from source: the build needs a compiler and headers, takes minutes " +
      "instead of seconds (pandas, scipy or grpcio can take 10-30 min), and the image often ends up larger than a Debian " +
      "-slim one. The CPython that python:*-alpine ships is also built without the PGO/LTO-optimised glibc toolchain and " +
      "measurably slower on many workloads, and musl's allocator and DNS resolver behave differently under load. Prefer " +
      "python:<version>-slim (Debian), which installs manylinux wheels as they are. The check fires only when a stage " +
      "on Alpine installs Python dependencies and shows signs of compiling them: a toolchain (build-base, gcc, musl-dev, " +
      "*-dev headers) or well-known extension packages in the pip arguments or the project's manifests.",
  },
  check(ctx) {
    for (const stage of stagesOf(ctx.file, "built")) {
      if (stage.parent) continue; // reported on the stage that names the Alpine image
      if (baseImageFacts(stage.image).libc !== "musl") continue;
      const descendants = ctx.file.stages.filter((s) => {
        for (let p: Stage | undefined = s; p; p = p.parent) if (p === stage) return s.built;
        return false;
      });
      const found = descendants.map((s) => compileSigns(ctx, s));
      if (!found.some((f) => f.pip)) continue;
      const signs = [...new Set(found.flatMap((f) => f.signs))];
      if (signs.length === 0) continue;
      ctx.report(stage.image.span, {
        message: `${stage.image.raw} is musl-based and this build compiles Python extensions (${signs.slice(0, 4).join(", ")}${signs.length > 4 ? ", ..." : ""}): wheels may be missing and the interpreter is slower; prefer python:<version>-slim`,
        instruction: stage.from,
      });
    }
  },
});
