import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProgressParser, type BuildStep } from "../../src/build/progress.js";

function parse(text: string) {
  const steps: string[] = [];
  const parser = new ProgressParser((s: BuildStep) => steps.push(s.name));
  for (const line of text.split("\n")) parser.line(line);
  return { steps, failure: parser.failure() };
}

// Output of Debian's docker 20.10 client with DOCKER_BUILDKIT=1 --progress plain, for a RUN that fails.
const BUILDKIT = `#1 [internal] load build definition from Dockerfile
#1 sha256:3e88f96f56ed1b3f4fff7ecbb0541bd38a17c8af44388b47cca6de0ccd4beef1
#1 transferring dockerfile: 193B done
#1 DONE 0.0s

#4 [1/3] FROM docker.io/whittle-e2e/python:3.11-slim
#4 sha256:fff0b77adb2afe3ceecb59d2b6c0c331175fe3343c7729605f7ed4925676eeb9
#4 CACHED

#5 [2/3] RUN echo preparing
#5 0.255 preparing
#5 DONE 0.3s

#6 [3/3] RUN make && exit 1
#6 0.363 compiling psycopg2
#6 0.363 Error: pg_config executable not found.
#6 ERROR: executor failed running [/bin/sh -c make && exit 1]: exit code: 1
------
 > [3/3] RUN make && exit 1:
------
executor failed running [/bin/sh -c make && exit 1]: exit code: 1`;

// The legacy builder for the same Dockerfile: stderr of the step comes coloured.
const LEGACY = `Sending build context to Docker daemon  4.608kB
Step 1/3 : FROM whittle-e2e/python:3.11-slim AS base
 ---> 6500198dc878
Step 2/3 : RUN echo preparing
 ---> Running in e3c9d6e7efad
preparing
Removing intermediate container e3c9d6e7efad
 ---> 469ea49fc834
Step 3/3 : RUN make && exit 1
 ---> Running in b6c948cc71c7
compiling psycopg2
\x1b[91mError: pg_config executable not found.
\x1b[0mThe command '/bin/sh -c make && exit 1' returned a non-zero code: 1`;

describe("ProgressParser", () => {
  it("follows BuildKit steps, skipping internal ones, and names the failing step with its output", () => {
    const { steps, failure } = parse(BUILDKIT);
    assert.deepEqual(steps, ["[1/3] FROM docker.io/whittle-e2e/python:3.11-slim", "[2/3] RUN echo preparing", "[3/3] RUN make && exit 1"]);
    assert.equal(failure.step, "[3/3] RUN make && exit 1");
    assert.equal(failure.error, "ERROR: executor failed running [/bin/sh -c make && exit 1]: exit code: 1");
    assert.deepEqual(failure.output, ["compiling psycopg2", "Error: pg_config executable not found."]);
  });

  it("follows legacy steps and strips the colour codes around the engine's error", () => {
    const { steps, failure } = parse(LEGACY);
    assert.deepEqual(steps, ["Step 1/3 : FROM whittle-e2e/python:3.11-slim AS base", "Step 2/3 : RUN echo preparing", "Step 3/3 : RUN make && exit 1"]);
    assert.equal(failure.step, "Step 3/3 : RUN make && exit 1");
    assert.equal(failure.error, "The command '/bin/sh -c make && exit 1' returned a non-zero code: 1");
    assert.deepEqual(failure.output, ["compiling psycopg2", "Error: pg_config executable not found.", "The command '/bin/sh -c make && exit 1' returned a non-zero code: 1"]);
  });

  it("marks steps the cache answered", () => {
    const seen: BuildStep[] = [];
    const parser = new ProgressParser((s) => seen.push(s));
    for (const line of BUILDKIT.split("\n")) parser.line(line);
    assert.deepEqual(seen.map((s) => s.cached), [true, false, false]);
  });

  it("falls back to the last line when the engine printed no error line", () => {
    const parser = new ProgressParser();
    parser.line("unable to prepare context: path \"nope\" not found");
    assert.deepEqual(parser.failure(), { step: undefined, error: 'unable to prepare context: path "nope" not found', output: ['unable to prepare context: path "nope" not found'] });
  });
});
