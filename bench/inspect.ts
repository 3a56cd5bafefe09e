// whittle inspect against GNU tar listing the same nested archive, on synthetic images:
//   npx tsx bench/inspect.ts [--runs N] [--keep] [--reuse] [--dir DIR] [--image FILE...]
// (--keep leaves the images in DIR; --reuse measures images a kept run built, and keeps them.)
// Builds a ~500 MB image (docker-save layout, plain layers; and an OCI archive with gzip layers) and
// an image of 200,000 small files, then prints wall time and peak memory side by side.
// GNU tar's baseline streams every layer out of the outer archive once and lists it:
//   tar -xOf img.tar --wildcards '*/layer.tar' | tar -t --ignore-zeros     (plain layers)
//   tar -xOf img.tar LAYER | tar -tz  for each layer                         (gzip layers)
// whittle runs in a child process per measurement; peak memory is that process's maximum RSS.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type WriteStream } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BLOCK, ustarHeader } from "../test/helpers/ustar.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

// ---- the measured side, run in a child process ----
if (flag("--measure")) {
  const { analyzeImage } = await import("../src/image/analyze.js");
  const { DEFAULT_LIMITS } = await import("../src/image/layer-reader.js");
  const { openSource } = await import("../src/image/sources/index.js");
  const { captureRule } = await import("../src/image/view.js");
  const start = performance.now();
  const image = await openSource(value("--measure")!).load({ limits: DEFAULT_LIMITS, capture: captureRule });
  const report = analyzeImage(image).report;
  const ms = performance.now() - start;
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, maxRssKiB: usage.maxRSS, totalBytes: report.totalBytes, layers: report.layers.length }));
  process.exit(0);
}

// ---- synthetic images ----
const header = (name: string, size: number, type: "0" | "5") => ustarHeader(name, size, type, { mode: type === "5" ? 0o755 : 0o644 });

class TarWriter {
  private out: WriteStream;
  bytes = 0;
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  private async write(b: Buffer) {
    this.bytes += b.length;
    if (!this.out.write(b)) await new Promise<void>((r) => this.out.once("drain", () => r()));
  }
  async dir(name: string) {
    await this.write(header(`${name}/`, 0, "5"));
  }
  async file(name: string, content: Buffer) {
    await this.write(header(name, content.length, "0"));
    await this.write(content);
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad) await this.write(Buffer.alloc(pad));
  }
  async close() {
    await this.write(Buffer.alloc(BLOCK * 2));
    await new Promise<void>((r) => this.out.end(r));
  }
}

/** Random bytes from a pool, so 500 MB of content costs one pool of randomness. */
const pool = randomBytes(16 * 1024 * 1024);
function content(size: number, seed: number): Buffer {
  const start = (seed * 7919) % (pool.length - size);
  const b = Buffer.from(pool.subarray(start, start + size));
  b.writeUInt32LE(seed, 0); // every file distinct
  return b;
}

interface LayerPlan {
  files: Array<{ name: string; size: number }>;
}

function bigPlan(): LayerPlan[] {
  // Four layers, ~125 MB each: sizes spread log-uniformly between 1 KiB and 4 MiB, like a Python image.
  let seed = 1;
  const layers: LayerPlan[] = [];
  for (let l = 0; l < 4; l++) {
    const files: LayerPlan["files"] = [];
    let total = 0;
    for (let i = 0; total < 125 * 1024 * 1024; i++) {
      const size = Math.round(2 ** (10 + ((seed++ * 0.618034) % 1) * 12));
      // Grouped by directory, as a filesystem walk (and so every real layer tar) lists them.
      files.push({ name: `usr/lib/l${l}/d${Math.floor(i / 4)}/f${i}.so`, size });
      total += size;
    }
    layers.push({ files });
  }
  return layers;
}

function smallPlan(): LayerPlan[] {
  const files: LayerPlan["files"] = [];
  for (let i = 0; i < 200_000; i++) files.push({ name: `usr/lib/python3.11/site-packages/p${Math.floor(i / 100)}/m${i}.py`, size: 100 + ((i * 37) % 2900) });
  return [{ files }];
}

async function writeLayer(path: string, plan: LayerPlan, seedBase: number): Promise<void> {
  const w = new TarWriter(path);
  const dirs = new Set<string>();
  let seed = seedBase;
  for (const f of plan.files) {
    const parts = f.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (!dirs.has(d)) {
        dirs.add(d);
        await w.dir(d);
      }
    }
    await w.file(f.name, content(f.size, seed++));
  }
  await w.close();
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const fileSha256 = (path: string) => spawnSync("sha256sum", [path], { encoding: "utf8" }).stdout.split(" ")[0];

