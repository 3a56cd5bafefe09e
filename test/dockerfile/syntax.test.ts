// The Dockerfile reader's edge cases: each case states what BuildKit's frontend makes of the text and checks the
// model's words, spans and problems against it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import type { Instruction } from "../../src/dockerfile/model.js";

const parse = (text: string) => parseDockerfile("Dockerfile", text);
const slice = (text: string, span: { start: number; end: number } | undefined) => (span ? text.slice(span.start, span.end) : undefined);
const words = (ins: Instruction) => ins.args.map((w) => w.text);
const messages = (text: string) => parse(text).problems.map((p) => p.message);

describe("Dockerfile syntax", () => {
  describe("line continuations", () => {
    it("joins continued lines, dropping comment and blank lines inside, with spans in the file", () => {
      const text = "FROM x\nCOPY a \\\n# a comment \\\n\n    b \\\n  c\nUSER app\n";
      const m = parse(text);
      const copy = m.instructions[1];
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "COPY", "USER"]);
      assert.deepEqual(words(copy), ["a", "b", "c"]);
      assert.deepEqual(copy.args.map((w) => slice(text, w.span)), ["a", "b", "c"]);
      assert.equal(slice(text, copy.span), "COPY a \\\n# a comment \\\n\n    b \\\n  c");
      assert.equal(copy.line, 2);
      assert.equal(m.instructions[2].line, 7);
    });

    it("keeps a word whole when the continuation splits it, and maps it back over the break", () => {
      const text = "FROM x\nWORKDIR /o\\\npt\n";
      const workdir = parse(text).instructions[1];
      assert.deepEqual(words(workdir), ["/opt"]);
      assert.equal(slice(text, workdir.args[0].span), "/o\\\npt");
    });

    it("parses a continued RUN body as one shell program with exact offsets", () => {
      const text = "FROM x\nRUN apt-get update \\\n    # refresh first\n && apt-get install -y curl\n";
      const run = parse(text).instructions[1];
      assert.deepEqual(run.shell!.commands.map((c) => slice(text, c.span)), ["apt-get update", "apt-get install -y curl"]);
    });

    it("does not continue after an escaped escape character", () => {
      const m = parse("FROM x\nRUN echo a\\\\\nUSER app\n");
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN", "USER"]);
      assert.deepEqual(words(m.instructions[1]), ["echo", "a\\"]);
    });

    it("takes a blank line inside a continuation as empty: the next instruction line still joins it", () => {
      const m = parse("FROM x\nRUN echo a \\\n\nUSER app\n");
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN"]);
      assert.deepEqual(words(m.instructions[1]), ["echo", "a", "USER", "app"]);
    });

    it("starts the instruction at its keyword when a line holds only the escape character", () => {
      const text = "FROM x\n\\\n  USER app\n\\\n";
      const m = parse(text);
      assert.deepEqual(m.instructions.map((i) => [i.keyword, i.line, slice(text, i.span)]), [["FROM", 1, "FROM x"], ["USER", 3, "USER app"]]);
      assert.deepEqual(m.problems, []);
    });

    it("ends a continuation at the end of the file without inventing anything", () => {
      for (const text of ["FROM x\nRUN echo hi \\\n", "FROM x\nRUN echo hi \\", "FROM x\nRUN echo hi \\\n\n# done\n"]) {
        const m = parse(text);
        assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN"], JSON.stringify(text));
        assert.deepEqual(words(m.instructions[1]), ["echo", "hi"]);
        assert.deepEqual(m.instructions[1].shell!.commands.map((c) => c.name), ["echo"]);
        assert.deepEqual(m.problems, []);
      }
    });
  });

  describe("the escape directive", () => {
    it("makes ` the escape and continuation character and leaves backslashes alone", () => {
      const text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCOPY C:\\src\\app `\n     C:\\app\\\nRUN dir c:\\app `\n  && echo done\n";
      const m = parse(text);
      assert.equal(m.escape, "`");
      assert.equal(m.directives.escape, "`");
      const [, copy, run] = m.instructions;
      assert.deepEqual(words(copy), ["C:\\src\\app", "C:\\app\\"]);
      assert.deepEqual(words(run), ["dir", "c:\\app", "&&", "echo", "done"]);
      assert.deepEqual(run.shell!.commands.map((c) => slice(text, c.span)), ["dir c:\\app", "echo done"]);
    });

    it("is a directive only at the top of the file, before any comment or instruction", () => {
      assert.equal(parse("# a comment\n# escape=`\nFROM x\n").escape, "\\");
      assert.equal(parse("FROM x\n# escape=`\n").escape, "\\");
      assert.equal(parse("\n# escape=`\nFROM x\n").escape, "\\");
      // A comment that is not a `key=value` directive ends the directives, even one that looks like an ignore.
      const m = parse("# whittle ignore=pip-cache\n# syntax=docker/dockerfile:1\nFROM x\n");
      assert.equal(m.directives.syntax, undefined);
      assert.equal(m.buildkit, false);
    });

    it("reads syntax, escape and check together, case-insensitively, and reports bad ones", () => {
      const m = parse("#  Syntax = docker/dockerfile:1.7\n# ESCAPE=`\n# check=skip=JSONArgsRecommended,StageNameCasing;error=true\nFROM x\n");
      assert.deepEqual([m.directives.syntax, m.escape, m.directives.checkSkip], ["docker/dockerfile:1.7", "`", ["JSONArgsRecommended", "StageNameCasing"]]);
      assert.deepEqual(messages("# escape=x\nFROM x\n"), ['invalid escape character "x": it must be \\ or `']);
      assert.deepEqual(messages("# escape=`\n# escape=\\\nFROM x\n"), ["only one escape parser directive can be used"]);
      assert.equal(parse("# escape=`\n# escape=\\\nFROM x\n").escape, "`");
    });
  });

  describe("heredocs", () => {
    it("reads several heredocs on one line, in order, and none of their lines as instructions", () => {
      const text = "FROM x\nRUN <<A <<B\necho a\nFROM y\nA\necho b\nB\nUSER app\n";
      const m = parse(text);
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN", "USER"]);
      const run = m.instructions[1];
      assert.deepEqual(run.heredocs.map((h) => [h.name, h.content]), [["A", "echo a\nFROM y"], ["B", "echo b"]]);
      assert.deepEqual(words(run), ["<<A", "<<B"]);
      assert.equal(slice(text, run.span), "RUN <<A <<B\necho a\nFROM y\nA\necho b\nB");
      assert.deepEqual(run.shell!.commands.map((c) => c.name), ["echo", "FROM", "echo"]);
    });

    it("closes <<- heredocs on a tab-indented delimiter and quoted ones on the bare name", () => {
      const text = 'FROM x\nCOPY <<-"EOT" /etc/app.conf\n\tkey=1\n\tEOT\nRUN <<\'EOF\' bash\necho $HOME\nEOF\n';
      const m = parse(text);
      const [, copy, run] = m.instructions;
      assert.deepEqual(copy.heredocs.map((h) => [h.name, h.content]), [["EOT", "\tkey=1"]]);
      assert.deepEqual(words(copy), ['<<-"EOT"', "/etc/app.conf"]);
      assert.deepEqual(run.heredocs.map((h) => [h.name, h.content]), [["EOF", "echo $HOME"]]);
      assert.deepEqual(m.problems, []);
    });

    it("does not close a plain heredoc on an indented delimiter", () => {
      const m = parse("FROM x\nRUN <<EOF\n  EOF\nEOF\n");
      assert.deepEqual(m.instructions[1].heredocs.map((h) => h.content), ["  EOF"]);
      assert.deepEqual(m.problems, []);
    });

    it("gives a heredoc feeding a command's stdin to the shell with the command line", () => {
      const text = "FROM x\nRUN python3 - <<EOF\nprint(1)\nEOF\n";
      const run = parse(text).instructions[1];
      assert.equal(run.heredocs[0].content, "print(1)");
      assert.deepEqual(run.shell!.commands.map((c) => c.name), ["python3"]);
    });

    it("finds no heredoc inside quotes, in the exec form, or in other instructions", () => {
      assert.deepEqual(parse('FROM x\nRUN echo "<<EOF"\nUSER app\n').instructions.map((i) => i.heredocs.length), [0, 0, 0]);
      assert.deepEqual(parse('FROM x\nRUN ["sh", "-c", "cat <<EOF"]\nUSER app\n').instructions.map((i) => i.keyword), ["FROM", "RUN", "USER"]);
      assert.deepEqual(parse("FROM x\nENV A=<<EOF\nUSER app\n").instructions.map((i) => i.keyword), ["FROM", "ENV", "USER"]);
      assert.deepEqual(parse("FROM x\nRUN cat <<\nUSER app\n").instructions.map((i) => i.keyword), ["FROM", "RUN", "USER"]);
    });

    it("reads the heredoc of an ONBUILD trigger", () => {
      const m = parse("FROM x\nONBUILD RUN <<EOF\npip install .\nEOF\nUSER app\n");
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "ONBUILD", "USER"]);
      assert.equal(m.instructions[1].heredocs[0].content, "pip install .");
    });

    it("reports an unclosed heredoc once, by its name, and takes the rest of the file as its body", () => {
      const text = "FROM x\nRUN <<A <<B\necho a\nA\necho b\nUSER app\n";
      const m = parse(text);
      assert.deepEqual(m.problems.map((p) => [p.message, slice(text, p.span)]), [["heredoc <<B is never closed: every line after it belongs to it", "RUN"]]);
      assert.deepEqual(m.instructions[1].heredocs.map((h) => h.content), ["echo a", "echo b\nUSER app\n"]);
      assert.equal(m.instructions.length, 2);
    });
  });

  describe("exec form and shell form", () => {
    it("reads a JSON array of strings as the exec form, escapes decoded, spans on the string literals", () => {
      const text = 'FROM x\nCMD [ "python",\t"-c", "print(\\"a b\\")" ]\n';
      const cmd = parse(text).instructions[1];
      assert.deepEqual(cmd.json!.map((w) => w.text), ["python", "-c", 'print("a b")']);
      assert.deepEqual(cmd.json!.map((w) => slice(text, w.span)), ['"python"', '"-c"', '"print(\\"a b\\")"']);
    });

    it("reads the exec form across a continuation", () => {
      const text = 'FROM x\nENTRYPOINT ["gunicorn", \\\n    "app:app"]\n';
      const ep = parse(text).instructions[1];
      assert.deepEqual(ep.json!.map((w) => w.text), ["gunicorn", "app:app"]);
      assert.equal(slice(text, ep.json![1].span), '"app:app"');
    });

    it("falls back to the shell form when the arguments are not a JSON array", () => {
      for (const cmd of ['CMD ["python" "app.py"]', "CMD ['python', 'app.py']", 'CMD ["python", ', "CMD [python]", 'CMD ["a\tb"]']) {
        const m = parse(`FROM x\n${cmd}\n`);
        assert.equal(m.instructions[1].json, undefined, cmd);
        assert.deepEqual(m.problems, [], cmd);
      }
    });

    it("ignores what follows the array, as the frontend's JSON decoder does", () => {
      assert.deepEqual(parse('FROM x\nCMD ["python"] app.py\n').instructions[1].json!.map((w) => w.text), ["python"]);
    });

    it("reports an array that holds something other than strings", () => {
      assert.deepEqual(messages('FROM x\nCMD ["sleep", 5]\n'), ["a JSON array of arguments must hold strings only"]);
    });

    it("reads the exec form after RUN flags", () => {
      const run = parse('FROM x\nRUN --network=none ["/bin/true"]\n').instructions[1];
      assert.deepEqual([run.flags.map((f) => f.name), run.json!.map((w) => w.text)], [["network"], ["/bin/true"]]);
    });
  });

  describe("flags", () => {
    it("reads leading --name=value words, mount options and exact spans", () => {
      const text = "FROM x\nRUN --mount=type=cache,target=/root/.cache/pip,sharing=locked --network=host pip install --no-cache-dir x\n";
      const run = parse(text).instructions[1];
      assert.deepEqual(run.flags.map((f) => [f.name, f.value]), [["mount", "type=cache,target=/root/.cache/pip,sharing=locked"], ["network", "host"]]);
      const [mount] = run.flags;
      assert.deepEqual([slice(text, mount.span), slice(text, mount.nameSpan), slice(text, mount.valueSpan)], [
        "--mount=type=cache,target=/root/.cache/pip,sharing=locked",
        "mount",
        "type=cache,target=/root/.cache/pip,sharing=locked",
      ]);
      assert.deepEqual(run.mounts.map((m) => [m.type, m.target, m.options.sharing]), [["cache", "/root/.cache/pip", "locked"]]);
      assert.deepEqual(words(run), ["pip", "install", "--no-cache-dir", "x"]);
      assert.equal(slice(text, run.argsSpan), "pip install --no-cache-dir x");
    });

    it("reads flags of FROM, COPY and HEALTHCHECK, a flag without a value, and stops at the first other word", () => {
      const m = parse(
        "FROM --platform=$BUILDPLATFORM python:3.12 AS build\nCOPY --from=build --chown=app:app --link /a /b\nHEALTHCHECK --interval=30s CMD curl --fail x\nCOPY -- --odd /dst\n",
      );
      const [from, copy, health, odd] = m.instructions;
      assert.deepEqual(from.flags.map((f) => [f.name, f.value]), [["platform", "$BUILDPLATFORM"]]);
      assert.equal(m.stages[0].image.raw, "python:3.12");
      assert.equal(m.stages[0].name, "build");
      assert.deepEqual(copy.flags.map((f) => [f.name, f.value]), [["from", "build"], ["chown", "app:app"], ["link", null]]);
      assert.deepEqual(words(copy), ["/a", "/b"]);
      assert.deepEqual(health.flags.map((f) => f.name), ["interval"]);
      assert.deepEqual(words(health), ["CMD", "curl", "--fail", "x"]);
      assert.deepEqual([odd.flags, words(odd)], [[], ["--odd", "/dst"]]);
    });

    it("groups quoted flag values and removes the quotes, as the frontend does", () => {
      const text = 'FROM x\nRUN --mount=type=cache,target="/root/.cache/pip" --mount="type=secret,id=a b" pip install x\n';
      const run = parse(text).instructions[1];
      assert.deepEqual(run.mounts.map((m) => [m.type, m.target ?? m.options.id]), [["cache", "/root/.cache/pip"], ["secret", "a b"]]);
      assert.equal(slice(text, run.flags[1].valueSpan), '"type=secret,id=a b"');
      assert.deepEqual(words(run), ["pip", "install", "x"]);
      assert.deepEqual(messages("FROM x\nRUN --mount=type=cache,target='/root/.cache pip install x\n"), [
        "unclosed quote in --mount: the rest of the line belongs to the flag",
      ]);
    });

    it("reads no flags in instructions that take none", () => {
      const m = parse("FROM x\nCMD --help\nENV --A=1\n");
      assert.deepEqual(m.instructions.map((i) => i.flags.length), [0, 0, 0]);
      assert.deepEqual(words(m.instructions[1]), ["--help"]);
    });
  });

  describe("ENV, LABEL and ARG", () => {
    const props = (ins: Instruction) => ins.properties.map((p) => [p.name, p.value]);

    it("reads name=value pairs, quotes grouping and removed, spans on the pair, the name and the value", () => {
      const text = 'FROM x\nENV A=1 B="two words" C=\'$HOME\' D="say \\"hi\\"" E= F=a\\ b\n';
      const env = parse(text).instructions[1];
      assert.deepEqual(props(env), [["A", "1"], ["B", "two words"], ["C", "$HOME"], ["D", 'say "hi"'], ["E", ""], ["F", "a b"]]);
      const b = env.properties[1];
      assert.deepEqual([slice(text, b.span), slice(text, b.nameSpan), slice(text, b.valueSpan)], ['B="two words"', "B", '"two words"']);
      assert.equal(slice(text, env.properties[4].valueSpan), "");
    });

    it("reads the legacy `ENV name value` form: everything after the name is the value", () => {
      const text = "FROM x\nENV PATH /opt/venv/bin:$PATH\nENV GREETING hello  big world\n";
      const m = parse(text);
      assert.deepEqual(props(m.instructions[1]), [["PATH", "/opt/venv/bin:$PATH"]]);
      assert.deepEqual(props(m.instructions[2]), [["GREETING", "hello  big world"]]);
      assert.equal(slice(text, m.instructions[2].properties[0].valueSpan), "hello  big world");
    });

    it("reads pairs continued over lines", () => {
      const text = "FROM x\nENV PIP_NO_CACHE_DIR=1 \\\n    # pip's version check is noise\n    PIP_DISABLE_PIP_VERSION_CHECK=1\n";
      const env = parse(text).instructions[1];
      assert.deepEqual(props(env), [["PIP_NO_CACHE_DIR", "1"], ["PIP_DISABLE_PIP_VERSION_CHECK", "1"]]);
      assert.equal(slice(text, env.properties[1].span), "PIP_DISABLE_PIP_VERSION_CHECK=1");
    });

    it("reads quoted LABEL keys, ARG names without a default, and ENV with a name only", () => {
      const m = parse('ARG PY ARG2=3.12\nFROM x\nLABEL "org.opencontainers.image.title"="my app" version=1\nENV A\n');
      assert.deepEqual(props(m.instructions[0]), [["PY", null], ["ARG2", "3.12"]]);
      assert.deepEqual(props(m.instructions[2]), [["org.opencontainers.image.title", "my app"], ["version", "1"]]);
      assert.deepEqual(props(m.instructions[3]), [["A", null]]);
      assert.deepEqual(m.problems.map((p) => p.message), ["ENV A has no value: write A=<value>"]);
      assert.deepEqual(messages("FROM x\nLABEL a\n"), ["LABEL a has no value: write a=<value>"]);
    });
  });

  describe("text encodings and junk", () => {
    it("reads CRLF files: no carriage return in words, spans or heredoc bodies", () => {
      const text = "# syntax=docker/dockerfile:1\r\nFROM x\r\nRUN echo a \\\r\n && echo b\r\nCOPY <<EOF /x\r\nhello\r\nEOF\r\nUSER app\r\n";
      const m = parse(text);
      assert.equal(m.directives.syntax, "docker/dockerfile:1");
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN", "COPY", "USER"]);
      const [, run, copy, user] = m.instructions;
      assert.equal(slice(text, run.span), "RUN echo a \\\r\n && echo b");
      assert.deepEqual(run.shell!.commands.map((c) => slice(text, c.span)), ["echo a", "echo b"]);
      assert.deepEqual(copy.heredocs.map((h) => h.content), ["hello"]);
      assert.equal(slice(text, user.span), "USER app");
      assert.deepEqual(m.problems, []);
    });

    it("skips a byte-order mark before the directives and the first instruction", () => {
      const withDirective = parse("\uFEFF# escape=`\nFROM x\n");
      assert.equal(withDirective.escape, "`");
      const text = "\uFEFFfrom python:3.12\n";
      const m = parse(text);
      assert.equal(m.instructions[0].keyword, "FROM");
      assert.equal(slice(text, m.instructions[0].keywordSpan), "from");
      assert.deepEqual(m.problems, []);
    });

    it("takes keywords in any case", () => {
      const m = parse("from python:3.12 as base\nRun pip install x\ncopy . .\n");
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["FROM", "RUN", "COPY"]);
      assert.equal(m.stages[0].name, "base");
    });

    it("reports binary junk as unknown instructions with readable names, and a lone carriage return, without throwing", () => {
      const text = "\u0000\u0001ELF\u0002\u0003 \uFFFD\uFFFD\nFROM x\rRUN echo\n";
      const m = parse(text);
      assert.deepEqual(m.problems.map((p) => p.message), [
        "carriage return without a line feed: Docker ends lines only at line feeds, so the text after it continues the same line",
        'unknown instruction "\\u0000\\u0001ELF\\u0002\\u0003"',
        "FROM takes an image and an optional AS name",
      ]);
      assert.deepEqual(m.instructions.map((i) => i.keyword), ["\u0000\u0001ELF\u0002\u0003", "FROM"]);
    });
  });
});
