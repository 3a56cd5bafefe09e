import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const app = "examples/flask-gunicorn";

function whittle(...args: string[]) {
  // No engine is needed: every one of these fails on its input before docker is asked anything.
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "compare", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WHITTLE_DOCKER: "/nonexistent/docker" },
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe("whittle compare: bad input is one line and exit 2", () => {
  const cases: Array<[string[], RegExp]> = [
    [[`${app}/Dockerfile`, `${app}/Nope`], /^whittle: no Dockerfile at examples\/flask-gunicorn\/Nope\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`, "--http", "health"], /^whittle: --http expects PORT\/PATH such as 8000\/health \(got "health"\)\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`, "--http", "8000/", "--smoke", "true"], /^whittle: give one of --smoke, --http or --smoke-file\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`, "--build-arg", "NOVALUE"], /^whittle: --build-arg expects KEY=VALUE \(got "NOVALUE"\)\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`, "--format", "xml"], /^whittle: unknown format "xml" \(use text or json\)\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`, "--context", "examples/none"], /^whittle: build context examples\/none is not a directory\n$/],
    [[`${app}/Dockerfile`, `${app}/Dockerfile.optimized`], /^whittle: cannot run the docker CLI "\/nonexistent\/docker": ENOENT\n$/],
  ];
  for (const [args, message] of cases) {
    it(args.slice(2).join(" ") || args[1], () => {
      const r = whittle(...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }
});
