// The Dockerfile's line structure, read in one pass the way BuildKit's frontend reads it (parser.go): parser
// directives at the top, comment and blank lines, instructions joined across line continuations, and the
// here-documents that follow an instruction's line. What the arguments of an instruction mean is arguments.ts's job.
import type { OffsetMap } from "../shell/parser.js";
import type { SourceText, Span } from "../text/source.js";
import { isBlank, heredocMarkers, opensHeredocs } from "./arguments.js";

/** A slice of one physical line that is part of an instruction's logical line. */
interface Piece {
  /** Offset in the logical line. */
  at: number;
  /** Offset in the file. */
  from: number;
}

/**
 * An instruction's text with line continuations removed (the escape character, the line break, and the comment
 * and blank lines inside the continuation), able to map its offsets back to the file.
 */
export class LogicalLine {
  constructor(
    readonly text: string,
    private readonly pieces: Piece[],
  ) {}

  /** The file offset of the character at `at` (or just past the end of the text). */
  offset(at: number): number {
    const pieces = this.pieces;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].at <= at) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo].from + (at - pieces[lo].at);
  }

  /** The rest of the line from a file offset inside it, with the map from its offsets to the file's. */
  tail(fileOffset: number): { text: string; map: OffsetMap } {
    const pieces = this.pieces;
    let k = pieces.length - 1;
    while (k > 0 && pieces[k].from > fileOffset) k--;
    const at = pieces[k].at + (fileOffset - pieces[k].from);
    return { text: this.text.slice(at), map: (o) => this.offset(at + o) };
  }

  /** The file span of [start, end): it ends after the last character, not at the start of the next piece. */
  span(start: number, end: number): Span {
    const from = this.offset(start);
    return { start: from, end: end > start ? this.offset(end - 1) + 1 : from };
  }
}

export interface HeredocSyntax {
  name: string;
  /** `<<-`: leading tabs of the delimiter line are ignored. */
  chomp: boolean;
  /**
   * From the start of the first body line to the end of the last one, before its line break (unclosed: to the end
   * of the file); none when the body is empty.
   */
  contentSpan?: Span;
  /** False when the file ends before the delimiter line. */
  closed: boolean;
}

export interface InstructionSyntax {
  /** As written. */
  keyword: string;
  keywordSpan: Span;
  /**
   * From the keyword to the end of its last line, before the line break: the last heredoc's delimiter line when it
   * has heredocs, the end of the file when one is unclosed.
   */
  span: Span;
  /** 1-based line of the keyword. */
  line: number;
  logical: LogicalLine;
  /** Offset in `logical.text` where the arguments start (after the keyword and the blanks that follow it). */
  argsAt: number;
  heredocs: HeredocSyntax[];
}

export interface DirectiveSyntax {
  name: "syntax" | "escape" | "check";
  value: string;
  span: Span;
}

