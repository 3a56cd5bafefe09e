// Naive versus hand-optimized Dockerfiles of every reference app, built with the real engine:
//   bash scripts/e2e/setup.sh && node --import tsx bench/images.ts [--runs N]
// Prints a Markdown table (median of N runs, default 1) for the README.
import { formatBytes, formatSeconds } from "../src/report/format.js";
import type { CompareReport } from "../src/build/compare.js";
import { compareApp, referenceApps } from "../test/e2e/apps.js";
import { missingReason, startIndex } from "../test/e2e/env.js";

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs expects a positive whole number");
  process.exit(2);
}
const missing = missingReason();
if (missing) {
  console.error(`bench/images: ${missing}`);
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const yesNo = (b: boolean | undefined) => (b ? "yes" : "no");

const index = await startIndex();
const rows: string[] = [];
try {
  for (const app of referenceApps()) {
    const reports: CompareReport[] = [];
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`${app}: run ${i + 1}/${runs}\n`);
      const r = await compareApp(app, index.url);
      for (const m of [r.a, r.b]) if (m.failure || !m.smoke?.passed) throw new Error(`${app}: ${m.dockerfile} ${m.failure ? `failed: ${m.failure.error}` : `smoke test: ${m.smoke?.detail}`}`);
      reports.push(r);
    }
    const [a, b] = [reports.map((r) => r.a), reports.map((r) => r.b)];
    const sizeA = a[0].bytes!;
    const sizeB = b[0].bytes!;
    const med = (ms: typeof a, k: "coldSeconds" | "warmSeconds") => median(ms.map((m) => m[k]!));
    rows.push(
      `| ${app} | ${formatBytes(sizeA)} | ${formatBytes(sizeB)} | -${Math.round((1 - sizeB / sizeA) * 100)}% ` +
        `| ${formatSeconds(med(a, "coldSeconds"))} / ${formatSeconds(med(b, "coldSeconds"))} ` +
        `| ${formatSeconds(med(a, "warmSeconds"))} / ${formatSeconds(med(b, "warmSeconds"))} ` +
        `| ${a[0].layers} / ${b[0].layers} | ${a[0].osPackages} / ${b[0].osPackages} ` +
        `| ${yesNo(a[0].runsAsRoot)} / ${yesNo(b[0].runsAsRoot)} | ${a[0].compilers!.join(", ") || "none"} / ${b[0].compilers!.join(", ") || "none"} |`,
    );
  }
} finally {
  await index.stop();
}

console.log(`Naive (FROM python:3.11, COPY . ., pip install) / optimized (multi-stage venv, slim runtime, non-root); median of ${runs} run(s).`);
console.log("");
console.log("| app | naive size | optimized size | change | cold build | warm rebuild after a source edit | layers | OS packages | root | compilers |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
