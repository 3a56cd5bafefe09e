import type { Stage } from "../dockerfile/model.js";
import { flag, runCommands } from "../dockerfile/query.js";
import { hasFlag } from "../shell/invocation.js";
import { pythonOp } from "../shell/python.js";
import { systemPackageOp } from "../shell/packages.js";
import { baseImageFacts } from "./lib/base-images.js";
import { shippedEnvCopies } from "./lib/python-env.js";
import { defineCheck } from "./types.js";

/** The Python a stage runs: version, installation prefix and libc, where the base image tells them. */
interface Interpreter {
  version?: string;
  prefix?: string;
  libc?: "glibc" | "musl";
  image: string;
}

const DISTRO_PYTHON: Record<string, Record<string, string>> = {
  debian: { bullseye: "3.9", "11": "3.9", bookworm: "3.11", "12": "3.11", trixie: "3.13", "13": "3.13" },
  ubuntu: { focal: "3.8", "20.04": "3.8", jammy: "3.10", "22.04": "3.10", noble: "3.12", "24.04": "3.12" },
  alpine: { "3.18": "3.11", "3.19": "3.11", "3.20": "3.12", "3.21": "3.12", "3.22": "3.12" },
};

function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.unshift(s);
  return out;
}

function installsDistroPython(stage: Stage): boolean {
  return chain(stage).flatMap(runCommands).some((rc) => {
    const op = systemPackageOp(rc.cmd);
    return op?.action === "install" && op.packages.some((p) => /^python3(\.\d+)?$/.test(p.text));
  });
}

function interpreterOf(stage: Stage): Interpreter | undefined {
  const root = chain(stage)[0].image;
  const facts = baseImageFacts(root);
  if (!facts.known || facts.family === "scratch") return undefined;
  const image = root.expanded;
  const tag = root.tag ?? "latest";
  switch (facts.family) {
    case "python":
      return { version: facts.pythonVersion, prefix: "/usr/local", libc: facts.libc, image };
    case "distroless": {
      const m = /python3(?:-debian(\d+))?$/.exec(root.repository);
      if (!m) return { libc: facts.libc, image };
      return { version: m[1] === "12" ? "3.11" : "3.9", prefix: "/usr", libc: "glibc", image };
    }
    case "chainguard":
      return /python/.test(root.repository) ? { version: /^(\d+\.\d+)/.exec(tag)?.[1], prefix: "/usr", libc: facts.libc, image } : { libc: facts.libc, image };
    case "lambda":
      return { version: facts.pythonVersion, prefix: "/var/lang", libc: facts.libc, image };
    case "debian":
    case "ubuntu":
    case "alpine": {
      if (!installsDistroPython(stage)) return { libc: facts.libc, image };
      const release = tag.replace(/-slim$/, "").replace(/^(\d+\.\d+)\.\d+$/, "$1").replace(/^(\d+)\.\d+$/, (m, major) => (facts.family === "debian" ? major : m));
      return { version: DISTRO_PYTHON[facts.family][release], prefix: "/usr", libc: facts.libc, image };
    }
    default:
      return { libc: facts.libc, image };
  }
}

/**
 * The platform a stage's FROM asks for: "build" for the machine running the build (`--platform=$BUILDPLATFORM`),
 * "target" for the platform being built (no flag, or `$TARGETPLATFORM`), else the literal value.
 */
function platformOf(stage: Stage): string {
  const chosen = chain(stage).map((s) => flag(s.from, "platform")?.value).filter((v): v is string => typeof v === "string").at(-1);
  if (chosen === undefined || /^\$\{?TARGETPLATFORM\}?$/.test(chosen)) return "target";
  return /^\$\{?BUILDPLATFORM\}?$/.test(chosen) ? "build" : chosen;
}

/** Installs that fetch for another platform on purpose (`pip install --platform`, `uv pip install --python-platform`). */
function installsForAnotherPlatform(stage: Stage): boolean {
  return chain(stage).flatMap(runCommands).some((rc) => {
    const op = pythonOp(rc.cmd);
    return op !== undefined && (hasFlag(op.args, "--platform") || hasFlag(op.args, "--python-platform"));
  });
}

