import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_STAGES, parseDockerfile } from "../../src/dockerfile/parse.js";
import { InputError } from "../../src/errors.js";
import { envAt, startCommand } from "../../src/dockerfile/query.js";

describe("Dockerfile model", () => {
  const multi = [
    "ARG PY=3.11",
    "FROM python:${PY}-slim AS base",
    "ENV PIP_NO_CACHE_DIR=1",
    "FROM base AS build",
    "RUN pip install flask",
    "FROM python:3.11 AS unused",
    "FROM base AS final",
    "COPY --from=build /opt/venv /opt/venv",
    'CMD ["gunicorn", "app:app"]',
    "",
  ].join("\n");

  it("knows which stages are built and which reach the final image", () => {
    const m = parseDockerfile("Dockerfile", multi);
    assert.deepEqual(
      m.stages.map((s) => [s.name, s.built, s.shipped, s.isTarget]),
      [["base", true, true, false], ["build", true, false, false], ["unused", false, false, false], ["final", true, true, true]],
    );
    assert.equal(m.stages[0].image.expanded, "python:3.11-slim");
    assert.equal(m.stages[0].image.tag, "3.11-slim");
    assert.equal(m.stages[1].parent, m.stages[0]);
  });

  it("honours --target", () => {
    const m = parseDockerfile("Dockerfile", multi, { target: "build" });
    assert.deepEqual(m.stages.map((s) => s.shipped), [true, true, false, false]);
    assert.equal(m.target?.name, "build");
    const missing = parseDockerfile("Dockerfile", multi, { target: "nope" });
    assert.match(missing.problems[0].message, /target stage "nope" not found/);
  });

  it("refuses more build stages than it analyses, as input (exit 2), not as a finding", () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? "FROM python:3.12-slim AS s0\n" : `FROM s${i - 1} AS s${i}\nENV V${i}=${i}\n`)).join("");
    assert.equal(parseDockerfile("Dockerfile", chain(MAX_STAGES)).stages.length, MAX_STAGES);
    assert.throws(() => parseDockerfile("Dockerfile", chain(MAX_STAGES + 1)), (err: Error) => err instanceof InputError && /more than 256 build stages/.test(err.message));
  });

  it("resolves ENV through FROM <stage> chains", () => {
    const m = parseDockerfile("Dockerfile", multi);
    const run = m.stages[1].instructions[0];
    assert.equal(envAt(m.stages[1], run, "PIP_NO_CACHE_DIR"), "1");
    assert.equal(envAt(m.stages[2], undefined, "PIP_NO_CACHE_DIR"), undefined);
  });

  it("parses image references with registries, ports and digests", () => {
    const m = parseDockerfile("Dockerfile", "FROM registry.example.com:5000/team/python:3.12-slim@sha256:abc AS x\n");
    const ref = m.stages[0].image;
    assert.deepEqual([ref.registry, ref.repository, ref.tag, ref.digest], ["registry.example.com:5000", "team/python", "3.12-slim", "sha256:abc"]);
  });

  it("parses RUN bodies: heredocs, exec form, mounts", () => {
    const text = [
      "FROM alpine:3.19",
      "RUN --mount=type=cache,target=/root/.cache/pip <<EOF",
      "set -e",
      "pip install x",
      "EOF",
      'RUN ["sh", "-c", "apk add  curl"]',
      'RUN ["/bin/true"]',
      "",
    ].join("\n");
    const m = parseDockerfile("Dockerfile", text);
    const [heredoc, shellJson, exec] = m.stages[0].instructions;
    assert.equal(heredoc.mounts[0].type, "cache");
    assert.equal(heredoc.mounts[0].target, "/root/.cache/pip");
    assert.deepEqual(heredoc.shell!.commands.map((c) => c.name), ["set", "pip"]);
    assert.equal(text.slice(heredoc.shell!.commands[1].span.start, heredoc.shell!.commands[1].span.end), "pip install x");
    assert.deepEqual(shellJson.shell!.commands[0].words.map((w) => w.text), ["apk", "add", "curl"]);
    assert.deepEqual(exec.shell!.commands[0].words.map((w) => w.text), ["/bin/true"]);
    assert.ok(m.buildkit);
  });

  it("collects inline ignores for the next instruction and the whole file", () => {
    const text = "# check=skip=JSONArgsRecommended\n# whittle global ignore=heavy-base\nFROM python:3.11\n# hadolint ignore=DL3042,DL3013\nRUN pip install x\n# whittle ignore=pip-cache\nRUN pip install y\n";
    const m = parseDockerfile("Dockerfile", text);
    const shape = m.ignores.map((i) => [i.source, i.ids.join(","), i.instruction?.line ?? 0]);
    assert.deepEqual(shape, [["buildkit", "JSONArgsRecommended", 0], ["whittle", "heavy-base", 0], ["hadolint", "DL3042,DL3013", 5], ["whittle", "pip-cache", 7]]);
  });

  it("reports broken input and keeps going", () => {
    const m = parseDockerfile("Dockerfile", "RUN echo before-from\nFROM python:3.11\nFROBNICATE x\nRUN echo 'unterminated\nCMD [\"python\"]\n");
    assert.deepEqual(m.problems.map((p) => p.message), ["RUN before the first FROM", 'unknown instruction "FROBNICATE"']);
    // the unknown instruction is reported, the RUN and CMD around it are still in the stage
    assert.deepEqual(m.stages[0].instructions.map((i) => i.keyword), ["RUN", "CMD"]);
    assert.ok(m.stages[0].instructions[0].shell!.errors.length > 0);
  });

  it("reports a heredoc that is never closed, and not one closed by a tab-indented <<- delimiter", () => {
    const open = parseDockerfile("Dockerfile", "FROM x\nRUN <<EOF\nset -e\nCMD [\"python\"]\n");
    assert.deepEqual(open.problems.map((p) => p.message), ["heredoc <<EOF is never closed: every line after it belongs to it"]);
    const closed = parseDockerfile("Dockerfile", "FROM x\nCOPY <<-EOT /x\n\thi\n\tEOT\nRUN <<EOF\necho\nEOF\n");
    assert.deepEqual(closed.problems, []);
  });

  it("finds the start command through inheritance; ENTRYPOINT resets an inherited CMD", () => {
    const m = parseDockerfile("Dockerfile", 'FROM x AS a\nCMD ["a"]\nFROM a AS b\nENTRYPOINT ["b"]\n');
    const sc = startCommand(m.stages[1]);
    assert.equal(sc.cmd, undefined);
    assert.equal(sc.entrypoint?.json?.[0].text, "b");
  });
});