function run(cmd: string, cwd?: string): void {
  const r = spawnSync("bash", ["-c", cmd], { cwd, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`failed: ${cmd}`);
}

/** Layer tars on disk -> a legacy docker-save archive and an OCI archive of gzip layers. */
interface Built {
  save: string;
  oci: string;
  layers: string[];
  blobs: string[];
}

async function buildImage(name: string, plans: LayerPlan[], work: string): Promise<Built> {
  const dir = join(work, name);
  const meta = join(dir, "built.json");
  if (flag("--reuse") && existsSync(meta)) return JSON.parse(readFileSync(meta, "utf8")) as Built;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "save"), { recursive: true });
  mkdirSync(join(dir, "oci", "blobs", "sha256"), { recursive: true });
  const layerNames: string[] = [];
  const diffIds: string[] = [];
  const blobs: Array<{ digest: string; size: number }> = [];
  for (const [i, plan] of plans.entries()) {
    const layerDir = `layer${i}`;
    mkdirSync(join(dir, "save", layerDir));
    const tarPath = join(dir, "save", layerDir, "layer.tar");
    await writeLayer(tarPath, plan, i * 1_000_000 + 1);
    layerNames.push(`${layerDir}/layer.tar`);
    diffIds.push(`sha256:${fileSha256(tarPath)}`);
    run(`gzip -c -6 ${tarPath} > ${join(dir, "layer.gz")}`);
    const digest = fileSha256(join(dir, "layer.gz"));
    run(`mv ${join(dir, "layer.gz")} ${join(dir, "oci", "blobs", "sha256", digest)}`);
    blobs.push({ digest: `sha256:${digest}`, size: statSync(join(dir, "oci", "blobs", "sha256", digest)).size });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: {},
      rootfs: { type: "layers", diff_ids: diffIds },
      history: plans.map((_, i) => ({ created_by: `/bin/sh -c build layer ${i}` })),
    }),
  );
  writeFileSync(join(dir, "save", "config.json"), config);
  writeFileSync(join(dir, "save", "manifest.json"), JSON.stringify([{ Config: "config.json", RepoTags: [`bench/${name}:latest`], Layers: layerNames }]));
  writeFileSync(join(dir, "oci", "blobs", "sha256", sha256(config)), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${sha256(config)}`, size: config.length },
      layers: blobs.map((b) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...b })),
    }),
  );
  writeFileSync(join(dir, "oci", "blobs", "sha256", sha256(manifest)), manifest);
  writeFileSync(
    join(dir, "oci", "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${sha256(manifest)}`, size: manifest.length }] }),
  );
  writeFileSync(join(dir, "oci", "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  const save = join(dir, `${name}.docker.tar`);
  const oci = join(dir, `${name}.oci.tar`);
  run(`tar -cf ${save} -C ${join(dir, "save")} manifest.json config.json ${layerNames.join(" ")}`);
  run(`tar -cf ${oci} -C ${join(dir, "oci")} oci-layout index.json blobs`);
  rmSync(join(dir, "save"), { recursive: true, force: true });
  rmSync(join(dir, "oci"), { recursive: true, force: true });
  const built: Built = { save, oci, layers: layerNames, blobs: blobs.map((b) => `blobs/sha256/${b.digest.slice(7)}`) };
  writeFileSync(meta, JSON.stringify(built));
  return built;
}

// ---- measurement ----
const runs = Number(value("--runs") ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

interface Timing {
  ms: number;
  cpuMs: number;
}

/** Wall and CPU time (user + system of every process in the pipeline) of a shell command. */
function timeShell(cmd: string): Timing {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "bash", "-c", cmd], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`failed: ${cmd}: ${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { ms: wall * 1000, cpuMs: (user + sys) * 1000 };
}

/** The compiled build (`npm run build`) when it is newer than every source file: what users run. */
function compiledBuild(): string | undefined {
  const root = join(here, "..");
  const entry = join(root, "dist", "image", "analyze.js");
  if (!existsSync(entry)) return undefined;
  const built = statSync(entry).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  return newest(join(root, "src", "image")) <= built ? join(root, "dist") : undefined;
}

const compiled = compiledBuild();

function measureWhittle(archive: string): Timing & { maxRssKiB: number } {
  // The same measurement as --measure above, from the compiled JavaScript when it is current.
  const script = compiled
    ? `import { analyzeImage } from ${JSON.stringify(join(compiled, "image/analyze.js"))};
       import { DEFAULT_LIMITS } from ${JSON.stringify(join(compiled, "image/layer-reader.js"))};
       import { openSource } from ${JSON.stringify(join(compiled, "image/sources/index.js"))};
       import { captureRule } from ${JSON.stringify(join(compiled, "image/view.js"))};
       const start = performance.now();
       const report = analyzeImage(await openSource(process.argv[1]).load({ limits: DEFAULT_LIMITS, capture: captureRule })).report;
       const ms = performance.now() - start;
       const u = process.resourceUsage();
       process.stdout.write(JSON.stringify({ ms, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS, totalBytes: report.totalBytes }));`
    : undefined;
  const r = script
    ? spawnSync(process.execPath, ["--input-type=module", "-e", script, archive], { encoding: "utf8", maxBuffer: 1 << 20 })
    : spawnSync(process.execPath, ["--import", "tsx", join(here, "inspect.ts"), "--measure", archive], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`whittle failed on ${archive}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Timing & { maxRssKiB: number };
}

interface Row {
  image: string;
  size: number;
  gnu: Timing;
  whittle: Timing;
  rss: number;
}

function compare(label: string, archive: string, gnuCmd: string): Row {
  // Warm the page cache so both sides read from memory.
  run(`cat ${archive} > /dev/null`);
  const gnu: Timing[] = [];
  const ours: Array<Timing & { maxRssKiB: number }> = [];
  for (let i = 0; i < runs; i++) {
    gnu.push(timeShell(gnuCmd));
    ours.push(measureWhittle(archive));
  }
  const mid = (xs: Timing[]): Timing => ({ ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)) });
  return { image: label, size: statSync(archive).size, gnu: mid(gnu), whittle: mid(ours), rss: Math.max(...ours.map((o) => o.maxRssKiB)) };
}

