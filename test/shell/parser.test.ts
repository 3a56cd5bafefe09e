import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { logicalLine } from "../../src/dockerfile/parse.js";
import { parseShell } from "../../src/shell/parser.js";
import { invocation, hasFlag, flagValue } from "../../src/shell/invocation.js";
import { systemPackageOp } from "../../src/shell/packages.js";
import { pythonOp, requirementFiles, installsProject, isWheelhouseInstall } from "../../src/shell/python.js";

const parse = (s: string) => parseShell(s, (o) => o);

describe("shell parser", () => {
  it("splits chains into simple commands with their separators and offsets", () => {
    const text = "apt-get update && apt-get install -y gcc; rm -rf /x || true | cat";
    const s = parse(text);
    assert.deepEqual(s.commands.map((c) => [c.name, c.separator]), [["apt-get", "start"], ["apt-get", "&&"], ["rm", ";"], ["true", "||"], ["cat", "|"]]);
    const gcc = s.commands[1].words[3];
    assert.equal(text.slice(gcc.span.start, gcc.span.end), "gcc");
    assert.equal(s.errors.length, 0);
  });

  it("finds commands in subshells, command substitutions and sh -c strings", () => {
    const s = parse(`(cd /app && make) && echo "$(pip --version)" && sh -c 'pip install flask'`);
    assert.deepEqual(s.commands.map((c) => [c.name, c.nested]), [["cd", false], ["make", false], ["echo", false], ["pip", true], ["sh", false], ["pip", true]]);
    const text = `(cd /app && make) && echo "$(pip --version)" && sh -c 'pip install flask'`;
    const flask = s.commands[5].words[2];
    assert.equal(text.slice(flask.span.start, flask.span.end), "flask");
  });

  it("unquotes words and marks expansions as non-literal", () => {
    const s = parse(`pip install "flask==3.0" 'x y' $PKG pre"mid"post`);
    const w = s.commands[0].words;
    assert.deepEqual(w.map((x) => [x.text, x.literal]), [["pip", true], ["install", true], ["flask==3.0", true], ["x y", true], ["$PKG", false], ["premidpost", true]]);
  });

  it("keeps export and prefix assignments", () => {
    const s = parse("export A=1 B=two && C=3 pip install x");
    assert.equal(s.commands[0].name, "export");
    assert.deepEqual(s.commands[0].words.slice(1).map((w) => w.text), ["A=1", "B=two"]);
    assert.deepEqual(s.commands[1].assignments.map((a) => [a.name, a.value]), [["C", "3"]]);
  });

  it("reports broken syntax without throwing", () => {
    const s = parse(`echo "unterminated && apt-get install x`);
    assert.ok(s.errors.length > 0);
  });

  it("keeps the words read before an unterminated quote, and reports the quote", () => {
    const text = `pip install "django<5`;
    const s = parse(text);
    assert.deepEqual(s.commands.map((c) => c.words.map((w) => w.text)), [["pip", "install"]]);
    assert.deepEqual(s.errors, [{ start: text.indexOf('"'), end: text.length }]);
  });

  it("skips here-document bodies and reads on after them", () => {
    const text = "python3 - <<'EOF' > /out\nprint('(' if True else ')')\nEOF\npip install x";
    const s = parse(text);
    assert.deepEqual(s.commands.map((c) => [c.name, c.separator]), [["python3", "start"], ["pip", "newline"]]);
    assert.deepEqual(s.errors, []);
  });

  it("reads compound commands and marks every substitution nested", () => {
    const s = parse(`for f in $(ls /w); do [[ -f "$f" && $f != *.tmp ]] && pip install "$f"; done; case "$A" in (x|y) apt-get update ;; esac; while read -r l; do echo "$l"; done < <(cat f)`);
    assert.deepEqual(s.commands.map((c) => [c.name, c.nested]), [["ls", true], ["pip", false], ["apt-get", false], ["read", false], ["echo", false], ["cat", true]]);
    assert.deepEqual(s.errors, []);
  });

  it("treats lone dollars and array assignments as text", () => {
    const s = parse(`A=(1 2) B=$ echo $ "a $" x$`);
    assert.deepEqual(s.commands[0].assignments.map((a) => [a.name, a.value]), [["A", "(1 2)"], ["B", "$"]]);
    assert.deepEqual(s.commands[0].words.map((w) => [w.text, w.literal]), [["echo", true], ["$", true], ["a $", true], ["x$", true]]);
  });

  it("reports nesting deeper than any real script instead of running out of stack", () => {
    const deep = `echo ${"$(".repeat(20000)}x${")".repeat(20000)} && pip install flask`;
    const s = parse(deep);
    assert.ok(s.errors.length > 0);
    assert.equal(s.commands[0].name, "echo");
    assert.ok(parse(`${"( ".repeat(20000)}true${" )".repeat(20000)}`).errors.length > 0);
    assert.deepEqual(parse(`echo ${"$(".repeat(50)}x${")".repeat(50)}`).errors, []);
  });

  it("keeps every span inside the text on random token soup (and never throws)", () => {
    const tokens = ["a", "b", " ", "\n", "\t", ";", "&", "&&", "|", "||", "(", ")", "{", "}", "$", "$(", "${", "`", "'", '"', "\\", "<", ">", "<<", "<<-", "EOF", "if", "then", "fi", "for", "in", "do", "done", "case", "esac", ";;", "[[", "]]", "#", "=", "x=", "-c", "sh", "!", "((", "))", "<(", "while", "function", "\r"];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const inside = (span: { start: number; end: number }, length: number) => span.start >= 0 && span.start <= span.end && span.end <= length;
    for (let n = 0; n < 5000; n++) {
      let text = "";
      for (let i = Math.floor(random() * 30); i > 0; i--) text += tokens[Math.floor(random() * tokens.length)] + (random() < 0.5 ? " " : "");
      const s = parse(text);
      const ok = s.commands.every((c) => inside(c.span, text.length) && c.words.every((w) => inside(w.span, text.length))) && s.errors.every((e) => inside(e, text.length + 1));
      if (!ok) assert.fail(`a span outside ${JSON.stringify(text)}`);
    }
    assert.deepEqual(parse("echo \\").commands[0].words[1].span, { start: 5, end: 6 });
  });

  it("maps offsets back through the offset map", () => {
    const s = parseShell("pip install x", (o) => 100 + o);
    assert.deepEqual(s.commands[0].words[2].span, { start: 112, end: 113 });
  });

  it("counts top-level statements for heredoc bodies", () => {
    assert.equal(parse("set -e\napt-get update\napt-get install -y x\n").topLevelStatements, 3);
    assert.equal(parse("apt-get update && apt-get install -y x\n").topLevelStatements, 1);
  });
});

