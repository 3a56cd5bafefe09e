import { DEFAULT_SIZE_TREE, type SizeNode } from "../image/size-tree.js";
import type { ItemChange } from "../image/diff.js";
import { formatBytes } from "./format.js";
import type { InspectOutput } from "./inspect-json.js";
import { itemChangeText, signedBytes } from "./changes.js";
import { squarify, type Rect } from "./treemap.js";

/**
 * `whittle inspect --format html`: one self-contained page (no script, no outside resource: a CI artifact opens
 * anywhere) where a picture beats a table: the layers as one bar, the final filesystem as a treemap, waste and
 * packages as bars, each shape carrying its numbers in a tooltip. Every name on the page comes from the image, so
 * all text is escaped and the page's policy forbids scripts.
 */

export interface HtmlReportInput extends InspectOutput {
  /** The final filesystem by size, as sizeTree builds it with its default options. */
  tree: SizeNode;
}

const MAP_W = 1100;
const MAP_H = 560;
const BAR_W = 1100;
const BAR_H = 44;
/** Room for a directory's name above its contents in the treemap. */
const LABEL_H = 15;
const PAD = 2;
/** A treemap cell smaller than this is drawn without anything inside it. */
const MIN_NEST = 28;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "0%");
const num = (n: number) => (Math.round(n * 10) / 10).toString();
const clip = (text: string, width: number) => {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
};
const baseName = (path: string) => (path === "/" ? "/" : path.slice(path.lastIndexOf("/") + 1));

/** A hue per top-level directory, so a directory's cells share a colour at every depth. */
const HUES = [210, 140, 30, 280, 0, 180, 60, 320, 100, 240];

export function inspectToHtml(input: HtmlReportInput): string {
  const r = input.report;
  const sections = [summary(input), ...(input.diff ? [baselineSection(input)] : []), layersSection(input), treemapSection(input.tree), wasteSection(input), pythonSection(input), packagesSection(input)];
  if (input.dockerfile) sections.push(findingsSection(input));
  if (input.gate) sections.push(gateSection(input));
  const title = `whittle inspect: ${r.source.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join("\n")}
</body>
</html>
`;
}

function summary({ report: r }: HtmlReportInput): string {
  const w = r.waste;
  const facts: Array<[string, string]> = [
    ["size", `${formatBytes(r.totalBytes)} (${formatBytes(r.blobBytes)} as stored)`],
    ["layers", String(r.layers.length)],
    ["waste", `${formatBytes(w.bytes)} (${pct(w.bytes, r.totalBytes)}): hidden ${formatBytes(w.hiddenBytes)}, avoidable ${formatBytes(w.avoidableBytes)}, duplicate ${formatBytes(w.duplicateBytes)}`],
    ["dive efficiency", `${(r.dive.efficiency * 100).toFixed(2)}% (wasted ${formatBytes(r.dive.wastedBytes)})`],
    ["runs as", r.user.root ? `root${r.user.configured ? ` (${r.user.configured})` : ""}` : `${r.user.configured}${r.user.uid !== undefined ? ` (uid ${r.user.uid})` : ""}`],
    ["compilers", r.compilers.length ? r.compilers.map((c) => c.path).join(", ") : "none"],
  ];
  if (r.source.platform) facts.splice(1, 0, ["platform", r.source.platform]);
  if (r.os?.prettyName) facts.splice(1, 0, ["os", r.os.prettyName]);
  const rows = facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  return `<header><h1>${escapeHtml(r.source.name)} <small>${escapeHtml(r.source.kind)}</small></h1><table class="facts">${rows}</table></header>`;
}

/** The instruction behind a layer: the Dockerfile's line when joined, else the history's command. */
function layerCommand(input: HtmlReportInput, layer: number): string {
  const ins = input.dockerfile?.layers[layer];
  const text = input.report.layers[layer]?.command || "(no history)";
  return ins ? `line ${ins.line}: ${text}` : text;
}

