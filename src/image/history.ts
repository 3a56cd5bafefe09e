import type { HistoryEntry, ImageConfig } from "./sources/types.js";

/** Image history entries (config `history`) turned into the instruction each layer came from. */

export interface Command {
  /** Dockerfile keyword when recognizable ("RUN", "COPY", ...), else "". */
  keyword: string;
  /** The instruction's text after the keyword, as the builder recorded it. */
  text: string;
}

const KEYWORDS = new Set([
  "RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "WORKDIR", "USER", "EXPOSE", "CMD", "ENTRYPOINT", "VOLUME",
  "STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER",
]);

/**
 * Legacy builder: `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c apt-get ...`, `|2 A=1 B=2 /bin/sh -c ...`.
 * BuildKit: `ENV A=b`, `RUN /bin/sh -c apt-get ... # buildkit`, `COPY . /app # buildkit`.
 */
export function parseCreatedBy(createdBy: string | undefined): Command {
  let s = (createdBy ?? "").trim().replace(/\s+# buildkit$/, "");
  if (!s) return { keyword: "", text: "" };
  const nop = /^\/bin\/sh -c #\(nop\)\s+([A-Z]+)\s*([\s\S]*)$/.exec(s);
  if (nop) return { keyword: nop[1], text: nop[2].trim() };
  const first = /^([A-Z]+)\s+([\s\S]*)$/.exec(s);
  if (first && KEYWORDS.has(first[1])) {
    if (first[1] !== "RUN") return { keyword: first[1], text: first[2].trim() };
    s = first[2];
  }
  // Build arguments in scope are recorded in front of the shell: "|2 A=1 B=2 ".
  const args = /^\|(\d+)\s/.exec(s);
  if (args) {
    let rest = s.slice(args[0].length);
    for (let i = 0; i < Number(args[1]); i++) rest = rest.replace(/^(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S)+\s*/, "");
    s = rest;
  }
  return { keyword: "RUN", text: s.replace(/^\/bin\/(?:ba|da)?sh -c\s+/, "").trim() };
}

export function formatCommand(c: Command): string {
  return c.keyword ? `${c.keyword} ${c.text}`.trim() : c.text;
}

export interface LayerOrigin {
  /** Index into config.history, when the history has an entry for the layer. */
  history?: number;
  command: Command;
  created?: string;
}

/**
 * Pairs layers with the history entries that produced them, in order, skipping `empty_layer`
 * entries (ENV, CMD...). Images without history (or with too little) leave the rest unknown.
 */
export function layerOrigins(config: ImageConfig, layerCount: number): LayerOrigin[] {
  const history: HistoryEntry[] = config.history ?? [];
  const out: LayerOrigin[] = [];
  let h = 0;
  for (let layer = 0; layer < layerCount; layer++) {
    while (h < history.length && history[h].empty_layer) h++;
    if (h < history.length) {
      const command = parseCreatedBy(history[h].created_by);
      // `docker import` leaves no command, only a comment ("Imported from -").
      if (!command.keyword && !command.text && history[h].comment) command.text = `(${history[h].comment})`;
      out.push({ history: h, command, created: history[h].created });
      h++;
    } else out.push({ command: { keyword: "", text: "" } });
  }
  return out;
}
