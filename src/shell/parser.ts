import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";
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

let parser: Parser | undefined;

/** Loads the bash grammar once per process; every other function here is synchronous. */
export async function initShellParser(): Promise<void> {
  if (parser) return;
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  const p = new Parser();
  p.setLanguage(language);
  parser = p;
}

function requireParser(): Parser {
  if (!parser) throw new Error("initShellParser() must be awaited before parsing shell");
  return parser;
}

const WRAPPERS_WITH_SCRIPT = new Set(["sh", "bash", "dash", "ash", "zsh"]);

export function parseShell(text: string, map: OffsetMap): ShellScript {
  const tree = requireParser().parse(text);
  if (!tree) return { commands: [], errors: [{ start: map(0), end: map(text.length) }], topLevelStatements: 0 };
  const commands: SimpleCommand[] = [];
  const errors: Span[] = [];
  const mapSpan = (s: number, e: number): Span => ({ start: map(s), end: e > s ? map(e - 1) + 1 : map(s) });

  const visit = (node: Node, separator: Separator, nested: boolean): void => {
    if (node.type === "ERROR" || node.isMissing) {
      // A MISSING node sits at the end of the text; keep its span inside the text.
      const start = Math.max(0, Math.min(node.startIndex, text.length - 1));
      errors.push(mapSpan(start, Math.min(text.length, Math.max(node.endIndex, start + 1))));
    }
    switch (node.type) {
      case "command": {
        const cmd = toCommand(node, separator, nested, mapSpan);
        if (cmd) {
          commands.push(cmd);
          const inner = innerScript(cmd, node);
          if (inner) {
            const base = inner.start;
            const sub = parseShell(text.slice(inner.start, inner.end), (o) => map(base + o));
            for (const c of sub.commands) commands.push({ ...c, nested: true });
            errors.push(...sub.errors);
          }
        }
        // command substitutions inside arguments
        for (const child of node.namedChildren) if (child) visitSubstitutions(child);
        return;
      }
      case "declaration_command": {
        // export/declare/readonly: keep them as commands so `export VAR=...` is visible to checks
        const keyword = node.children[0];
        if (keyword) {
          const words: Word[] = [{ text: keyword.text, raw: keyword.text, span: mapSpan(keyword.startIndex, keyword.endIndex), literal: true }];
          for (const child of node.namedChildren) {
            if (!child) continue;
            if (child.type === "variable_assignment") {
              const value = child.childForFieldName("value");
              const name = child.childForFieldName("name")?.text ?? "";
              words.push({ text: `${name}=${value ? unquote(value).text : ""}`, raw: child.text, span: mapSpan(child.startIndex, child.endIndex), literal: true });
            } else words.push(wordOf(child, mapSpan));
          }
          commands.push({ name: keyword.text, words, assignments: [], span: mapSpan(node.startIndex, node.endIndex), separator, nested });
        }
        for (const child of node.namedChildren) if (child) visitSubstitutions(child);
        return;
      }
      case "list": {
        // left op right
        let pending: Separator = separator;
        for (const child of node.children) {
          if (!child) continue;
          if (!child.isNamed) {
            if (child.type === "&&" || child.type === "||" || child.type === ";") pending = child.type as Separator;
            continue;
          }
          visit(child, pending, nested);
          pending = "start";
        }
        return;
      }
      case "pipeline": {
        let first = true;
        for (const child of node.namedChildren) {
          if (!child) continue;
          visit(child, first ? separator : "|", nested);
          first = false;
        }
        return;
      }
      default:
        visitSequence(node, separator, nested);
    }
  };

  const visitSequence = (node: Node, separator: Separator, nested: boolean) => {
    let prevEnd = -1;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === "comment") continue;
      let sep: Separator = separator;
      if (prevEnd >= 0) sep = text.slice(prevEnd, child.startIndex).includes("\n") ? "newline" : ";";
      visit(child, sep, nested);
      prevEnd = child.endIndex;
    }
  };

  /** Commands inside $(...) and <(...) run too: collect them as nested commands. */
  const visitSubstitutions = (node: Node) => {
    if (node.type === "command_substitution" || node.type === "process_substitution") {
      visitSequence(node, "start", true);
      return;
    }
    for (const child of node.namedChildren) if (child) visitSubstitutions(child);
  };

  visit(tree.rootNode, "start", false);
  const topLevelStatements = tree.rootNode.namedChildren.filter((c) => c && c.type !== "comment").length;
  tree.delete();
  commands.sort((a, b) => a.span.start - b.span.start);
  return { commands, errors, topLevelStatements };
}

/** `sh -c "script"`: the script string, when it is a plain literal we can map back to the file. */
function innerScript(cmd: SimpleCommand, node: Node): Span | undefined {
  const base = basename(cmd.name);
  if (!WRAPPERS_WITH_SCRIPT.has(base)) return undefined;
  const idx = cmd.words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w.text));
  if (idx < 0 || idx + 1 >= cmd.words.length) return undefined;
  const target = cmd.words[idx + 1];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if ((child.type === "string" || child.type === "raw_string") && child.text === target.raw) {
      if (child.type === "string" && child.namedChildren.some((c) => c && c.type !== "string_content")) return undefined;
      return { start: child.startIndex + 1, end: child.endIndex - 1 };
    }
  }
  return undefined;
}

function toCommand(
  node: Node,
  separator: Separator,
  nested: boolean,
  mapSpan: (s: number, e: number) => Span,
): SimpleCommand | undefined {
  const assignments: Assignment[] = [];
  const words: Word[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === "variable_assignment") {
      const nameNode = child.childForFieldName("name");
      const valueNode = child.childForFieldName("value");
      assignments.push({
        name: nameNode?.text ?? child.text.split("=")[0],
        value: valueNode ? wordOf(valueNode, mapSpan).text : "",
        span: mapSpan(child.startIndex, child.endIndex),
      });
    } else if (child.type === "command_name") {
      const inner = child.namedChildren[0] ?? child;
      words.push(wordOf(inner, mapSpan));
    } else if (child.type.endsWith("_redirect") || child.type === "comment") {
      continue;
    } else {
      words.push(wordOf(child, mapSpan));
    }
  }
  if (words.length === 0) return undefined;
  return {
    name: words[0].text,
    words,
    assignments,
    span: mapSpan(node.startIndex, node.endIndex),
    separator,
    nested,
  };
}

function wordOf(node: Node, mapSpan: (s: number, e: number) => Span): Word {
  const { text, literal } = unquote(node);
  return { text, raw: node.text, span: mapSpan(node.startIndex, node.endIndex), literal };
}

function unquote(node: Node): { text: string; literal: boolean } {
  switch (node.type) {
    case "word":
    case "number":
      return { text: node.text.replace(/\\(.)/g, "$1"), literal: true };
    case "raw_string":
      return { text: node.text.slice(1, -1), literal: true };
    case "string": {
      const inner = node.text.slice(1, -1);
      const literal = node.namedChildren.every((c) => !c || c.type === "string_content");
      return { text: inner.replace(/\\([$`"\\])/g, "$1"), literal };
    }
    case "concatenation": {
      let text = "";
      let literal = true;
      for (const child of node.children) {
        if (!child) continue;
        const part = unquote(child);
        text += part.text;
        literal &&= part.literal;
      }
      return { text, literal };
    }
    default:
      return { text: node.text, literal: false };
  }
}

export function basename(name: string): string {
  const i = name.lastIndexOf("/");
  return i >= 0 ? name.slice(i + 1) : name;
}
