// The arguments of one instruction, read from its logical line (continuations already removed) the way BuildKit's
// line parsers read them (line_parsers.go, split_command.go): plain words, leading --flags, the JSON exec form,
// name=value pairs with quotes, and heredoc markers. Offsets are into the logical line; the caller maps them.

/** Blanks between words: BuildKit splits on [\t\v\f\r ]. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

export interface RawWord {
  /** splitWords: the word with escape characters applied; splitQuotedWords: the word as written. */
  text: string;
  start: number;
  end: number;
}

/**
 * Words split at blanks with no regard for quotes, as the frontend splits FROM, COPY, EXPOSE and the like. The
 * escape character takes the next character literally, except before `$`, where both stay so that variable
 * expansion still sees the `$` as escaped; an escape character before a blank or at the end is dropped.
 */
export function splitWords(text: string, from: number, escape: string): RawWord[] {
  const words: RawWord[] = [];
  BLANK_SEPARATED.lastIndex = from;
  for (let m = BLANK_SEPARATED.exec(text); m; m = BLANK_SEPARATED.exec(text)) {
    const raw = m[0];
    const start = m.index;
    if (!raw.includes(escape)) {
      words.push({ text: raw, start, end: start + raw.length });
      continue;
    }
    let value = "";
    let end = raw.length;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] !== escape) {
        value += raw[i];
        continue;
      }
      if (i + 1 === raw.length) {
        end = i;
        break;
      }
      if (raw[i + 1] === "$") value += escape;
      value += raw[++i];
    }
    if (end > 0) words.push({ text: value, start, end: start + end });
  }
  return words;
}

const BLANK_SEPARATED = /[^ \t\v\f\r]+/g;

/** Where the first word at or after `at` ends. */
function wordEnd(text: string, at: number): number {
  while (at < text.length && !isBlank(text.charCodeAt(at))) at++;
  return at;
}