function layersSection(input: HtmlReportInput): string {
  const r = input.report;
  const total = r.layers.reduce((s, l) => s + l.bytes, 0);
  let x = 0;
  const segments = r.layers
    .map((l) => {
      const w = total > 0 ? (l.bytes / total) * BAR_W : 0;
      const seg = { l, x, w };
      x += w;
      return seg;
    })
    .filter((s) => s.w > 0)
    .map(({ l, x: at, w }) => {
      const waste = l.bytes > 0 ? (Math.min(l.wasteBytes, l.bytes) / l.bytes) * w : 0;
      const tip = `layer ${l.index}: ${formatBytes(l.bytes)}, waste ${formatBytes(l.wasteBytes)}\n${layerCommand(input, l.index)}`;
      return (
        `<g class="layer"><title>${escapeHtml(tip)}</title>` +
        `<rect x="${num(at)}" y="0" width="${num(w)}" height="${BAR_H}" fill="hsl(${HUES[l.index % HUES.length]} 55% 62%)"/>` +
        (waste > 0 ? `<rect class="waste" x="${num(at)}" y="${BAR_H - 8}" width="${num(waste)}" height="8"/>` : "") +
        (w > 40 ? `<text x="${num(at + 4)}" y="18">${l.index}</text>` : "") +
        `</g>`
      );
    })
    .join("");
  const rows = r.layers
    .map(
      (l) =>
        `<tr><td class="n">${l.index}</td><td class="n">${escapeHtml(formatBytes(l.bytes))}</td><td class="n">${l.wasteBytes ? escapeHtml(formatBytes(l.wasteBytes)) : ""}</td>` +
        `<td class="n">+${l.changes.added} ~${l.changes.modified} -${l.changes.removed}</td><td title="${escapeHtml(layerCommand(input, l.index))}">${escapeHtml(clip(layerCommand(input, l.index), 110))}</td></tr>`,
    )
    .join("");
  return (
    `<section id="layers"><h2>Layers</h2><p class="note">Each layer's width is its share of the image; the dark band is waste it stores.</p>` +
    `<svg class="bar" viewBox="0 0 ${BAR_W} ${BAR_H}" width="${BAR_W}" height="${BAR_H}" role="img" aria-label="layers by size">${segments}</svg>` +
    `<table><thead><tr><th>#</th><th>size</th><th>waste</th><th>files</th><th>instruction</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function treemapSection(tree: SizeNode): string {
  const cells: string[] = [];
  drawNode(tree, { x: 0, y: 0, w: MAP_W, h: MAP_H }, 0, 0, tree.bytes, cells);
  return (
    `<section id="filesystem"><h2>Where the bytes are</h2><p class="note">The final filesystem: each box's area is the bytes at and below its path ` +
    `(entries under ${pct(DEFAULT_SIZE_TREE.minShare, 1)} of the image are left inside their directory's box).</p>` +
    `<svg class="treemap" viewBox="0 0 ${MAP_W} ${MAP_H}" width="${MAP_W}" height="${MAP_H}" role="img" aria-label="filesystem by size">${cells.join("")}</svg></section>`
  );
}

/** Draws a node's box, then its kept children inside it (below its label, when there is room). */
function drawNode(node: SizeNode, rect: Rect, depth: number, hue: number, total: number, out: string[]): void {
  if (depth > 0) {
    const tip = `${node.path}\n${formatBytes(node.bytes)} (${pct(node.bytes, total)}), ${node.files} file${node.files === 1 ? "" : "s"}`;
    const fill = `hsl(${hue} ${node.dir ? 45 : 35}% ${Math.min(88, 52 + depth * 8)}%)`;
    const label = rect.w > 40 && rect.h > LABEL_H ? `<text x="${num(rect.x + 3)}" y="${num(rect.y + 11)}">${escapeHtml(clip(baseName(node.path), Math.floor(rect.w / 6.5)))}</text>` : "";
    out.push(
      `<g class="cell" data-path="${escapeHtml(node.path)}"><title>${escapeHtml(tip)}</title>` +
        `<rect x="${num(rect.x)}" y="${num(rect.y)}" width="${num(rect.w)}" height="${num(rect.h)}" fill="${fill}"/>${label}</g>`,
    );
  }
  if (node.children.length === 0 || rect.w < MIN_NEST || rect.h < MIN_NEST) return;
  const top = depth > 0 ? LABEL_H : 0;
  const inner = { x: rect.x + PAD, y: rect.y + top, w: rect.w - 2 * PAD, h: rect.h - top - PAD };
  if (inner.w <= 0 || inner.h <= 0) return;
  // What the kept children do not hold stays as the directory's own unlabelled room, so areas stay proportional.
  const rest = node.bytes - node.children.reduce((s, c) => s + c.bytes, 0);
  const weights = [...node.children.map((c) => c.bytes), ...(rest > 0 ? [rest] : [])];
  const order = weights.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w || a.i - b.i);
  const rects = squarify(
    order.map((o) => o.w),
    inner,
  );
  order.forEach((o, k) => {
    if (o.i >= node.children.length) return;
    const child = node.children[o.i];
    drawNode(child, rects[k], depth + 1, depth === 0 ? HUES[o.i % HUES.length] : hue, total, out);
  });
}

