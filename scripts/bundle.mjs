// Bundles the CLI into a few ES modules under dist/bin (the package's bin), one chunk per command, so that a run
// loads a handful of files instead of ~90: a one-file lint starts in ~0.23 s instead of ~0.30 s. npm packages stay
// external. dist/ (from tsc) remains the library and its types.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  outdir: "dist/bin",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
