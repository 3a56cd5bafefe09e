import { InputError } from "../errors.js";
import type { Docker, RunResult } from "./docker.js";
import { RUNTIME_PROBE } from "./runtime-probe.js";

/**
 * `whittle bench-runtime`: the same interpreter start-up timing and pure-Python workload inside each candidate
 * base image, so a team picks a base by measurement. Interpreter builds differ by whole tens of percent (profile-
 * guided and link-time optimisation, compiler, version), which no size or layer count shows.
 */

export const WORKLOADS = ["calls", "text", "json", "regex", "floats"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** What the probe prints (runtime-probe.ts). */
export interface ProbeOutput {
  version: string;
  implementation: string;
  executable: string;
  configArgs: string;
  compiler: string;
  startupMs: number[];
  workMs: Record<Workload, number[]>;
}

export interface RuntimeResult {
  image: string;
  /**
   * pgo and lto: true when the interpreter's configure flags ask for profile-guided or link-time optimisation (the
   * official python images do); null when they do not say, which does not mean the build lacks them (Debian's
   * python3 is optimised through Debian's own build rules, which its flags do not show).
   */
  python: { version: string; implementation: string; executable: string; compiler: string; pgo: true | null; lto: true | null };
  /** Medians over the runs. */
  startupMs: number;
  workMs: Record<Workload, number>;
  /** Sum of the workloads' medians. */
  totalWorkMs: number;
  /** This image's times over the first image's (below 1: faster). */
  relative: { startup: number; work: number };
}

export interface RuntimeReport {
  runs: number;
  results: RuntimeResult[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Reads the probe's output; anything else (a Python too old for it, a wrapper printing first) is an input error naming the image. */
export function parseProbe(image: string, stdout: string): ProbeOutput {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  let doc: ProbeOutput;
  try {
    doc = JSON.parse(line) as ProbeOutput;
  } catch {
    throw new InputError(`${image}: the benchmark printed no result (${line.slice(0, 120) || "nothing"})`);
  }
  const ok = (xs: unknown) => Array.isArray(xs) && xs.length > 0 && xs.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0);
  if (typeof doc?.version !== "string" || !ok(doc.startupMs) || !WORKLOADS.every((w) => ok(doc.workMs?.[w]))) {
    throw new InputError(`${image}: the benchmark's result is incomplete`);
  }
  return doc;
}

/** Medians, the build's optimisations as its configure flags state them, and times relative to the first image. */
export function summarize(runs: number, probes: Array<{ image: string; probe: ProbeOutput }>): RuntimeReport {
  const results: RuntimeResult[] = probes.map(({ image, probe }) => {
    const workMs = Object.fromEntries(WORKLOADS.map((w) => [w, median(probe.workMs[w])])) as Record<Workload, number>;
    return {
      image,
      python: {
        version: probe.version,
        implementation: probe.implementation,
        executable: probe.executable,
        compiler: probe.compiler,
        pgo: /--enable-optimizations\b/.test(probe.configArgs) ? true : null,
        lto: /--with-lto\b/.test(probe.configArgs) ? true : null,
      },
      startupMs: median(probe.startupMs),
      workMs,
      totalWorkMs: WORKLOADS.reduce((s, w) => s + workMs[w], 0),
      relative: { startup: 1, work: 1 },
    };
  });
  const [first] = results;
  for (const r of results) r.relative = { startup: r.startupMs / first.startupMs, work: r.totalWorkMs / first.totalWorkMs };
  return { runs, results };
}

/** The interpreters an image may have, in the order tried. */
const PYTHONS = ["python3", "python"];

export async function benchRuntime(docker: Docker, images: string[], options: { runs: number; onImage?: (image: string) => void }): Promise<RuntimeReport> {
  // Every image must be there before any is measured: a typo in the last should not cost the others' minutes.
  // Missing ones are pulled, as `docker run` would.
  for (const image of images) {
    try {
      docker.inspect(image);
    } catch {
      const pulled = docker.pull(image);
      if (!pulled.ok) throw new InputError(`image ${image} is not in the engine and could not be pulled (${pulled.why})`);
    }
  }
  const probes: Array<{ image: string; probe: ProbeOutput }> = [];
  for (const image of images) {
    options.onImage?.(image);
    let last: RunResult | undefined;
    for (const python of PYTHONS) {
      // No network: nothing measured needs one, and a benchmark has no business reaching out.
      last = await docker.run(image, { entrypoint: python, args: ["-c", RUNTIME_PROBE, String(options.runs)], network: "none", timeoutMs: 600_000 });
      if (last.code === 0 || !notFound(last)) break;
    }
    if (!last || last.timedOut) throw new InputError(`${image}: the benchmark did not finish within 10 minutes`);
    if (last.code !== 0) {
      if (notFound(last)) throw new InputError(`${image}: no python3 or python on the image's PATH`);
      const why = last.stderr.trim().split("\n").at(-1) ?? `exit code ${last.code}`;
      throw new InputError(`${image}: the benchmark failed (${why})`);
    }
    probes.push({ image, probe: parseProbe(image, last.stdout) });
  }
  return summarize(options.runs, probes);
}

/** The engine's answer when the entrypoint is not in the image (exit 127, "executable file not found"). */
function notFound(r: RunResult): boolean {
  return r.code === 127 || /executable file not found in \$PATH/.test(r.stderr);
}
