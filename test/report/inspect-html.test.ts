import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_GATE, evaluateGate } from "../../src/image/gate.js";
import { sizeTree } from "../../src/image/size-tree.js";
import { escapeHtml, inspectToHtml, type HtmlReportInput } from "../../src/report/inspect-html.js";
import { bytes } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

const HOSTILE = `<script>alert("x")</script>&'.so`;

async function input(): Promise<HtmlReportInput> {
  const history = [{ created_by: "/bin/sh -c #(nop) ADD file:x in /" }, { created_by: "/bin/sh -c pip install <b>flask</b>" }, { created_by: "/bin/sh -c rm -rf /root/.cache" }];
  const analysis = await analyzeLayers(
    [
      [{ path: `usr/lib/${HOSTILE}`, content: bytes(60_000, 1) }, { path: "usr/bin/python3.11", content: bytes(30_000, 2) }],
      [{ path: "root/.cache/pip/http/a", content: bytes(7_000, 3) }, { path: "app/main.py", content: bytes(3_000, 4) }],
      [{ path: "root/" }, { path: "root/.wh..cache" }],
    ],
    { history },
    "app:1",
  );
  return { report: analysis.report, tree: sizeTree(analysis.index), gate: evaluateGate(analysis.report, { ...DEFAULT_GATE, maxWastePercent: 0.05 }) };
}

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe("inspect HTML report", async () => {
  const data = await input();
  const html = inspectToHtml(data);

  it("is one self-contained page that forbids scripts and loads nothing from outside", () => {
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.equal(count(html, "<script"), 0);
    assert.doesNotMatch(html, /\b(?:src|href)=/);
  });

  it("escapes every name the image brings: file names and history commands show as text", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
    assert.ok(html.includes(escapeHtml(`/usr/lib/${HOSTILE}`)));
    assert.ok(html.includes("pip install &#60;b&#62;flask&#60;/b&#62;"));
    assert.equal(count(html, "<b>"), 0);
  });

  it("opens no element but its own, whatever the image's names hold (200 seeded random names)", async () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ["<", ">", "&", '"', "'", "/", "=", " ", "a", "script", "img", "svg", "é", "🐍", "\u202e", "%", "\\"];
    const name = () => Array.from({ length: 3 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("").replace(/\//g, "_");
    const files = Array.from({ length: 200 }, (_, i) => ({ path: `usr/${name()}${i}/${name()}`, content: bytes(1_000 + i * 300, i) }));
    const page = inspectToHtml(await (async () => {
      const a = await analyzeLayers([files], { history: [{ created_by: `/bin/sh -c ${name()}` }] }, name());
      return { report: a.report, tree: sizeTree(a.index) };
    })());
    const OWN = new Set(["html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "small", "table", "thead", "tbody", "tr", "th", "td", "section", "p", "svg", "g", "rect", "text", "div", "span", "ul", "li"]);
    const opened = [...page.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(opened.filter((t) => !OWN.has(t)))], []);
    assert.equal(count(page, "<!"), 1);
  });

  it("draws each layer with bytes as a share of one bar, and its waste", () => {
    const r = data.report;
    assert.deepEqual(r.layers.map((l) => l.bytes), [90_000, 10_000, 0]);
    // The empty third layer takes no width; the first takes 90% of the 1100-unit bar.
    assert.equal(count(html, `<g class="layer">`), 2);
    assert.ok(html.includes(`<rect x="0" y="0" width="990" height="44"`));
    assert.ok(html.includes(`<rect x="990" y="0" width="110" height="44"`));
    // Layer 1 stores the 7000 pip-cache bytes a later layer deletes: 70% of its width is waste.
    assert.ok(html.includes(`<rect class="waste" x="990" y="36" width="77" height="8"/>`));
  });

  it("draws the final filesystem: a box per kept path, areas proportional to bytes", () => {
    const paths = [...html.matchAll(/<g class="cell" data-path="([^"]*)">/g)].map((m) => m[1]);
    assert.deepEqual(paths.slice(0, 2), ["/usr", "/usr/lib"]);
    assert.ok(paths.includes("/app") && paths.includes("/usr/bin/python3.11"));
    // The deleted cache is not in the final filesystem.
    assert.ok(!paths.some((p) => p.startsWith("/root/.cache")));
    const usr = /<g class="cell" data-path="\/usr"><title>[^<]*<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(html);
    assert.ok(usr, "a box for /usr");
    // /usr holds 90,000 of the 93,000 visible bytes, of the map inside its 2-unit margin.
    assert.deepEqual([usr[1], usr[2]], ["2", "0"]);
    assert.ok(Math.abs((Number(usr[3]) * Number(usr[4])) / (1096 * 558) - 90_000 / 93_000) < 0.001, `${usr[3]} x ${usr[4]}`);
  });

  it("lists waste, the gate's verdict, and is the same page for the same image", () => {
    // 7,000 of the 100,000 bytes the layers store.
    assert.match(html, /<h2>Waste: 6\.8 KB \(7\.0% of the image\)<\/h2>/);
    assert.match(html, /<section id="gate"><h2>Gate: <span class="fail">FAIL<\/span><\/h2>/);
    assert.match(html, /<tr class="fail"><td>FAIL<\/td><td>maxWastePercent<\/td><td>wasted share 7\.00%/);
    assert.match(html, /<tr class="pass"><td>pass<\/td><td>lowestEfficiency<\/td>/);
    assert.equal(inspectToHtml(data), html);
  });
});
