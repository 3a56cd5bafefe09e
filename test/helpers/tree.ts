import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every file below `dir` as text, keyed by its path relative to `dir`: a build context in memory, so a fix run sees
 * the files an earlier run wrote without touching the disk. `keep` may leave files out.
 */
export function readTree(dir: string, keep: (relativePath: string) => boolean = () => true): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(relative(dir, p))) files[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return files;
}