/** Why the environment was built for another machine than the one it runs on, when the FROM lines say so. */
function platformProblem(from: Stage, to: Stage): string | undefined {
  const built = platformOf(from);
  const runs = platformOf(to);
  if (built === runs || installsForAnotherPlatform(from)) return undefined;
  if (built === "build" && runs === "target") {
    return "built on the build machine's platform (FROM --platform=$BUILDPLATFORM) and run on the target platform: in a cross-platform build (buildx --platform linux/arm64 on an amd64 host) its compiled extensions are for the wrong architecture";
  }
  // Two literal platforms: a fixed mismatch. A literal against build or target depends on the machine: unknown.
  return built !== "build" && built !== "target" && runs !== "build" && runs !== "target" ? `built for ${built}, run on ${runs}: its compiled extensions will not load` : undefined;
}

export default defineCheck({
  meta: {
    id: "interpreter-mismatch",
    title: "Python environment copied between stages with different interpreters",
    category: "correctness",
    severity: "error",
    fix: "none",
    docs:
      "A virtual environment, site-packages directory or pip --prefix/--user tree is tied to the interpreter that built " +
      "it: its lib/pythonX.Y directory is only on that minor version's path, compiled extensions target that version's " +
      "ABI and the builder's libc (glibc wheels do not load on musl/Alpine), and a venv's bin/python is a symlink to the " +
      "builder's interpreter (/usr/local/bin/python3.x in python:* images, /usr/bin/python3 in distroless, Chainguard and " +
      "distro images). Copied into a stage whose Python differs in any of these, the image builds but fails at start " +
      "with ModuleNotFoundError, an ImportError on a .so, or a missing interpreter. Build and run on the same base family " +
      "and minor version (python:3.12-slim for both, or the matching -dev/-debian image for distroless and Chainguard). " +
      "Reported only when both base images are known. The same holds for the CPU architecture: a builder stage on " +
      "`FROM --platform=$BUILDPLATFORM` (the usual trick to build fast without emulation) installs wheels for the " +
      "machine running the build, so a venv copied from it into a target-platform stage breaks in a cross-platform " +
      "build (warning; silent when the installs ask for another platform with pip's --platform or uv's --python-platform).",
  },
  check(ctx) {
    for (const copy of shippedEnvCopies(ctx.file)) {
      const platform = platformProblem(copy.from, copy.stage);
      if (platform) ctx.report(copy.srcWord, { message: `${copy.src} from stage ${copy.from.name ?? copy.from.index}: ${platform}`, severity: "warning", instruction: copy.ins });
      const built = interpreterOf(copy.from);
      const runs = interpreterOf(copy.stage);
      if (!built || !runs) continue;
      const problems: string[] = [];
      if (built.libc && runs.libc && built.libc !== runs.libc) problems.push(`built against ${built.libc}, run on ${runs.libc}: compiled extensions will not load`);
      if (built.version && runs.version && built.version !== runs.version) problems.push(`built with Python ${built.version}, run with ${runs.version}: lib/python${built.version} is not on the runtime's path`);
      const pathBound = copy.kind === "venv" || ((copy.kind === "usr-local" || copy.kind === "site-packages") && copy.dest.startsWith("/usr/local"));
      if (pathBound && built.prefix && runs.prefix && built.prefix !== runs.prefix) {
        problems.push(copy.kind === "venv" ? `the venv's python points to ${built.prefix}/bin, but the runtime's interpreter is in ${runs.prefix}/bin` : `the runtime's interpreter in ${runs.prefix}/bin does not look in ${copy.dest}`);
      }
      if (problems.length === 0) continue;
      ctx.report(copy.srcWord, {
        message: `${copy.src} from ${built.image} does not fit ${runs.image}: ${problems.join("; ")}`,
        instruction: copy.ins,
      });
    }
  },
});
