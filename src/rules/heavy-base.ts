import type { DockerfileModel, Stage } from "../dockerfile/model.js";
import { runCommands } from "../dockerfile/query.js";
import { multiStageRewrite } from "../fix/multistage.js";
import { invocation } from "../shell/invocation.js";
import { pythonOp } from "../shell/python.js";
import { baseImageFacts } from "./lib/base-images.js";
import { estimates } from "./lib/estimates.js";
import { FULL_IMAGE_TOOLS, slimTagEdit } from "./lib/python-images.js";
import { startInstructions } from "./lib/start.js";
import { installedNames, packageCommands, removedInSameRun, toolchainKind } from "./lib/system-packages.js";
import { defineCheck, type Category, type Fix } from "./types.js";

/** The stage whose FROM names an image rather than another stage. */
function rootOf(stage: Stage): Stage {
  let s = stage;
  while (s.parent) s = s.parent;
  return s;
}

/** Full-image programs the shipped stages run without installing them. */
function toolsUsed(file: DockerfileModel): string[] {
  const shipped = file.stages.filter((s) => s.shipped);
  const installed = new Set(shipped.flatMap((s) => packageCommands(s).flatMap((pc) => installedNames(pc.op))));
  const used = new Set<string>();
  const need = (tool: string) => {
    if (FULL_IMAGE_TOOLS.has(tool) && !installed.has(tool === "cc" || tool === "c++" ? "gcc" : tool)) used.add(tool);
  };
  for (const s of shipped) {
    for (const rc of runCommands(s)) need(invocation(rc.cmd).tool);
    // The container itself may call them: a HEALTHCHECK with curl, a start script with git.
    for (const ins of s.instructions) {
      if (ins.keyword !== "HEALTHCHECK" && ins.keyword !== "CMD" && ins.keyword !== "ENTRYPOINT") continue;
      for (const m of file.source.slice(ins.span).matchAll(/[\w+-]+/g)) need(m[0]);
    }
  }
  return [...used];
}

/** Do other built stages (builders that never ship) start from the same root stage? Then they may need its tools. */
function sharedWithBuilders(file: DockerfileModel, root: Stage): Stage[] {
  return file.stages.filter((s) => s.built && !s.shipped && rootOf(s) === root);
}

function usesConda(file: DockerfileModel): boolean {
  const target = file.target!;
  if (startInstructions(target).some((i) => /\b(conda|mamba|micromamba)\b/.test(file.source.slice(i.span)))) return true;
  return file.stages.filter((s) => s.shipped).some((s) => runCommands(s).some((rc) => pythonOp(rc.cmd)?.tool === "conda"));
}

/** A shipped stage installs python3 from the distribution and a compiler it keeps. */
function distroPythonWithToolchain(file: DockerfileModel): boolean {
  let python = false;
  let compiler = false;
  for (const s of file.stages.filter((x) => x.shipped)) for (const pc of packageCommands(s)) {
    if (pc.op.action !== "install") continue;
    for (const name of installedNames(pc.op)) {
      if (/^python3(\.\d+)?(-minimal|-full|-pip|-venv)?$/.test(name)) python = true;
      if (toolchainKind(name) === "compiler" && !removedInSameRun(pc, name)) compiler = true;
    }
  }
  return python && compiler;
}

/** A base that ships compilers is a security matter too: an intruder finds a toolchain ready to build exploits. */
const SHIPS_COMPILERS: Category[] = ["security"];

