import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** test/corpus: one directory per Dockerfile, with its build context (see test/corpus/README.md). */
export const CORPUS_DIR = fileURLToPath(new URL("../corpus/", import.meta.url));

export interface CorpusEntry {
  /** Directory name, e.g. "13-poetry-multistage-optimized". */
  name: string;
  /** The build context directory. */
  dir: string;
  dockerfile: string;
  /** Expected to have no warning or error finding. */
  optimized: boolean;
}

export function corpusEntries(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(CORPUS_DIR, e.name, "Dockerfile")))
    .map((e) => e.name)
    .sort()
    .map((name) => ({
      name,
      dir: join(CORPUS_DIR, name),
      dockerfile: join(CORPUS_DIR, name, "Dockerfile"),
      optimized: name.endsWith("-optimized"),
    }));
}