/** Horizontal bars, longest first, with the value written beside each. */
function bars(items: Array<{ label: string; bytes: number; tip: string }>, of: number): string {
  if (items.length === 0) return "";
  const max = Math.max(...items.map((i) => i.bytes), 1);
  const rows = items
    .map(
      (i) =>
        `<div class="row" title="${escapeHtml(i.tip)}"><span class="label">${escapeHtml(clip(i.label, 70))}</span>` +
        `<span class="track"><span class="fill" style="width:${num((100 * i.bytes) / max)}%"></span></span>` +
        `<span class="value">${escapeHtml(formatBytes(i.bytes))} · ${pct(i.bytes, of)}</span></div>`,
    )
    .join("");
  return `<div class="bars">${rows}</div>`;
}

function baselineSection(input: HtmlReportInput): string {
  const d = input.diff!;
  const base = d.baseline.totalBytes;
  const rows = (items: ItemChange[]) =>
    items
      .slice(0, 40)
      .map((i) => `<tr><td class="n ${i.delta > 0 ? "grew" : "shrank"}">${escapeHtml(signedBytes(i.delta))}</td><td>${escapeHtml(itemChangeText(i))}</td><td>${escapeHtml(i.where)}</td></tr>`)
      .join("");
  const max = Math.max(1, ...d.directories.map((x) => Math.abs(x.delta)));
  const dirs = d.directories
    .map(
      (x) =>
        `<div class="row" title="${escapeHtml(`${x.path}\n${formatBytes(x.before)} -> ${formatBytes(x.after)}`)}"><span class="label">${escapeHtml(clip(x.path, 70))}</span>` +
        `<span class="track"><span class="fill ${x.delta > 0 ? "grew" : "shrank"}" style="width:${num((100 * Math.abs(x.delta)) / max)}%"></span></span>` +
        `<span class="value">${escapeHtml(signedBytes(x.delta))}</span></div>`,
    )
    .join("");
  const facts = [
    `${formatBytes(base)} -> ${formatBytes(base + d.delta.totalBytes)} (${signedBytes(d.delta.totalBytes)}${base > 0 ? `, ${d.delta.totalBytes >= 0 ? "+" : ""}${((100 * d.delta.totalBytes) / base).toFixed(1)}%` : ""})`,
    `layers ${d.baseline.layers} -> ${d.baseline.layers + d.delta.layers}, waste ${signedBytes(d.delta.wasteBytes)}`,
    ...(d.root.before !== d.root.after ? [d.root.after ? "now runs as root" : "no longer runs as root"] : []),
    ...(d.compilers.added.length ? [`compilers added: ${d.compilers.added.join(", ")}`] : []),
    ...(d.compilers.removed.length ? [`compilers removed: ${d.compilers.removed.join(", ")}`] : []),
  ];
  const table = (title: string, items: ItemChange[]) =>
    items.length ? `<h3>${escapeHtml(title)}</h3><table><tbody>${rows(items)}</tbody></table>` : "";
  return (
    `<section id="baseline"><h2>Compared with ${escapeHtml(d.baseline.name)}</h2><ul>${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>` +
    (dirs ? `<h3>Directories that changed by ${escapeHtml(formatBytes(d.floorBytes))} or more</h3><div class="bars">${dirs}</div>` : "") +
    table("Python distributions", d.distributions) +
    table("OS packages", d.packages) +
    `</section>`
  );
}

function wasteSection(input: HtmlReportInput): string {
  const r = input.report;
  const w = r.waste;
  if (w.items.length === 0) return `<section id="waste"><h2>Waste</h2><p>None found.</p></section>`;
  const kinds = Object.entries(w.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, bytes]) => ({ label: kind, bytes, tip: `${kind}: ${formatBytes(bytes)}` }));
  const items = w.items.slice(0, 40).map((i) => {
    const where = i.by !== undefined && i.by !== i.layer ? `layer ${i.layer}, hidden by layer ${i.by}` : `layer ${i.layer}`;
    const label = `${i.kind} ${i.path}${i.files > 1 ? ` (${i.files} files)` : ""}${i.sameAs ? ` = ${i.sameAs}` : ""}`;
    return { label, bytes: i.bytes, tip: `${label}\n${where}\nstored by: ${layerCommand(input, i.layer)}` };
  });
  return (
    `<section id="waste"><h2>Waste: ${escapeHtml(formatBytes(w.bytes))} (${pct(w.bytes, r.totalBytes)} of the image)</h2>` +
    `<h3>By kind</h3>${bars(kinds, r.totalBytes)}<h3>Largest items${w.items.length > items.length ? ` (${items.length} of ${w.items.length})` : ""}</h3>${bars(items, r.totalBytes)}</section>`
  );
}