export default defineCheck({
  meta: {
    id: "heavy-base",
    title: "Final image starts from a heavy base",
    category: "size",
    severity: "warning",
    fix: "suggestion",
    productionOnly: true,
    docs:
      "The base image is usually most of an image's size. The full python:<version> image (~1 GB) carries compilers, " +
      "headers, git and curl for building; python:<version>-slim (~125 MB) runs the same interpreter, so the full image " +
      "costs ~880 MB in a final stage. The same holds for buildpack-deps (~850 MB), the UBI s2i python builder images, " +
      "a conda image used only to run pip (miniconda3 ~450 MB, anaconda3 ~3 GB), and ubuntu/debian with python3 and " +
      "build-essential from apt. Build what needs compiling in a builder stage on the heavy image and copy the venv " +
      "into a slim runtime. The suggested fix changes the tag to its -slim variant when the shipped stages use none of " +
      "the tools the slim image lacks and no builder stage shares the base. Silent when the target is a development stage.",
  },
  check(ctx) {
    const target = ctx.file.target;
    if (!target) return;
    const root = rootOf(target);
    if (root.image.scratch) return;
    const facts = baseImageFacts(root.image);
    const image = root.image.expanded;
    const word = root.from.args[0];
    if (!word) return;
    if (facts.family === "python" && facts.variant === "full") {
      if (/windows|nanoserver/i.test(root.image.tag ?? "")) return;
      const tools = toolsUsed(ctx.file);
      const builders = sharedWithBuilders(ctx.file, root);
      // Building on the full image and shipping its -slim variant serves whatever the build needs (compilers,
      // headers); the tag change alone only when nothing would be built.
      const rewrite = multiStageRewrite(ctx.file, ctx.project);
      const edit = rewrite ?? (tools.length === 0 && builders.length === 0 ? slimTagEdit(root) : undefined);
      const why = tools.length > 0
        ? ` (the shipped stages run ${tools.join(", ")}: install them or move that step to a builder stage)`
        : builders.length > 0
          ? ` (stage ${builders.map((b) => b.name ?? b.index).join(", ")} builds on it too: give the builders the full image and the runtime the slim one)`
          : "";
      const description = rewrite ? "build in a stage on the full image, ship its -slim variant with only the venv" : `use the -slim variant${why}`;
      const fix: Fix = { kind: "suggestion", description, edits: edit ? [edit] : [] };
      ctx.report(word, {
        message: `${image} is the full image with compilers and headers (~1 GB, and a ready toolchain for anyone who breaks in): the -slim variant serves a runtime; build anything that compiles in a builder stage`,
        impact: estimates.fullPythonBase(),
        alsoCategories: SHIPS_COMPILERS,
        fix,
        instruction: root.from,
      });
      return;
    }
    if (facts.family === "buildpack-deps" && facts.toolchain) {
      ctx.report(word, {
        message: `${image} carries compilers, headers and VCS tools (~850 MB): start the final stage from python:<version>-slim or debian:<codename>-slim`,
        impact: estimates.heavyBase("buildpack-deps"),
        alsoCategories: SHIPS_COMPILERS,
        fix: { kind: "suggestion", description: "build in a builder stage, ship a -slim base", edits: [] },
        instruction: root.from,
      });
      return;
    }
    if (facts.family === "rhel" && facts.toolchain) {
      ctx.report(word, {
        message: `${image} is an s2i builder image with compilers and headers: ship a minimal runtime (ubi-minimal with python3 from microdnf) and build in a builder stage`,
        impact: estimates.heavyBase("s2i"),
        alsoCategories: SHIPS_COMPILERS,
        fix: { kind: "suggestion", description: "build in the s2i image, copy the venv into a minimal runtime", edits: [] },
        instruction: root.from,
      });
      return;
    }
    if (facts.family === "conda" && !root.image.repository.startsWith("mambaorg/") && !usesConda(ctx.file)) {
      const anaconda = root.image.repository.includes("anaconda");
      ctx.report(word, {
        message: `${image} is a conda distribution but the image never uses conda: python:<version>-slim serves pip installs`,
        impact: estimates.heavyBase(anaconda ? "anaconda" : "miniconda"),
        fix: { kind: "suggestion", description: "start from python:<version>-slim", edits: [] },
        instruction: root.from,
      });
      return;
    }
    if ((facts.family === "ubuntu" || (facts.family === "debian" && facts.variant !== "slim")) && distroPythonWithToolchain(ctx.file)) {
      ctx.report(word, {
        message: `${image} with python3 and a compiler from apt: python:<version>-slim with a builder stage ships neither the toolchain nor the distribution extras`,
        impact: estimates.heavyBase("distro-toolchain"),
        severity: "info",
        fix: { kind: "suggestion", description: "build in a builder stage, ship python:<version>-slim", edits: [] },
        instruction: root.from,
      });
    }
  },
});
