// Mutates the corpus deterministically and shows that whittle never crashes on what comes out: in process
// (lint and the fix loop on thousands of mutants) and through the built CLI (a few hundred mutants, several
// files per process). FUZZ_SEED picks another deterministic run; failures name the seed and the mutations.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { resolveConfig, type ResolvedConfig } from "../src/config.js";
import { fixText } from "../src/fix/fixer.js";
import { lint } from "../src/lint/engine.js";
import { projectContext } from "../src/project/context.js";
import { allChecks } from "../src/rules/all.js";
import { corpusEntries, type CorpusEntry } from "./helpers/corpus.js";
import { distIsFresh } from "./helpers/dist.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const IN_PROCESS_MUTANTS = 3000;
const FIX_EVERY = 15;
const CLI_MUTANTS = 300;
const CLI_BATCH = 25;
const STDIN_MUTANTS = 4;

/** mulberry32: tiny, fast, and the same sequence on every platform. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const NL = 0x0a;

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === NL) {
      out.push(buf.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** Bytes that matter to a Dockerfile or shell lexer, plus ones that break UTF-8 or look binary. */
const NASTY: readonly (string | number[])[] = [
  [0x00], [0xff], [0xfe], [0xc3], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x1b], [0x07], [0x7f],
  "\\", "\\\n", "`", "\"", "'", "$", "${", "$(", "}", ")", "(", "<<", "<<EOF", "<<-'X'", "\n", "\r", "\r\n", "\t",
  "&&", "||", "|", ";", "#", "=", ",", "[", "]", "{", "--", "--mount=", "*", "~", "é", "\u2028", "🐍", " ",
];

function nastyBytes(rnd: Rng): Buffer {
  const parts: Buffer[] = [];
  for (let n = 1 + rnd.int(6); n > 0; n--) {
    const piece = rnd.next() < 0.25 ? [rnd.int(256)] : rnd.pick(NASTY);
    parts.push(typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece));
  }
  return Buffer.concat(parts);
}

/** Whole lines that stress the instruction parser and the model. */
const INJECTED_LINES: readonly string[] = [
  "FROM\n", "FROM scratch AS \n", "FROM ${BASE:-python}:${TAG}\n", "FROM python:3.12-slim AS final AS again\n",
  "COPY --from=nowhere / /\n", "COPY --from=0 --chown= . .\n", "ADD\n", "RUN --mount=type=cache\n",
  "RUN --mount=type=cache,target= pip install x\n", "RUN --mount=type=secret,id=x,target=/run/secrets/x cat /run/secrets/x\n",
  "ARG\n", "ARG =\n", "ENV =x\n", "ENV A\n", "ENV A=\"unterminated\n", "LABEL a b c d\n", "USER\n", "USER :\n",
  "WORKDIR\n", "EXPOSE 80/tcp 443/nope\n", "HEALTHCHECK NONE\n", "HEALTHCHECK --interval= CMD\n", "ONBUILD RUN pip install .\n",
  "ONBUILD\n", "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n", "SHELL [\n", "CMD [\"python\", \n", "CMD []\n",
  "ENTRYPOINT [\"a\" \"b\"]\n", "RUN [\"unterminated\n", "RUN <<EOF <<EOT\n", "RUN <<\n", "RUN cat <<'EOF' > /x\n",
  "RUN $(\n", "RUN ((\n", "RUN if then fi\n", "RUN case x in\n", "RUN for ; do\n", "RUN echo `\n", "RUN \\\n",
  "STOPSIGNAL\n", "MAINTAINER\n", "VOLUME [\n", "# escape=`\n", "# escape=\\\n", "# syntax=docker/dockerfile:1\n",
  "# whittle ignore=all\n", "# whittle ignore=\n", "# hadolint ignore=DL3008,DL3042\n", "# check=skip=all\n",
  "RUN pip install --no-cache-dir --\n", "RUN apt-get install -y --no-install-recommends\n", "RUN apk add --virtual\n",
  "RUN poetry install --only\n", "RUN uv sync --no-dev --\n", "RUN conda install -y && conda clean -afy\n",
  "RUN sudo -u app env X=1 python -m pip install -r\n", "COPY <<EOF /x\n", "\uFEFFFROM python\n",
];