describe("logical lines", () => {
  it("joins continuations, drops comment and blank lines inside them, and maps offsets back", () => {
    const text = "RUN pip install \\\n  # a comment\n\n  flask \\\n  gunicorn\n";
    const start = 4;
    const { text: joined, map } = logicalLine(text, start, text.length - 1, "\\");
    assert.equal(joined, "pip install   flask   gunicorn");
    const at = joined.indexOf("gunicorn");
    assert.equal(text.slice(map(at), map(at) + 8), "gunicorn");
  });

  it("honours a backtick escape character", () => {
    const text = "RUN pip install `\n    flask\n";
    const { text: joined } = logicalLine(text, 4, text.length - 1, "`");
    assert.equal(joined, "pip install     flask");
  });
});

describe("recognisers", () => {
  const cmd = (s: string) => parse(s).commands[0];

  it("peels wrappers and python -m", () => {
    assert.equal(invocation(cmd("sudo -E env A=1 python3.12 -m pip install x")).tool, "pip");
    assert.equal(invocation(cmd("/opt/venv/bin/pip3 install x")).tool, "pip");
    assert.equal(invocation(cmd("uv pip install x")).tool, "uv-pip");
    assert.deepEqual(invocation(cmd("env A=1 B=2 pip x")).env, { A: "1", B: "2" });
  });

  it("matches bundled short flags and --flag=value", () => {
    const c = cmd("apt-get install -qy --option=Dpkg::Use-Pty=0 curl");
    assert.ok(hasFlag(c.words, "-y"));
    assert.ok(!hasFlag(c.words, "-f"));
    assert.equal(flagValue(c.words, "--option")?.value, "Dpkg::Use-Pty=0");
  });

  it("recognises system package managers", () => {
    const apt = systemPackageOp(cmd("apt-get -o Acquire::Retries=3 install -y --no-install-recommends gcc libpq-dev"))!;
    assert.equal(apt.manager, "apt");
    assert.equal(apt.action, "install");
    assert.deepEqual(apt.packages.map((w) => w.text), ["gcc", "libpq-dev"]);
    const apk = systemPackageOp(cmd("apk add --no-cache --virtual .build-deps gcc musl-dev"))!;
    assert.deepEqual([apk.manager, apk.action, apk.packages.map((w) => w.text)], ["apk", "install", ["gcc", "musl-dev"]]);
    assert.equal(systemPackageOp(cmd("yum -y update"))!.action, "upgrade");
    assert.equal(systemPackageOp(cmd("zypper -n in python3"))!.action, "install");
    assert.equal(systemPackageOp(cmd("echo apt-get install")), undefined);
  });

  it("recognises Python installers", () => {
    const pip = pythonOp(cmd("pip install --no-cache-dir -r requirements.txt -e ."))!;
    assert.equal(pip.action, "install");
    assert.deepEqual(requirementFiles(pip).map((w) => w.text), ["requirements.txt"]);
    assert.ok(installsProject(pip));
    assert.ok(!installsProject(pythonOp(cmd("pip install flask"))!));
    assert.ok(isWheelhouseInstall(pythonOp(cmd("pip install --no-index --find-links /wheels -r req.txt"))!));
    const poetry = pythonOp(cmd("poetry install --only main --no-root"))!;
    assert.deepEqual([poetry.tool, poetry.action], ["poetry", "install"]);
    assert.deepEqual([pythonOp(cmd("uv sync --frozen"))!.tool, pythonOp(cmd("uv sync --frozen"))!.action], ["uv", "sync"]);
  });
});
