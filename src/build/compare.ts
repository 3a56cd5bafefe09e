// whittle compare as a library: build two Dockerfiles of one context with a real engine and measure
// what each costs (size, layers, cold build, warm rebuild after a source edit, OS packages, root,
// compilers) and whether each passes a smoke test.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../errors.js";
import { analyzeImage } from "../image/analyze.js";
import { diffImages, type ImageDiff } from "../image/diff.js";
import { DEFAULT_LIMITS } from "../image/layer-reader.js";
import { ArchiveSource } from "../image/sources/archive.js";
import { captureRule } from "../image/view.js";
import type { Docker } from "./docker.js";
import type { BuildStep, FailedStep } from "./progress.js";
import { pickSourceFile, scratchCopy, touchSource, writeMappedDockerfile } from "./scratch.js";
import { runSmoke, type SmokeResult, type SmokeTest } from "./smoke.js";

export interface CompareOptions {
  dockerfiles: [string, string];
  context: string;
  buildArgs?: Record<string, string>;
  /** Official image -> local stand-in, applied to FROM lines in the scratch copy. */
  imageMap?: Record<string, string>;
  network?: string;
  smoke?: SmokeTest;
  /** Context-relative .py file the warm rebuild edits; default: the first one the context keeps. */
  edit?: string;
  /** Keep the built images (tags are reported); default: remove them. */
  keepImages?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { kind: "phase"; side: "a" | "b"; phase: "cold" | "warm" | "probe" | "smoke" | "inspect" }
  | { kind: "step"; side: "a" | "b"; step: BuildStep };

export interface BuildMeasure {
  dockerfile: string;
  ok: boolean;
  /** Set when a build failed: which step, the engine's error and the step's last output. */
  failure?: FailedStep & { phase: "cold" | "warm" };
  /** The image measured (after the warm rebuild), when kept with keepImages. */
  image?: string;
  bytes?: number;
  layers?: number;
  coldSeconds?: number;
  warmSeconds?: number;
  /** dpkg or apk package count; null when the image has no shell or package database to ask. */
  osPackages?: number | null;
  user?: string;
  runsAsRoot?: boolean;
  /** Compilers found on PATH in the image (gcc, cc, g++, clang); null when it has no shell to ask. */
  compilers?: string[] | null;
  smoke?: SmokeResult;
}

export interface CompareReport {
  context: string;
  editedFile?: string;
  engine: { client: string; server: string; buildkit: boolean };
  a: BuildMeasure;
  b: BuildMeasure;
  /** What B's image changes against A's, read from both images (when both built). */
  changes?: ImageDiff;
}

/** Probes run inside each image with its own shell; both answer in one container start. */
const PROBE = [
  "if command -v dpkg-query >/dev/null 2>&1; then echo packages=$(dpkg-query -f '.\\n' -W | wc -l);",
  "elif command -v apk >/dev/null 2>&1; then echo packages=$(apk info 2>/dev/null | wc -l); fi;",
  "for c in gcc cc g++ c++ clang; do command -v $c >/dev/null 2>&1 && echo compiler=$c; done; true",
].join(" ");

export async function compare(docker: Docker, options: CompareOptions): Promise<CompareReport> {
  const texts = options.dockerfiles.map((path) => {
    try {
      return readFileSync(path, "utf8");
    } catch (err) {
      throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  });
  const edited = options.edit ?? pickSourceFile(options.context);
  if (edited === undefined) throw new InputError(`${options.context}: no .py file in the build context to edit for the warm rebuild (give one with --edit)`);
  if (!existsSync(join(options.context, edited))) throw new InputError(`--edit: no ${edited} in ${options.context}`);
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const tags = { a: `whittle-compare-${id}-a`, b: `whittle-compare-${id}-b` };
  const scratch = scratchCopy(options.context, "compare");
  try {
    const sides = (["a", "b"] as const).map((side, i) => ({
      side,
      dockerfile: writeMappedDockerfile(scratch, `Dockerfile.${side}`, options.dockerfiles[i], texts[i], options.imageMap ?? {}),
      tag: tags[side],
    }));
    const measures: BuildMeasure[] = options.dockerfiles.map((dockerfile) => ({ dockerfile, ok: false }));
    // Both cold builds first, on the untouched copy, so each warm rebuild starts from its own fresh cache.
    const build = (s: (typeof sides)[number], phase: "cold" | "warm") => {
      options.onProgress?.({ kind: "phase", side: s.side, phase });
      return docker.build({
        dockerfile: s.dockerfile,
        context: scratch.context,
        tag: `${s.tag}:${phase}`,
        noCache: phase === "cold",
        buildArgs: options.buildArgs,
        network: options.network,
        onStep: (step) => options.onProgress?.({ kind: "step", side: s.side, step }),
      });
    };
    for (const [i, s] of sides.entries()) {
      const cold = await build(s, "cold");
      measures[i].coldSeconds = cold.seconds;
      if (!cold.ok) measures[i].failure = { ...cold.failure!, phase: "cold" };
    }
    touchSource(scratch.context, edited);
    for (const [i, s] of sides.entries()) {
      const m = measures[i];
      if (m.failure) continue;
      const warm = await build(s, "warm");
      m.warmSeconds = warm.seconds;
      if (!warm.ok) {
        m.failure = { ...warm.failure!, phase: "warm" };
        continue;
      }
      const image = `${s.tag}:warm`;
      if (options.keepImages) m.image = image;
      const facts = docker.inspect(image);
      m.bytes = facts.bytes;
      m.layers = facts.layers;
      m.user = facts.user;
      m.runsAsRoot = isRoot(facts.user);
      options.onProgress?.({ kind: "phase", side: s.side, phase: "probe" });
      Object.assign(m, await probeImage(docker, image));
      if (options.smoke) {
        options.onProgress?.({ kind: "phase", side: s.side, phase: "smoke" });
        m.smoke = await runSmoke(docker, image, options.smoke);
      }
      m.ok = m.smoke?.passed ?? true;
    }
    let changes: ImageDiff | undefined;
    if (!measures[0].failure && !measures[1].failure) {
      // Each image as `whittle inspect` reads it, through the same engine that built it.
      const analyses = await Promise.all(
        sides.map(async (s, i) => {
          options.onProgress?.({ kind: "phase", side: s.side, phase: "inspect" });
          const image = `${s.tag}:warm`;
          const name = `${s.side.toUpperCase()}: ${basename(options.dockerfiles[i])}`;
          return analyzeImage(await new ArchiveSource(name, async () => docker.save(image), "engine").load({ limits: DEFAULT_LIMITS, capture: captureRule }));
        }),
      );
      changes = diffImages(analyses[0], analyses[1]);
    }
    return {
      context: options.context,
      editedFile: edited,
      engine: { client: docker.info.clientVersion, server: docker.info.serverVersion, buildkit: docker.info.buildkit },
      a: measures[0],
      b: measures[1],
      ...(changes ? { changes } : {}),
    };
  } finally {
    scratch.remove();
    if (!options.keepImages) docker.removeImages(Object.values(tags).flatMap((tag) => [`${tag}:cold`, `${tag}:warm`]));
  }
}

/** OS package count and compilers, asked of the image's own shell; null for both when it has none. */
async function probeImage(docker: Docker, image: string): Promise<Pick<BuildMeasure, "osPackages" | "compilers">> {
  const probe = await docker.run(image, { entrypoint: "sh", args: ["-c", PROBE], network: "none", timeoutMs: 60_000 });
  if (probe.code !== 0) return { osPackages: null, compilers: null };
  const packages = /^packages=(\d+)$/m.exec(probe.stdout);
  return {
    osPackages: packages ? Number(packages[1]) : null,
    compilers: [...probe.stdout.matchAll(/^compiler=(\S+)$/gm)].map((x) => x[1]),
  };
}

/** Config.User: empty, "root", "0" or "0:..." run as root. */
export function isRoot(user: string): boolean {
  const name = user.split(":")[0];
  return name === "" || name === "root" || name === "0";
}