const work = value("--dir") ?? join(tmpdir(), "whittle-bench-inspect");
mkdirSync(work, { recursive: true });
const rows: Row[] = [];
try {
  process.stderr.write(`building synthetic images in ${work}\n`);
  const big = await buildImage("big", bigPlan(), work);
  const small = await buildImage("small", smallPlan(), work);
  const plainCmd = (archive: string) => `tar -xOf ${archive} --wildcards '*/layer.tar' | tar -t --ignore-zeros > /dev/null`;
  const gzipCmd = (archive: string, blobs: string[]) => blobs.map((b) => `tar -xOf ${archive} ${b} | tar -tz > /dev/null`).join(" && ");
  rows.push(compare("~500 MB, 4 plain layers (docker save)", big.save, plainCmd(big.save)));
  rows.push(compare("~500 MB, 4 gzip layers (OCI archive)", big.oci, gzipCmd(big.oci, big.blobs)));
  rows.push(compare("200k small files, plain (docker save)", small.save, plainCmd(small.save)));
  rows.push(compare("200k small files, gzip (OCI archive)", small.oci, gzipCmd(small.oci, small.blobs)));
  for (const extra of args.filter((_, i) => args[i - 1] === "--image")) {
    if (!existsSync(extra)) throw new Error(`${extra}: no such file`);
    rows.push(compare(extra, extra, plainCmd(extra)));
  }
} finally {
  // Images a kept run built stay for the next --reuse.
  if (!flag("--keep") && !flag("--reuse")) for (const d of readdirSync(work)) rmSync(join(work, d), { recursive: true, force: true });
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`| image | archive | GNU tar wall (cpu) | whittle wall (cpu) | ratio wall (cpu) | whittle peak RSS |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.image} | ${mb(r.size)} | ${sec(r.gnu.ms)} (${sec(r.gnu.cpuMs)}) | ${sec(r.whittle.ms)} (${sec(r.whittle.cpuMs)}) | ` +
      `${(r.whittle.ms / r.gnu.ms).toFixed(2)}x (${(r.whittle.cpuMs / r.gnu.cpuMs).toFixed(2)}x) | ${mb(r.rss * 1024)} |`,
  );
}
console.log(`\nmedian of ${runs} runs on ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; goal: wall ratio <= 1.5, peak RSS < 300 MB`);
console.log(
  `whittle's time is the analysis in-process (read, parse, hash, index, waste, dive, Python), run from ${compiled ? "the compiled build (dist/)" : "TypeScript through tsx (run \`npm run build\` first to measure what users run)"}; its CPU counts the threads that read and decompress.`,
);
