// Bundles the CLI, with the npm packages it uses, into a few ES modules under dist/bin (the package's bin), one
// chunk per command: a run loads a handful of files, no package resolution and no CommonJS loader, and a command
// loads only its own code. dist/ (from tsc) remains the library and its types.
//   node scripts/bundle.mjs [OUTDIR]     (default dist/bin; the tests bundle into a directory of their own)
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // CommonJS packages (commander, picocolors...) call require() for node built-ins: ES modules need one made for them.
  banner: { js: 'import { createRequire as __whittleRequire } from "node:module"; const require = __whittleRequire(import.meta.url);' },
  outdir: process.argv[2] ?? "dist/bin",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