type Mutation = (buf: Buffer, rnd: Rng) => Buffer;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, r) => b.subarray(0, r.int(b.length + 1)),
  insertBytes: (b, r) => {
    const at = r.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), nastyBytes(r), b.subarray(at)]);
  },
  replaceBytes: (b, r) => {
    const junk = nastyBytes(r);
    const at = r.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(Math.min(b.length, at + junk.length))]);
  },
  deleteLines: (b, r) => {
    const ls = lines(b);
    const at = r.int(ls.length);
    ls.splice(at, 1 + r.int(3));
    return Buffer.concat(ls);
  },
  duplicateLines: (b, r) => {
    const ls = lines(b);
    const at = r.int(ls.length);
    const copy = ls.slice(at, at + 1 + r.int(3));
    ls.splice(at, 0, ...copy);
    return Buffer.concat(ls);
  },
  swapLines: (b, r) => {
    const ls = lines(b);
    if (ls.length < 2) return b;
    const i = r.int(ls.length);
    const j = r.int(ls.length);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return Buffer.concat(ls);
  },
  doubleContinuations: (b, r) => {
    const text = b.toString("latin1");
    const doubled = text.replace(/([\\`])(\r?\n)/g, (m, esc: string, nl: string) =>
      r.next() < 0.5 ? m : r.next() < 0.5 ? `${esc}${esc}${nl}` : `${esc}${nl}${esc}${nl}`,
    );
    return Buffer.from(doubled, "latin1");
  },
  unterminatedHeredoc: (b, r) => {
    const ls = lines(b);
    const terminator = ls.findIndex((l, i) => i > 0 && /^\s*[A-Z_]+\s*$/.test(l.toString("latin1")) && ls.slice(0, i).some((p) => p.includes("<<")));
    if (terminator >= 0 && r.next() < 0.6) {
      ls.splice(terminator, 1);
      return Buffer.concat(ls);
    }
    const opener = r.pick(["RUN <<EOF\n", "RUN <<-EOT bash\n", "RUN python3 <<'PY'\n", "COPY <<CONF /etc/app.conf\n", "RUN <<A <<B\n"]);
    ls.splice(r.int(ls.length + 1), 0, Buffer.from(opener + "set -e\npip install flask\n"));
    return Buffer.concat(ls);
  },
  unterminatedQuote: (b, r) => {
    const ls = lines(b);
    const candidates = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(RUN|CMD|ENTRYPOINT|ENV|ARG|LABEL|HEALTHCHECK)\b/i.test(l.toString("latin1")));
    const [line, index] = candidates.length ? r.pick(candidates) : [ls[0] ?? Buffer.alloc(0), 0];
    const at = r.int(line.length + 1);
    ls[index] = Buffer.concat([line.subarray(0, at), Buffer.from(r.pick(["\"", "'", "`", "$(", "${", "[\""])), line.subarray(at)]);
    return Buffer.concat(ls);
  },
  injectLine: (b, r) => {
    const ls = lines(b);
    ls.splice(r.int(ls.length + 1), 0, Buffer.from(r.pick(INJECTED_LINES)));
    return Buffer.concat(ls);
  },
  lineEndings: (b, r) => {
    const text = b.toString("latin1");
    return Buffer.from(r.next() < 0.5 ? text.replace(/\r?\n/g, "\r\n") : text.replace(/\r?\n/g, r.next() < 0.5 ? "\r" : " "), "latin1");
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

interface Mutant {
  id: string;
  entry: CorpusEntry;
  bytes: Buffer;
  /** The mutations applied, in order: enough to reproduce the mutant from the seed. */
  applied: string[];
}

function* mutants(rnd: Rng, entries: CorpusEntry[], sources: Map<string, Buffer>, count: number, prefix: string): Generator<Mutant> {
  for (let i = 0; i < count; i++) {
    const entry = entries[i % entries.length];
    let bytes = sources.get(entry.name)!;
    const applied: string[] = [];
    for (let n = 1 + rnd.int(3); n > 0; n--) {
      const name = rnd.pick(MUTATION_NAMES);
      bytes = MUTATIONS[name](bytes, rnd);
      applied.push(name);
    }
    yield { id: `${prefix}${String(i).padStart(4, "0")}`, entry, bytes, applied };
  }
}

/**
 * Inputs earlier runs of this test found crashing whittle, cut down to the lines that matter. They run before the
 * random mutants on every seed, in process and through the CLI, so a fixed crash stays fixed.
 */
const FOUND: readonly string[] = [
  // a RUN continued onto a comment line that holds a backslash (the parser once threw reading heredocs there)
  "FROM python:3.11-slim\nRUN \\\n#\\ab\n",
  // a pipe after pip install in a stage the multi-stage rewrite plans
  "FROM python:3.10-slim-bookworm\nRUN apt-get install -y gcc\nRUN pip install -r a|b\n",
  // an ARG name with regular-expression characters
  "FROM python:3.11\nARG TOKEN$(\nRUN pip install --no-cache-dir flask\n",
];

function* found(entries: CorpusEntry[]): Generator<Mutant> {
  for (const [k, text] of FOUND.entries()) yield { id: `f${k}`, entry: entries[0], bytes: Buffer.from(text), applied: ["found earlier"] };
}

const describeMutant = (m: Mutant) =>
  m.id.startsWith("f") ? `input ${m.id} found by an earlier run` : `mutant ${m.id} of ${m.entry.name} (seed ${SEED}: ${m.applied.join(", ")})`;

/** What goes wrong when linting (and, when asked, fixing) a mutant in process, if anything. */
function inProcessProblem(m: Mutant, config: ResolvedConfig, fix: boolean): string | undefined {
  // Lossy decoding keeps invalid UTF-8 as U+FFFD and NUL as NUL: text the CLI would refuse, lint must survive.
  const text = m.bytes.toString("utf8");
  let result;
  try {
    result = lint({ path: "Dockerfile", text, project: projectContext(m.entry.dir), config, checks: allChecks });
  } catch (err) {
    return `lint threw ${(err as Error).stack}`;
  }
  const inside = (start: number, end: number) => 0 <= start && start <= end && end <= text.length;
  for (const f of result.findings) {
    if (!inside(f.span.start, f.span.end)) return `${f.rule} reports ${f.span.start}-${f.span.end} in a text of ${text.length}`;
    const edit = f.fix?.edits.find((e) => e.path === undefined && !inside(e.start, e.end));
    if (edit) return `${f.rule} fix edits ${edit.start}-${edit.end} in a text of ${text.length}`;
  }
  if (!fix) return undefined;
  try {
    fixText({ path: "Dockerfile", text, contextDir: m.entry.dir, suggestions: true, checks: allChecks });
  } catch (err) {
    return `fix threw ${(err as Error).stack}`;
  }
  return undefined;
}

/** Saves a mutant that broke something where it outlives the test run, for reproduction. */
function keep(m: Mutant): string {
  const dir = join(tmpdir(), "whittle-fuzz-failures", m.entry.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${SEED}-${m.id}.Dockerfile`);
  writeFileSync(file, m.bytes);
  return file;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], stdin?: Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", WHITTLE_DEBUG: "" } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({ status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
    child.stdin.end(stdin);
  });
}

/** The CLI contract under any input: exit 0, 1 or 2; stderr only one-line `whittle: ...` messages; never a stack. */
function assertCleanExit(run: Run, what: string): void {
  assert.equal(run.signal, null, `${what}: killed by ${run.signal}`);
  assert.ok(run.status === 0 || run.status === 1 || run.status === 2, `${what}: exit ${run.status}\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `${what}: stack trace on stderr\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/i, `${what}: internal error\n${run.stderr}`);
  const messages = run.stderr.split("\n").filter((l) => l !== "");
  for (const m of messages) assert.match(m, /^whittle: \S/, `${what}: stderr line is not a one-line whittle message: ${m}`);
  if (run.status === 2) assert.ok(messages.length > 0, `${what}: exit 2 without a message`);
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

describe(`fuzz (seed ${SEED})`, () => {
  const entries = corpusEntries();
  const sources = new Map(entries.map((e) => [e.name, readFileSync(e.dockerfile)]));
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "whittle-fuzz-"));
    if (!distIsFresh()) {
      // tsc emits despite type errors (those are the typecheck's business) and leaves outputs whose content did not
      // change untouched, so after a build only the CLI's presence can be checked.
      const build = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, encoding: "utf8" });
      assert.ok(existsSync(CLI), `building dist/ failed:\n${build.stdout}${build.stderr}`);
    }
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it("mutations change the corpus and are reproducible", () => {
    const a = [...mutants(new Rng(SEED), entries, sources, 50, "a")];
    const b = [...mutants(new Rng(SEED), entries, sources, 50, "b")];
    assert.deepEqual(a.map((m) => m.bytes), b.map((m) => m.bytes));
    const changed = a.filter((m) => !m.bytes.equals(sources.get(m.entry.name)!)).length;
    assert.ok(changed >= 45, `only ${changed} of 50 mutants differ from their source`);
  });

  it(`lint and fix never throw on ${FOUND.length + IN_PROCESS_MUTANTS} inputs, and findings stay inside the text`, () => {
    const config = resolveConfig({});
    const problems: string[] = [];
    let i = 0;
    for (const m of [...found(entries), ...mutants(new Rng(SEED), entries, sources, IN_PROCESS_MUTANTS, "p")]) {
      const problem = inProcessProblem(m, config, i++ % FIX_EVERY === 0);
      if (problem) problems.push(`${describeMutant(m)}, kept as ${keep(m)}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  it(`the CLI exits 0, 1 or 2 with one-line messages on ${FOUND.length + CLI_MUTANTS} inputs`, async () => {
    const rnd = new Rng(SEED ^ 0xc11);
    const batches: Mutant[][] = [];
    for (const m of [...found(entries), ...mutants(rnd, entries, sources, CLI_MUTANTS, "c")]) {
      if (batches.length === 0 || batches[batches.length - 1].length === CLI_BATCH) batches.push([]);
      batches[batches.length - 1].push(m);
    }
    const contexts = new Map<string, string>();
    const fileOf = (m: Mutant): string => {
      let dir = contexts.get(m.entry.name);
      if (!dir) {
        // Each mutant lints against a copy of its own build context (.dockerignore, manifests).
        dir = join(work, m.entry.name);
        cpSync(m.entry.dir, dir, { recursive: true });
        contexts.set(m.entry.name, dir);
      }
      const file = join(dir, `${m.id}.Dockerfile`);
      writeFileSync(file, m.bytes);
      return file;
    };
    const formats = ["json", "json", "json", "text", "json", "sarif", "json", "github"];
    await pool(
      batches.map((batch, k) => ({ batch, format: formats[k % formats.length] })),
      2,
      async ({ batch, format }) => {
        const files = batch.map(fileOf);
        const what = `whittle lint --format ${format} on ${batch.map(describeMutant).join("; ")}`;
        const run = await runCli(["lint", "--format", format, ...files]);
        assertCleanExit(run, what);
        if (format !== "json") return;
        const doc = JSON.parse(run.stdout) as { version: number; files: Array<{ path: string; error?: string }> };
        assert.equal(doc.version, 1);
        assert.equal(doc.files.length, batch.length, `${what}: one report per file`);
        const failed = doc.files.filter((f) => f.error !== undefined);
        assert.equal(run.status === 2, failed.length > 0, `${what}: exit ${run.status} with ${failed.length} unreadable file(s)`);
        for (const f of failed) assert.ok(run.stderr.includes(f.path), `${what}: no message names ${f.path}`);
      },
    );
  });

  it(`the CLI reads ${STDIN_MUTANTS} mutants from stdin without crashing`, async () => {
    const picked = [...mutants(new Rng(SEED ^ 0x57d1), entries, sources, STDIN_MUTANTS, "s")];
    await pool(picked, 2, async (m) => assertCleanExit(await runCli(["lint", "-", "--format", "json"], m.bytes), describeMutant(m)));
  });
});