export interface DockerfileSyntax {
  escape: string;
  directives: DirectiveSyntax[];
  instructions: InstructionSyntax[];
  problems: Array<{ message: string; span: Span }>;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = new Set(["syntax", "escape", "check"]);

/** Splits a Dockerfile into directives and instructions. Never throws: what BuildKit would reject becomes a problem. */
export function scanDockerfile(source: SourceText): DockerfileSyntax {
  const text = source.text;
  const starts = source.lineStarts;
  // A final line break ends the last line; it does not start an empty one (which a heredoc body would take in).
  const lineCount = starts.length > 1 && starts[starts.length - 1] === text.length ? starts.length - 1 : starts.length;
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  /** Offset of line i's first character (after a byte-order mark on the first line). */
  const lineStart = (i: number) => (i === 0 ? bom : starts[i]);
  /** Offset of line i's end: before its line break and any carriage returns in front of it. */
  const lineEnd = (i: number) => {
    let end = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    while (end > starts[i] && text.charCodeAt(end - 1) === 13) end--;
    return end;
  };
  const skipBlanks = (from: number, to: number) => {
    while (from < to && isBlank(text.charCodeAt(from))) from++;
    return from;
  };

  const problems: DockerfileSyntax["problems"] = [];
  const directives: DirectiveSyntax[] = [];
  let escape = "\\";
  // Directives are comments of the form `# name=value` before anything else; the first other line ends them.
  for (let i = 0; i < lineCount; i++) {
    const start = skipBlanks(lineStart(i), lineEnd(i));
    const m = DIRECTIVE.exec(text.slice(start, lineEnd(i)));
    const name = m?.[1].toLowerCase();
    if (!m || !DIRECTIVE_NAMES.has(name!)) break;
    const span = { start, end: lineEnd(i) };
    if (directives.some((d) => d.name === name)) {
      problems.push({ message: `only one ${name} parser directive can be used`, span });
      continue;
    }
    directives.push({ name: name as DirectiveSyntax["name"], value: m[2], span });
    if (name === "escape") {
      if (m[2] === "\\" || m[2] === "`") escape = m[2];
      else problems.push({ message: `invalid escape character "${m[2]}": it must be \\ or \``, span });
    }
  }
  const esc = escape.charCodeAt(0);
  const cr = loneCarriageReturn(text);
  if (cr >= 0) {
    problems.push({
      message: "carriage return without a line feed: Docker ends lines only at line feeds, so the text after it continues the same line",
      span: { start: cr, end: cr + 1 },
    });
  }

  const instructions: InstructionSyntax[] = [];
  let i = 0;
  while (i < lineCount) {
    const end = lineEnd(i);
    const first = skipBlanks(lineStart(i), end);
    if (first === end || text.charCodeAt(first) === 35 /* # */) {
      i++;
      continue;
    }
    let keywordLine = i;
    const joined = joinContinuations(text, first, text.length, esc);
    const line = joined.line;
    const logical = line.text;
    let spanEnd = joined.end;
    while (i < lineCount && starts[i] < joined.next) i++;

    // A line holding only the escape character continues onto the next: the keyword can start further down.
    let keywordStart = 0;
    while (keywordStart < logical.length && isBlank(logical.charCodeAt(keywordStart))) keywordStart++;
    if (keywordStart === logical.length) continue;
    let keywordEnd = keywordStart;
    while (keywordEnd < logical.length && !isBlank(logical.charCodeAt(keywordEnd))) keywordEnd++;
    let argsAt = keywordEnd;
    while (argsAt < logical.length && isBlank(logical.charCodeAt(argsAt))) argsAt++;
    const keyword = logical.slice(keywordStart, keywordEnd);
    const keywordSpan = line.span(keywordStart, keywordEnd);
    while (keywordLine + 1 < starts.length && starts[keywordLine + 1] <= keywordSpan.start) keywordLine++;

    const heredocs: HeredocSyntax[] = [];
    if (opensHeredocs(keyword, logical, argsAt)) {
      for (const marker of heredocMarkers(logical)) {
        const doc: HeredocSyntax = { name: marker.name, chomp: marker.chomp, closed: false };
        const previous = heredocs.at(-1);
        heredocs.push(doc);
        // After an unclosed heredoc the file has ended: the ones after it are declared but get no body.
        if (previous && !previous.closed) continue;
        let bodyStart = -1;
        let bodyEnd = -1;
        while (i < lineCount) {
          const start = lineStart(i);
          const e = lineEnd(i);
          i++;
          spanEnd = e;
          let from = start;
          if (doc.chomp) while (from < e && text.charCodeAt(from) === 9) from++;
          if (e - from === doc.name.length && text.startsWith(doc.name, from)) {
            doc.closed = true;
            break;
          }
          if (bodyStart < 0) bodyStart = start;
          bodyEnd = e;
        }
        if (!doc.closed) {
          // Unclosed, the body is the rest of the file, down to its last line break.
          spanEnd = bodyEnd = text.length;
        }
        if (bodyStart >= 0) doc.contentSpan = { start: bodyStart, end: bodyEnd };
      }
    }

    instructions.push({
      keyword,
      keywordSpan,
      span: { start: keywordSpan.start, end: spanEnd },
      line: keywordLine + 1,
      logical: line,
      argsAt,
      heredocs,
    });
  }
  return { escape, directives, instructions, problems };
}

/** Offset of the first carriage return that is not part of a line break, or -1. */
function loneCarriageReturn(text: string): number {
  for (let at = text.indexOf("\r"); at >= 0; at = text.indexOf("\r", at + 1)) {
    let next = at + 1;
    while (text.charCodeAt(next) === 13) next++;
    if (next < text.length && text.charCodeAt(next) !== 10) return at;
    at = next - 1;
  }
  return -1;
}

/** Where a line's content ends when it is continued: before a trailing escape character that is not itself escaped. */
function continuedAt(text: string, start: number, end: number, esc: number): number {
  let last = end;
  while (last > start && (text.charCodeAt(last - 1) === 32 || text.charCodeAt(last - 1) === 9)) last--;
  if (last === start || text.charCodeAt(last - 1) !== esc) return -1;
  if (last - 1 > start && text.charCodeAt(last - 2) === esc) return -1;
  return last - 1;
}

/**
 * Joins the lines of one instruction from `from` (its first character) while they end in the escape character,
 * reading no further than `limit`: the escape character and line break go, comment and blank lines inside the
 * continuation are dropped, continuation lines keep their indentation. `end` is where the last line read ends
 * (before its line break), `next` where the line after it starts.
 */
export function joinContinuations(text: string, from: number, limit: number, esc: number): { line: LogicalLine; end: number; next: number } {
  const pieces: Piece[] = [];
  let logical = "";
  let end = from;
  let start = from;
  for (let first = true; ; first = false) {
    let nl = text.indexOf("\n", start);
    if (nl < 0 || nl > limit) nl = limit;
    let e = nl;
    while (e > start && text.charCodeAt(e - 1) === 13) e--;
    let content = start;
    while (content < e && isBlank(text.charCodeAt(content))) content++;
    const skipped = !first && (content === e || text.charCodeAt(content) === 35);
    const cut = skipped ? 0 : continuedAt(text, start, e, esc);
    if (!skipped) {
      pieces.push({ at: logical.length, from: start });
      logical += text.slice(start, cut < 0 ? e : cut);
      end = e;
    }
    start = nl + 1;
    if (cut < 0 || start > limit) break;
  }
  return { line: new LogicalLine(logical, pieces), end, next: start };
}
