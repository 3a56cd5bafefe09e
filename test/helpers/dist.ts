import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's dist/ (the compiled library and CLI that users run). */
export const DIST = fileURLToPath(new URL("../../dist", import.meta.url));
const SRC = fileURLToPath(new URL("../../src", import.meta.url));

/** Is every compiled file under dist/ at least as new as its source under src/? Otherwise dist/ is stale code. */
export function distIsFresh(under = ""): boolean {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  return walk(join(SRC, under)).every((src) => {
    const out = join(DIST, relative(SRC, src)).replace(/\.ts$/, ".js");
    return existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;
  });
}
