import pc from "picocolors";
import type { WasteItem } from "../image/waste.js";
import { diffLines } from "./changes.js";
import { formatBytes } from "./format.js";
import type { InspectOutput } from "./inspect-json.js";

type Colors = ReturnType<typeof pc.createColors>;

const COMMAND_WIDTH = 72;

function clip(text: string, width: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "0%");
const size = (n: number) => formatBytes(n).padStart(9);

function wasteLine(i: WasteItem): string {
  const where = i.by !== undefined && i.by !== i.layer ? `layer ${i.layer}, hidden by ${i.by}` : `layer ${i.layer}`;
  const files = i.files > 1 ? ` (${i.files} files)` : "";
  const same = i.sameAs ? ` = ${i.sameAs}` : "";
  return `${i.path}${files}${same}  [${where}]`;
}

/** Top layers and top waste with the instruction behind each; Python, packages, findings and gate when present. */
export function inspectToText(out: InspectOutput, options: { color: boolean; top: number }): string {
  const c: Colors = pc.createColors(options.color);
  const { report: r } = out;
  const lines: string[] = [];
  const command = (layer: number) => {
    const ins = out.dockerfile?.layers[layer];
    const text = r.layers[layer]?.command || "(no history)";
    return ins ? `${c.dim(`line ${ins.line}:`)} ${clip(text, COMMAND_WIDTH - 10)}` : clip(text, COMMAND_WIDTH);
  };

  const facts = [
    r.source.platform,
    r.os?.prettyName,
    `${r.layers.length} layer${r.layers.length === 1 ? "" : "s"}`,
    `${formatBytes(r.totalBytes)} (${formatBytes(r.blobBytes)} as stored)`,
  ].filter(Boolean);
  lines.push(`${c.bold(r.source.name)} ${c.dim(`(${r.source.kind})`)}`, `  ${facts.join(" · ")}`);
  const user = r.user.root ? c.yellow(`runs as root${r.user.configured ? ` (${r.user.configured})` : ""}`) : `runs as ${r.user.configured}${r.user.uid !== undefined ? ` (uid ${r.user.uid})` : ""}`;
  const comp = r.compilers.length ? c.yellow(`compilers: ${r.compilers.map((x) => x.path).join(", ")}`) : "no compilers";
  lines.push(`  ${user} · ${comp}${r.user.note ? ` · ${c.red(r.user.note)}` : ""}`);
  const w = r.waste;
  lines.push(
    `  ${c.bold(`waste ${formatBytes(w.bytes)} (${pct(w.bytes, r.totalBytes)})`)}: hidden ${formatBytes(w.hiddenBytes)}, avoidable ${formatBytes(w.avoidableBytes)}, duplicate ${formatBytes(w.duplicateBytes)}`,
    `  dive: efficiency ${(r.dive.efficiency * 100).toFixed(2)}%, wasted ${formatBytes(r.dive.wastedBytes)}, user wasted ${r.dive.userWastedPercent === null ? "n/a (one layer)" : `${(r.dive.userWastedPercent * 100).toFixed(1)}%`}`,
    "",
  );

  if (out.diff) lines.push(...diffLines(out.diff, c, options.top), "");

  const layers = [...r.layers].sort((a, b) => b.bytes - a.bytes).slice(0, options.top);
  lines.push(c.bold(`Largest layers${r.layers.length > layers.length ? ` (top ${layers.length} of ${r.layers.length})` : ""}`));
  lines.push(c.dim(`  ${"#".padStart(3)} ${"size".padStart(9)} ${"waste".padStart(9)}  +added ~changed -removed  instruction`));
  for (const l of layers) {
    const files = `+${l.changes.added} ~${l.changes.modified} -${l.changes.removed}`.padEnd(23);
    lines.push(`  ${String(l.index).padStart(3)} ${size(l.bytes)} ${l.wasteBytes ? size(l.wasteBytes) : " ".repeat(9)}  ${files} ${command(l.index)}`);
  }
  lines.push("");

  if (w.items.length) {
    lines.push(c.bold(`Top waste${w.items.length > options.top ? ` (top ${options.top} of ${w.items.length})` : ""}`));
    for (const i of w.items.slice(0, options.top)) {
      lines.push(`  ${size(i.bytes)}  ${c.cyan(i.kind.padEnd(13))} ${wasteLine(i)}`);
      // The instruction that stored the bytes is where the fix goes (clean up in the same RUN, set owners at COPY).
      lines.push(`  ${" ".repeat(9)}  ${" ".repeat(13)} ${c.dim(`<- ${command(i.layer)}`)}`);
    }
    const kinds = Object.entries(w.byKind).sort((a, b) => b[1] - a[1]);
    lines.push(c.dim(`  by kind: ${kinds.map(([k, v]) => `${k} ${formatBytes(v)}`).join(", ")}`), "");
  }

  const py = r.python;
  if (py.interpreters.length || py.venvs.length || py.distributions.length) {
    lines.push(c.bold("Python"));
    for (const i of py.interpreters) lines.push(`  interpreter ${i.path} (${i.version})${i.links.length ? c.dim(` <- ${i.links.join(", ")}`) : ""}`);
    for (const v of py.venvs) lines.push(`  venv ${v.path}${v.version ? ` (${v.version})` : ""} ${formatBytes(v.bytes)}`);
    for (const s of py.sitePackages.filter((x) => x.bytes > 0)) lines.push(`  ${s.path}: ${s.distributions} distribution${s.distributions === 1 ? "" : "s"}, ${formatBytes(s.bytes)}`);
    const dists = py.distributions.slice(0, options.top);
    if (dists.length) {
      lines.push(`  largest distributions: ${dists.map((d) => `${d.name}${d.version ? ` ${d.version}` : ""} (${formatBytes(d.bytes)})`).join(", ")}`);
    }
    lines.push("");
  }
  for (const p of r.packages) {
    lines.push(
      p.count === null
        ? `${c.bold("OS packages")}: ${p.note}`
        : `${c.bold("OS packages")}: ${p.manager}, ${p.count} installed, ${formatBytes(p.bytes)}; largest: ${p.packages
            .slice(0, 5)
            .map((x) => `${x.name} ${formatBytes(x.bytes ?? 0)}`)
            .join(", ")}`,
    );
  }
  if (r.packages.length) lines.push("");

  if (out.dockerfile) {
    const df = out.dockerfile;
    lines.push(c.bold(`Findings in ${df.path}, measured in the image`));
    if (df.measures.length === 0) lines.push("  none");
    for (const m of df.measures) {
      const pos = df.source.positionAt(m.finding.span.start);
      const where = {
        layer: `layer ${m.layer}`,
        config: "image config, no layer",
        base: "base image",
        unmatched: "not found in the history",
        "not-shipped": "stage not shipped",
      }[m.placement];
      const measured = m.measured ? c.bold(formatBytes(m.measured.bytes)) : m.finding.impact?.bytes ? c.dim(`~${formatBytes(m.finding.impact.bytes)} estimated`) : "";
      lines.push(`  ${`${pos.line}:${pos.column}`.padEnd(7)} ${m.finding.rule.padEnd(24)} ${measured}${measured ? " " : ""}${c.dim(`(${where})`)}  ${clip(m.finding.message, 60)}`);
      if (m.measured && m.measured.paths.length) lines.push(c.dim(`          ${m.measured.paths.map((p) => `${p.path} ${formatBytes(p.bytes)}`).join(", ")}`));
    }
    lines.push("");
  }

  if (out.gate) {
    lines.push(c.bold(`Gate: ${out.gate.passed ? c.green("PASS") : c.red("FAIL")}`));
    for (const g of out.gate.checks) lines.push(`  ${g.passed ? c.green("pass") : c.red("FAIL")}  ${g.key}: ${g.message}`);
    lines.push("");
  }
  return lines.join("\n");
}
