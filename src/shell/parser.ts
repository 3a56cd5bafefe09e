import type { Span } from "../text/source.js";

/** A shell word with its file offsets; `text` has quotes removed, `literal` is false when it holds expansions. */
export interface Word {
  text: string;
  raw: string;
  span: Span;
  literal: boolean;
}

export interface Assignment {
  name: string;
  value: string;
  span: Span;
}

/** How a command is joined to the one before it in its script. */
export type Separator = "&&" | "||" | ";" | "|" | "newline" | "start";

export interface SimpleCommand {
  /** Program name as written (first word), e.g. "apt-get", "/opt/venv/bin/pip". */
  name: string;
  words: Word[];
  assignments: Assignment[];
  span: Span;
  separator: Separator;
  /** Depth of nesting inside command substitutions, subshells run through `sh -c` and the like. */
  nested: boolean;
}

export interface ShellScript {
  commands: SimpleCommand[];
  /** Spans the shell grammar could not parse. */
  errors: Span[];
  /** Number of statements at the top level (newline or `;` separated). */
  topLevelStatements: number;
}

/** Maps an offset in the parsed text back to an offset in the file. */
export type OffsetMap = (offset: number) => number;

/**
 * Parses a shell script (POSIX sh with the bash constructs Dockerfiles use: `[[ ]]`, `(( ))`, here-strings,
 * `$'...'`, process substitution, `function`) into its simple commands, in one pass over the text.
 * Never throws: what does not parse is reported in `errors` and parsing resumes on the next line.
 */
export function parseShell(text: string, map: OffsetMap): ShellScript {
  const sink: Sink = { commands: [], errors: [] };
  const topLevelStatements = new ShellParser(text, map, sink, false).program();
  sink.commands.sort((a, b) => a.span.start - b.span.start);
  return { commands: sink.commands, errors: sink.errors, topLevelStatements };
}

export function basename(name: string): string {
  const i = name.lastIndexOf("/");
  return i >= 0 ? name.slice(i + 1) : name;
}

interface Sink {
  commands: SimpleCommand[];
  errors: Span[];
}

/** Statements of one compound command share this so each knows what joins it to the one before. */
interface Sequence {
  inherited: Separator;
  prevEnd: number;
  first: boolean;
}

/** What ends a statement list besides the end of the text. */
interface Stop {
  keywords?: ReadonlySet<string>;
  paren?: boolean;
  caseItem?: boolean;
}

interface ParsedWord extends Word {
  /** The inside of the word's quotes, when the word is one quoted string without expansions. */
  quoted?: Span;
}

