// The reference apps under examples/ and how to compare their naive and optimized Dockerfiles on this
// machine: the local base image stand-ins, the local package index, builds on the host network.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, type CompareReport, type ProgressEvent } from "../../src/build/compare.js";
import { Docker } from "../../src/build/docker.js";
import { loadSmokeFile } from "../../src/build/smoke.js";
import { baseImages, DOCKER } from "./env.js";

export const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Every directory of examples/ with a naive Dockerfile, a Dockerfile.optimized and a smoke.json. */
export function referenceApps(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && ["Dockerfile", "Dockerfile.optimized", "smoke.json"].every((f) => existsSync(join(EXAMPLES, e.name, f))))
    .map((e) => e.name)
    .sort();
}

export function compareApp(app: string, indexUrl: string, onProgress?: (e: ProgressEvent) => void): Promise<CompareReport> {
  const dir = join(EXAMPLES, app);
  return compare(Docker.connect(DOCKER), {
    dockerfiles: [join(dir, "Dockerfile"), join(dir, "Dockerfile.optimized")],
    context: dir,
    buildArgs: { PIP_INDEX_URL: indexUrl },
    imageMap: baseImages(),
    network: "host",
    smoke: loadSmokeFile(join(dir, "smoke.json")),
    onProgress,
  });
}