function skipBlanks(text: string, at: number): number {
  while (at < text.length && isBlank(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Where the word starting at `i` ends: at a blank outside quotes (the escape character escapes, except in '...').
 * `open` when a quote is still open at the end of the text.
 */
function quotedWord(text: string, i: number, esc: number): { end: number; open: boolean } {
  const n = text.length;
  let quote = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quote === 0 && isBlank(c)) break;
    if (c === esc && quote !== 39 /* ' */) {
      i += 2;
      continue;
    }
    if (quote === 0 && (c === 34 || c === 39)) quote = c;
    else if (c === quote) quote = 0;
    i++;
  }
  return { end: Math.min(i, n), open: quote !== 0 };
}

/**
 * Words split at blanks outside quotes, quotes and escapes kept (BuildKit's parseWords, used for ENV, LABEL and
 * ARG before their values are unquoted).
 */
export function splitQuotedWords(text: string, from: number, escape: string): RawWord[] {
  const esc = escape.charCodeAt(0);
  const words: RawWord[] = [];
  for (let i = skipBlanks(text, from); i < text.length; i = skipBlanks(text, i)) {
    const start = i;
    i = quotedWord(text, i, esc).end;
    words.push({ text: text.slice(start, i), start, end: i });
  }
  return words;
}

/**
 * A word's value the way the shell lexer reads it after parsing: quotes removed, escapes applied (inside double
 * quotes only before `"`, `$` and the escape character). Variables stay unexpanded.
 */
export function unquote(raw: string, escape: string): string {
  if (!/["'\\`]/.test(raw)) return raw;
  let out = "";
  let quote = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === "'") {
      if (c === "'") quote = "";
      else out += c;
    } else if (c === escape) {
      const next = raw[i + 1];
      if (next === undefined) break;
      if (quote === '"' && next !== '"' && next !== "$" && next !== escape) {
        out += c;
        continue;
      }
      out += next;
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = "";
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * The leading `--name=value` words, as written (quotes group, the backslash escapes, as in BuildKit's
 * extractBuilderFlags), and where the arguments after them start. A bare `--` ends the flags and is consumed.
 * `unclosed` is the flag whose quote is never closed, taking the rest of the line with it.
 */
export function leadingFlags(text: string, from: number): { flags: RawWord[]; argsAt: number; unclosed?: RawWord } {
  const flags: RawWord[] = [];
  let at = skipBlanks(text, from);
  while (text.startsWith("--", at)) {
    const { end, open } = quotedWord(text, at, 92 /* \ */);
    const word = { text: text.slice(at, end), start: at, end };
    at = skipBlanks(text, end);
    if (word.text === "--") break;
    flags.push(word);
    if (open) return { flags, argsAt: at, unclosed: word };
  }
  return { flags, argsAt: at };
}

export interface JsonString {
  value: string;
  /** Span of the string literal, quotes included. */
  start: number;
  end: number;
}

/**
 * The exec form: the arguments parse as a JSON array of strings. Like the frontend (a JSON decoder reading one
 * value), anything after the closing bracket is ignored. Undefined for the shell form; "not-strings" for an array
 * holding something other than strings, which the frontend rejects.
 */
export function parseJsonArray(text: string, from: number): JsonString[] | "not-strings" | undefined {
  let i = skipJsonSpace(text, from);
  if (text.charCodeAt(i) !== 91 /* [ */) return undefined;
  const strings: JsonString[] = [];
  i = skipJsonSpace(text, i + 1);
  if (text.charCodeAt(i) === 93 /* ] */) return strings;
  for (;;) {
    if (text.charCodeAt(i) !== 34) return isJsonArray(text, from) ? "not-strings" : undefined;
    const end = jsonStringEnd(text, i);
    if (end < 0) return undefined;
    const literal = text.slice(i, end);
    const value = literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    strings.push({ value, start: i, end });
    i = skipJsonSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === 93) return strings;
    if (c !== 44 /* , */) return undefined;
    i = skipJsonSpace(text, i + 1);
  }
}

function skipJsonSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** End (after the closing quote) of the JSON string starting at `i`, or -1 if it is not valid JSON. */
function jsonStringEnd(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 32) return -1;
    if (c === 92) {
      const e = text[i + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -1;
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else return -1;
    }
  }
  return -1;
}

/** Whether some prefix of the text from `from` up to a closing bracket is a JSON array (the rare not-strings case). */
function isJsonArray(text: string, from: number): boolean {
  for (let end = text.indexOf("]", from); end >= 0; end = text.indexOf("]", end + 1)) {
    try {
      if (Array.isArray(JSON.parse(text.slice(from, end + 1)))) return true;
    } catch {
      // not yet a whole array: try the next closing bracket
    }
  }
  return false;
}

export interface HeredocMarker {
  name: string;
  chomp: boolean;
}

const HEREDOC_WORD = /^\d*<<(-?)([^<]*)$/;

/**
 * The heredocs an instruction line opens, in order: shell words (quotes and backslashes respected) of the form
 * `<<NAME`, `<<-NAME`, `<<"NAME"`, optionally after a file descriptor, as BuildKit's heredocsFromLine finds them.
 */
export function heredocMarkers(text: string): HeredocMarker[] {
  const markers: HeredocMarker[] = [];
  for (const word of splitQuotedWords(text, 0, "\\")) {
    if (!word.text.includes("<<")) continue;
    const m = HEREDOC_WORD.exec(word.text);
    if (!m || m[2] === "") continue;
    const name = unquote(m[2], "\\");
    if (name !== "") markers.push({ name, chomp: m[1] === "-" });
  }
  return markers;
}

/** RUN, COPY and ADD in shell form (also as an ONBUILD trigger) read heredoc bodies from the lines that follow. */
export function opensHeredocs(keyword: string, text: string, argsAt: number): boolean {
  if (!text.includes("<<", argsAt)) return false;
  let kw = keyword.toUpperCase();
  let at = argsAt;
  if (kw === "ONBUILD") {
    const end = wordEnd(text, at);
    kw = text.slice(at, end).toUpperCase();
    at = skipBlanks(text, end);
  }
  if (kw !== "RUN" && kw !== "COPY" && kw !== "ADD") return false;
  return !Array.isArray(parseJsonArray(text, leadingFlags(text, at).argsAt));
}