/** Thrown at a syntax error; the nearest statement list records it and skips to the next line. */
class SyntaxFailure {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

const WRAPPERS_WITH_SCRIPT = new Set(["sh", "bash", "dash", "ash", "zsh"]);
const DECLARATIONS = new Set(["export", "declare", "readonly", "local", "typeset"]);
const CLOSERS = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}"]);
const stopAt = (...keywords: string[]): Stop => ({ keywords: new Set(keywords) });
const TOP: Stop = {};
const PAREN: Stop = { paren: true };
const THEN = stopAt("then");
const IF_BODY = stopAt("elif", "else", "fi");
const FI = stopAt("fi");
const DO = stopAt("do");
const DONE = stopAt("done");
const BRACE = stopAt("}");
const CASE_ITEM: Stop = { keywords: new Set(["esac"]), caseItem: true };
const MAX_NESTING = 100;
const ASSIGNMENT = /[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/y;
const REDIRECT = /(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(<<<|<<-|<<|<>|<&|>>|>&|>\||&>>|&>|<|>)/y;

/** Characters that end an unquoted word. */
function isMeta(c: number): boolean {
  // space \t \n \r ; & | ( ) < >
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 59 || c === 38 || c === 124 || c === 40 || c === 41 || c === 60 || c === 62;
}

/** Characters that start something other than plain text inside a word. */
function isSpecial(c: number): boolean {
  // \ ' " $ `
  return c === 92 || c === 39 || c === 34 || c === 36 || c === 96;
}

// @ * # ? $ ! -
const SPECIAL_PARAMETERS = new Set([64, 42, 35, 63, 36, 33, 45]);
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);

class ShellParser {
  private pos = 0;
  /** End of the last token that belongs to a statement (words, closing keywords, parentheses). */
  private lastEnd = 0;
  private heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly text: string,
    private readonly map: OffsetMap,
    private readonly sink: Sink,
    private readonly nestedScript: boolean,
    /** How many statement lists enclose this one, across `sh -c` strings and backticks. */
    private depth = 0,
  ) {}

  program(): number {
    return this.list({ inherited: "start", prevEnd: 0, first: true }, TOP, this.nestedScript);
  }

  private span(s: number, e: number): Span {
    return { start: this.map(s), end: e > s ? this.map(e - 1) + 1 : this.map(s) };
  }

  private fail(start: number, end = start + 1): never {
    throw new SyntaxFailure(start, Math.min(Math.max(end, start + 1), Math.max(this.text.length, start + 1)));
  }

  private code(offset = this.pos): number {
    return this.text.charCodeAt(offset);
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  // ---- blanks, comments, newlines and here-document bodies ----

  /** Skips spaces, tabs, carriage returns and backslash-newline continuations. */
  private blanks(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) this.pos++;
      else if (c === 92 && t.charCodeAt(this.pos + 1) === 10) this.pos += 2;
      else return;
    }
  }

  private comment(): void {
    if (this.code() !== 35) return;
    const nl = this.text.indexOf("\n", this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
  }

  /** Skips blanks, comments and newlines; a newline ends the lines of pending here-documents. */
  private linebreaks(): void {
    for (;;) {
      this.blanks();
      this.comment();
      if (this.code() !== 10) return;
      this.pos++;
      if (this.heredocs.length) this.heredocBodies();
    }
  }

  private heredocBodies(): void {
    const t = this.text;
    for (const { delimiter, stripTabs } of this.heredocs) {
      while (this.pos < t.length) {
        const nl = t.indexOf("\n", this.pos);
        const lineEnd = nl < 0 ? t.length : nl;
        let line = t.slice(this.pos, lineEnd);
        this.pos = nl < 0 ? t.length : nl + 1;
        if (stripTabs) line = line.replace(/^\t+/, "");
        if (line.replace(/\r$/, "") === delimiter) break;
      }
    }
    this.heredocs = [];
  }

  // ---- statements ----

  /** Statements until the end of the text or a token in `stop`; returns how many it read. */
  private list(seq: Sequence, stop: Stop, nested: boolean): number {
    // No real script nests this deep; a hostile one would otherwise take the parser's stack with it.
    if (this.depth >= MAX_NESTING) this.fail(this.pos);
    this.depth++;
    try {
      return this.statements(seq, stop, nested);
    } finally {
      this.depth--;
    }
  }

  private statements(seq: Sequence, stop: Stop, nested: boolean): number {
    let count = 0;
    for (;;) {
      this.linebreaks();
      if (this.atEnd() || this.atStop(stop)) return count;
      const start = this.pos;
      count++;
      try {
        const sep: Separator = seq.first ? seq.inherited : this.text.slice(seq.prevEnd, start).includes("\n") ? "newline" : ";";
        this.andOr(sep, nested);
        seq.first = false;
        seq.prevEnd = this.lastEnd;
        this.blanks();
        this.comment();
        const c = this.code();
        const next = this.code(this.pos + 1);
        if ((c === 59 && next !== 59 && next !== 38) || (c === 38 && next !== 38 && next !== 62)) this.pos++;
        else if (c !== 10 && !this.atEnd() && !this.atStop(stop)) this.fail(this.pos, this.operatorEnd());
      } catch (err) {
        if (!(err instanceof SyntaxFailure)) throw err;
        this.sink.errors.push(this.span(err.start, err.end));
        const nl = this.text.indexOf("\n", Math.max(this.pos, start + 1, err.start));
        this.pos = nl < 0 ? this.text.length : nl;
        seq.first = false;
        seq.prevEnd = this.pos;
      }
    }
  }

  private atStop(stop: Stop): boolean {
    const c = this.code();
    if (c === 41) return stop.paren === true;
    if (stop.caseItem && c === 59 && (this.code(this.pos + 1) === 59 || this.code(this.pos + 1) === 38)) return true;
    return stop.keywords !== undefined && stop.keywords.has(this.reservedWord() ?? "");
  }

  /** End of the operator (or character) at `pos`, for error spans. */
  private operatorEnd(): number {
    const two = this.text.slice(this.pos, this.pos + 2);
    return this.pos + (["&&", "||", ";;", "|&", ";&", "&>"].includes(two) ? 2 : 1);
  }

  /** `<(` or `>(`. */
  private atProcessSubstitution(): boolean {
    const c = this.code();
    return (c === 60 || c === 62) && this.code(this.pos + 1) === 40;
  }

  private atCommandStart(): boolean {
    if (this.atEnd()) return false;
    const c = this.code();
    // ; & | )
    return c !== 59 && c !== 38 && c !== 124 && c !== 41;
  }

  private andOr(sep: Separator, nested: boolean): void {
    this.pipeline(sep, nested);
    for (;;) {
      this.blanks();
      const two = this.text.slice(this.pos, this.pos + 2);
      if (two !== "&&" && two !== "||") return;
      const opStart = this.pos;
      this.pos += 2;
      this.linebreaks();
      if (!this.atCommandStart()) this.fail(opStart, opStart + 2);
      this.pipeline(two as Separator, nested);
    }
  }

  private pipeline(sep: Separator, nested: boolean): void {
    this.blanks();
    if (this.reservedWord() === "!") {
      this.pos++;
      this.blanks();
    }
    this.command(sep, nested);
    for (;;) {
      this.blanks();
      if (this.code() !== 124 || this.code(this.pos + 1) === 124) return;
      const opStart = this.pos;
      this.pos += this.code(this.pos + 1) === 38 ? 2 : 1;
      this.linebreaks();
      if (!this.atCommandStart()) this.fail(opStart, this.pos);
      this.command("|", nested);
    }
  }

  /** The unquoted word at `pos` when it could be a reserved word (only reserved in command position). */
  private reservedWord(): string | undefined {
    const t = this.text;
    let end = this.pos;
    while (end < t.length && !isMeta(t.charCodeAt(end)) && !isSpecial(t.charCodeAt(end))) end++;
    if (end === this.pos || end - this.pos > 8) return undefined;
    if (end < t.length && !isMeta(t.charCodeAt(end))) return undefined;
    return t.slice(this.pos, end);
  }

  /** Consumes the reserved word `kw`, or fails at the construct that needed it. */
  private keyword(kw: string, opener: number, openerEnd: number): void {
    this.linebreaks();
    if (this.reservedWord() !== kw) this.fail(opener, openerEnd);
    this.pos += kw.length;
    this.lastEnd = this.pos;
  }

  private command(sep: Separator, nested: boolean): void {
    const start = this.pos;
    if (this.code() === 40) {
      if (this.code(start + 1) === 40) {
        this.arithmetic();
      } else {
        this.pos++;
        this.list({ inherited: sep, prevEnd: start, first: true }, PAREN, nested);
        if (this.code() !== 41) this.fail(start);
        this.pos++;
        this.lastEnd = this.pos;
      }
      this.redirects();
      return;
    }
    const word = this.reservedWord();
    const end = start + (word?.length ?? 0);
    const seq: Sequence = { inherited: sep, prevEnd: start, first: true };
    switch (word) {
      case "{":
        this.pos = end;
        this.list(seq, BRACE, nested);
        this.keyword("}", start, end);
        break;
      case "if":
        this.pos = end;
        this.list(seq, THEN, nested);
        this.keyword("then", start, end);
        this.list(seq, IF_BODY, nested);
        while (this.reservedWord() === "elif") {
          this.pos += 4;
          this.list(seq, THEN, nested);
          this.keyword("then", start, end);
          this.list(seq, IF_BODY, nested);
        }
        if (this.reservedWord() === "else") {
          this.pos += 4;
          this.list(seq, FI, nested);
        }
        this.keyword("fi", start, end);
        break;
      case "for":
      case "select":
        this.pos = end;
        this.forHead(start, end);
        seq.first = false;
        seq.prevEnd = this.lastEnd;
        this.doGroup(seq, start, end, nested);
        break;
      case "while":
      case "until":
        this.pos = end;
        this.list(seq, DO, nested);
        this.doGroup(seq, start, end, nested);
        break;
      case "case":
        this.pos = end;
        this.caseBody(seq, start, end, nested);
        break;
      case "function":
        this.pos = end;
        this.blanks();
        if (this.atEnd() || isMeta(this.code())) this.fail(start, end);
        this.word();
        this.functionBody(sep, nested, true);
        return;
      case "[[":
        this.pos = end;
        this.conditional(start, end);
        break;
      default:
        if (word !== undefined && CLOSERS.has(word)) this.fail(start, end);
        this.simpleCommand(sep, nested);
        return;
    }
    this.redirects();
  }

  private doGroup(seq: Sequence, opener: number, openerEnd: number, nested: boolean): void {
    this.keyword("do", opener, openerEnd);
    this.list(seq, DONE, nested);
    this.keyword("done", opener, openerEnd);
  }

  /** `for NAME [in WORDS] ;` or `for ((...));` */
  private forHead(opener: number, openerEnd: number): void {
    this.blanks();
    if (this.text.startsWith("((", this.pos)) {
      this.arithmetic();
    } else {
      if (this.atEnd() || isMeta(this.code())) this.fail(opener, openerEnd);
      this.word();
      this.linebreaks();
      if (this.reservedWord() === "in") {
        this.pos += 2;
        for (;;) {
          this.blanks();
          if (this.atEnd() || isMeta(this.code()) || this.code() === 35) break;
          this.word();
        }
      }
    }
    this.blanks();
    if (this.code() === 59) this.pos++;
  }

  private caseBody(seq: Sequence, opener: number, openerEnd: number, nested: boolean): void {
    this.blanks();
    if (this.atEnd() || isMeta(this.code())) this.fail(opener, openerEnd);
    this.word();
    this.keyword("in", opener, openerEnd);
    for (;;) {
      this.linebreaks();
      if (this.reservedWord() === "esac") break;
      if (this.atEnd()) this.fail(opener, openerEnd);
      if (this.code() === 40) this.pos++;
      for (;;) {
        this.blanks();
        if (this.atEnd() || isMeta(this.code())) this.fail(this.pos, this.operatorEnd());
        this.word();
        this.blanks();
        const c = this.code();
        this.pos++;
        if (c === 41) break;
        if (c !== 124) this.fail(this.pos - 1);
      }
      seq.first = false;
      seq.prevEnd = this.pos;
      this.list(seq, CASE_ITEM, nested);
      this.linebreaks();
      if (this.text.startsWith(";;&", this.pos)) this.pos += 3;
      else if (this.text.startsWith(";;", this.pos) || this.text.startsWith(";&", this.pos)) this.pos += 2;
      else if (this.reservedWord() !== "esac") this.fail(opener, openerEnd);
    }
    this.pos += 4;
    this.lastEnd = this.pos;
  }

  /** `[[ ... ]]`: its operands are words (with substitutions to visit); `<`, `>`, `&&`, `(` are its own operators. */
  private conditional(opener: number, openerEnd: number): void {
    for (;;) {
      this.blanks();
      const c = this.code();
      if (this.atEnd() || c === 10) this.fail(opener, openerEnd);
      if (c === 93 && this.code(this.pos + 1) === 93 && (this.pos + 2 >= this.text.length || isMeta(this.code(this.pos + 2)))) {
        this.pos += 2;
        this.lastEnd = this.pos;
        return;
      }
      if (isMeta(c)) this.pos++;
      else this.word();
    }
  }

  /** `((...))`, balanced on parentheses. */
  private arithmetic(): void {
    const start = this.pos;
    let depth = 0;
    const t = this.text;
    for (; this.pos < t.length; this.pos++) {
      const c = t.charCodeAt(this.pos);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) {
        this.pos++;
        this.lastEnd = this.pos;
        return;
      }
    }
    this.fail(start, start + 2);
  }

  /** After `name` (or `function name`): optional `()`, then the body, a compound command. */
  private functionBody(sep: Separator, nested: boolean, parensOptional: boolean): void {
    this.blanks();
    if (this.code() === 40) {
      const open = this.pos;
      this.pos++;
      this.blanks();
      if (this.code() !== 41) this.fail(open);
      this.pos++;
    } else if (!parensOptional) {
      this.fail(this.pos);
    }
    this.linebreaks();
    if (this.atEnd()) this.fail(this.pos - 1);
    this.command(sep, nested);
  }

  private redirects(): void {
    for (;;) {
      this.blanks();
      if (!this.redirect()) return;
    }
  }

  /** Reads one redirection at `pos` (operator and target) and returns true, or returns false. */
  private redirect(): boolean {
    const c = this.code();
    // digits, { < > &
    if (!((c >= 48 && c <= 57) || c === 123 || c === 60 || c === 62 || c === 38)) return false;
    REDIRECT.lastIndex = this.pos;
    const m = REDIRECT.exec(this.text);
    if (!m) return false;
    const opStart = this.pos;
    const op = m[2];
    // `<(` and `>(` are process substitutions: words, not redirections
    if (!m[1] && this.atProcessSubstitution()) return false;
    this.pos += m[0].length;
    this.blanks();
    if (this.atEnd() || (isMeta(this.code()) && !this.atProcessSubstitution())) this.fail(opStart, this.pos);
    const target = this.word();
    if (op === "<<" || op === "<<-") this.heredocs.push({ delimiter: target.text, stripTabs: op === "<<-" });
    return true;
  }

  private simpleCommand(sep: Separator, nested: boolean): void {
    const assignments: Assignment[] = [];
    const words: ParsedWord[] = [];
    let declaration = false;
    for (;;) {
      this.blanks();
      if (this.atEnd()) break;
      if (this.redirect()) continue;
      const c = this.code();
      if (isMeta(c) && !this.atProcessSubstitution()) break;
      // a `#` at the start of a word starts a comment
      if (c === 35) break;
      if (words.length === 0 || declaration) {
        const assignment = this.assignment();
        if (assignment) {
          if (declaration) words.push(assignment.word);
          else assignments.push(assignment.assignment);
          continue;
        }
      }
      let word: ParsedWord;
      try {
        word = this.word();
      } catch (err) {
        // keep what was read: checks still see `pip install` in `pip install "django<5`
        this.emit(words, assignments, sep, nested);
        throw err;
      }
      words.push(word);
      if (words.length === 1) {
        declaration = word.literal && DECLARATIONS.has(word.raw);
        this.blanks();
        if (this.code() === 40 && word.literal && !word.quoted) {
          this.functionBody(sep, nested, false);
          return;
        }
      }
    }
    this.emit(words, assignments, sep, nested);
  }

  private emit(words: ParsedWord[], assignments: Assignment[], sep: Separator, nested: boolean): void {
    // `[ ... ]` is a test, as `[[ ... ]]` is
    if (words.length === 0 || words[0].raw === "[") return;
    const spanStart = assignments.length ? Math.min(assignments[0].span.start, words[0].span.start) : words[0].span.start;
    const cmd: SimpleCommand = {
      name: words[0].text,
      words: words.map(({ quoted: _, ...w }) => w),
      assignments,
      span: { start: spanStart, end: words[words.length - 1].span.end },
      separator: sep,
      nested,
    };
    this.sink.commands.push(cmd);
    this.innerScript(cmd, words);
  }

  /** `NAME=value`: for a command prefix, an assignment; after `export` and the like, a `NAME=value` word. */
  private assignment(): { assignment: Assignment; word: Word } | undefined {
    ASSIGNMENT.lastIndex = this.pos;
    const m = ASSIGNMENT.exec(this.text);
    if (!m) return undefined;
    const start = this.pos;
    const name = m[0].slice(0, m[0].search(/[[+=]/));
    this.pos += m[0].length;
    let value = "";
    if (this.code() === 40) {
      // an array: NAME=(a b c)
      const close = this.text.indexOf(")", this.pos);
      if (close < 0) this.fail(start, this.text.length);
      value = this.text.slice(this.pos, close + 1);
      this.pos = close + 1;
    } else if (!this.atEnd() && !isMeta(this.code())) {
      value = this.word().text;
    }
    this.lastEnd = this.pos;
    const span = this.span(start, this.pos);
    const raw = this.text.slice(start, this.pos);
    return { assignment: { name, value, span }, word: { text: `${name}=${value}`, raw, span, literal: true } };
  }

  /** `sh -c "script"`: the script's commands, when the script is one quoted literal string. */
  private innerScript(cmd: SimpleCommand, words: ParsedWord[]): void {
    if (!WRAPPERS_WITH_SCRIPT.has(basename(cmd.name))) return;
    const idx = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w.text));
    const inner = idx > 0 ? words[idx + 1]?.quoted : undefined;
    if (!inner) return;
    const base = inner.start;
    new ShellParser(this.text.slice(inner.start, inner.end), (o) => this.map(base + o), this.sink, true, this.depth + 1).program();
  }

  // ---- words ----

  private word(): ParsedWord {
    const t = this.text;
    const start = this.pos;
    let text = "";
    let literal = true;
    let parts = 0;
    let quoted: Span | undefined;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (isMeta(c)) {
        if (this.pos === start && this.atProcessSubstitution()) {
          this.substitution(this.pos + 2);
          text += t.slice(start, this.pos);
          literal = false;
          parts++;
          continue;
        }
        break;
      }
      parts++;
      if (c === 92) {
        if (t.charCodeAt(this.pos + 1) !== 10) text += t.charAt(this.pos + 1);
        else parts--;
        // a backslash that ends the text escapes nothing
        this.pos = Math.min(this.pos + 2, t.length);
      } else if (c === 39) {
        const close = t.indexOf("'", this.pos + 1);
        if (close < 0) this.fail(this.pos, t.length);
        text += t.slice(this.pos + 1, close);
        quoted = { start: this.pos + 1, end: close };
        this.pos = close + 1;
      } else if (c === 34) {
        const open = this.pos;
        const inner = this.doubleQuoted();
        text += inner.text;
        literal &&= inner.literal;
        quoted = inner.literal ? { start: open + 1, end: this.pos - 1 } : undefined;
      } else if (c === 36 || c === 96) {
        const expansion = this.expansion(false);
        text += expansion.text;
        literal &&= expansion.literal;
      } else {
        text += this.plainText(false);
      }
    }
    this.lastEnd = this.pos;
    return { text, raw: t.slice(start, this.pos), span: this.span(start, this.pos), literal, quoted: parts === 1 ? quoted : undefined };
  }

  /** A double-quoted string at `pos`; its text keeps expansions as written. */
  private doubleQuoted(): { text: string; literal: boolean } {
    const t = this.text;
    const open = this.pos;
    this.pos++;
    let text = "";
    let literal = true;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        this.pos++;
        return { text, literal };
      }
      if (c === 92) {
        const next = t.charAt(this.pos + 1);
        text += next === "$" || next === "`" || next === '"' || next === "\\" ? next : t.slice(this.pos, this.pos + 2);
        this.pos += 2;
      } else if (c === 36 || c === 96) {
        const expansion = this.expansion(true);
        text += expansion.text;
        literal &&= expansion.literal;
      } else {
        text += this.plainText(true);
      }
    }
    return this.fail(open, t.length);
  }

  /** The run of plain characters at `pos` (at least one); outside quotes, a metacharacter also ends it. */
  private plainText(inQuotes: boolean): string {
    const t = this.text;
    const start = this.pos;
    do this.pos++;
    while (this.pos < t.length && !isSpecial(t.charCodeAt(this.pos)) && (inQuotes || !isMeta(t.charCodeAt(this.pos))));
    return t.slice(start, this.pos);
  }

  /** A `$` expansion or a backtick substitution at `pos`, as written. */
  private expansion(inQuotes: boolean): { text: string; literal: boolean } {
    return this.code() === 96 ? { text: this.backticks(), literal: false } : this.dollar(inQuotes);
  }

  /** An expansion at `pos` (`$NAME`, `${...}`, `$(...)`, `$((...))`, `$'...'`), as written; a lone `$` is literal. */
  private dollar(inQuotes = false): { text: string; literal: boolean } {
    const t = this.text;
    const start = this.pos;
    const c = t.charCodeAt(start + 1);
    if (c === 40) {
      if (t.charCodeAt(start + 2) === 40) {
        this.pos++;
        this.arithmetic();
      } else {
        this.substitution(start + 2);
      }
    } else if (c === 123) {
      this.pos = this.closingBrace(start + 2);
    } else if (isNameStart(c)) {
      this.pos += 2;
      while (isNameChar(t.charCodeAt(this.pos))) this.pos++;
    } else if ((c >= 48 && c <= 57) || SPECIAL_PARAMETERS.has(c)) {
      this.pos += 2;
    } else if (c === 39 && !inQuotes) {
      let i = start + 2;
      while (i < t.length && t.charCodeAt(i) !== 39) i += t.charCodeAt(i) === 92 ? 2 : 1;
      if (i >= t.length) this.fail(start, t.length);
      this.pos = i + 1;
    } else if (c === 34 && !inQuotes) {
      this.pos++;
      this.doubleQuoted();
    } else {
      this.pos++;
      return { text: "$", literal: true };
    }
    return { text: t.slice(start, this.pos), literal: false };
  }

  /** Offset just past the `}` closing a `${` whose inside starts at `from`. */
  private closingBrace(from: number): number {
    const t = this.text;
    let depth = 1;
    for (let i = from; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 123) depth++;
      else if (c === 125 && --depth === 0) return i + 1;
      else if (c === 39) {
        const close = t.indexOf("'", i + 1);
        if (close < 0) break;
        i = close;
      }
    }
    return this.fail(from - 2, t.length);
  }

  /** `$(...)`, `<(...)` or `>(...)` whose commands start at `inner`: they run too, nested. */
  private substitution(inner: number): void {
    const open = this.pos;
    this.pos = inner;
    this.list({ inherited: "start", prevEnd: inner, first: true }, PAREN, true);
    if (this.code() !== 41) this.fail(open, inner);
    this.pos++;
  }

  /** Old-style command substitution: its commands run too, nested. */
  private backticks(): string {
    const t = this.text;
    const open = this.pos;
    let i = open + 1;
    while (i < t.length && t.charCodeAt(i) !== 96) i += t.charCodeAt(i) === 92 ? 2 : 1;
    if (i >= t.length) this.fail(open, t.length);
    const base = open + 1;
    new ShellParser(t.slice(base, i), (o) => this.map(base + o), this.sink, true, this.depth + 1).program();
    this.pos = i + 1;
    return t.slice(open, this.pos);
  }
}