function pythonSection({ report: r }: HtmlReportInput): string {
  const py = r.python;
  if (!py.interpreters.length && !py.venvs.length && !py.distributions.length) return "";
  const facts = [
    ...py.interpreters.map((i) => `interpreter ${i.path} (${i.version}), ${formatBytes(i.bytes)}`),
    ...py.venvs.map((v) => `venv ${v.path}${v.version ? ` (${v.version})` : ""}, ${formatBytes(v.bytes)}`),
  ];
  const dists = py.distributions
    .slice(0, 40)
    .map((d) => ({ label: `${d.name}${d.version ? ` ${d.version}` : ""}`, bytes: d.bytes, tip: `${d.name} ${d.version ?? ""}\n${d.location}\n${d.files} files (from ${d.basis})` }));
  const list = facts.length ? `<ul>${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>` : "";
  return `<section id="python"><h2>Python</h2>${list}${dists.length ? `<h3>Distributions by size${py.distributions.length > dists.length ? ` (${dists.length} of ${py.distributions.length})` : ""}</h3>${bars(dists, r.totalBytes)}` : ""}</section>`;
}

function packagesSection({ report: r }: HtmlReportInput): string {
  if (r.packages.length === 0) return "";
  const parts = r.packages.map((p) => {
    if (p.count === null) return `<h3>${escapeHtml(p.manager)}</h3><p>${escapeHtml(p.note ?? "not readable")}</p>`;
    const top = p.packages.slice(0, 25).map((x) => ({ label: `${x.name} ${x.version ?? ""}`.trim(), bytes: x.bytes ?? 0, tip: `${x.name} ${x.version ?? ""}` }));
    return `<h3>${escapeHtml(p.manager)}: ${p.count} installed, ${escapeHtml(formatBytes(p.bytes))}</h3>${bars(top, r.totalBytes)}`;
  });
  return `<section id="packages"><h2>OS packages</h2>${parts.join("")}</section>`;
}

function findingsSection(input: HtmlReportInput): string {
  const df = input.dockerfile!;
  const place = { layer: "layer", config: "image config, no layer", base: "base image", unmatched: "not found in the history", "not-shipped": "stage not shipped" };
  const rows = df.measures
    .map((m) => {
      const pos = df.source.positionAt(m.finding.span.start);
      const measured = m.measured ? formatBytes(m.measured.bytes) : m.finding.impact?.bytes ? `~${formatBytes(m.finding.impact.bytes)} estimated` : "";
      const where = m.placement === "layer" && m.layer !== undefined ? `layer ${m.layer}` : place[m.placement];
      return `<tr><td class="n">${pos.line}:${pos.column}</td><td>${escapeHtml(m.finding.rule)}</td><td class="n">${escapeHtml(measured)}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(m.finding.message)}</td></tr>`;
    })
    .join("");
  return (
    `<section id="findings"><h2>Findings in ${escapeHtml(df.path)}, measured in the image</h2>` +
    (df.measures.length ? `<table><thead><tr><th>at</th><th>check</th><th>bytes</th><th>where</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>` : "<p>None.</p>") +
    `</section>`
  );
}

function gateSection(input: HtmlReportInput): string {
  const g = input.gate!;
  const rows = g.checks.map((c) => `<tr class="${c.passed ? "pass" : "fail"}"><td>${c.passed ? "pass" : "FAIL"}</td><td>${escapeHtml(c.key)}</td><td>${escapeHtml(c.message)}</td></tr>`).join("");
  return `<section id="gate"><h2>Gate: <span class="${g.passed ? "pass" : "fail"}">${g.passed ? "PASS" : "FAIL"}</span></h2><table><tbody>${rows}</tbody></table></section>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#1d2330;background:#fbfbfc}
h1{font-size:22px;margin:0 0 8px}h1 small{font-size:13px;color:#667;font-weight:normal}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}h3{font-size:14px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eef}
.facts th{width:140px;color:#556;font-weight:600}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.note{color:#667;margin:4px 0 8px}svg{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #dde}
svg text{font-size:11px;fill:#1d2330;pointer-events:none}.bar text{font-size:13px;font-weight:600}
.layer rect,.cell rect{stroke:#fff;stroke-width:1}.waste{fill:#8a1c1c;opacity:.75}
.bars .row{display:flex;align-items:center;gap:8px;margin:2px 0}.label{flex:0 0 380px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.track{flex:1;background:#eef0f4;height:12px;border-radius:2px}.fill{display:block;height:12px;background:#5b7bb5;border-radius:2px}
.value{flex:0 0 150px;text-align:right;font-variant-numeric:tabular-nums;color:#445}
.pass{color:#17692f}.fail{color:#a01818;font-weight:600}
.fill.grew{background:#b5523b}.fill.shrank{background:#3b8a5a}td.grew{color:#a03a22}td.shrank{color:#2f7a4b}
`;
