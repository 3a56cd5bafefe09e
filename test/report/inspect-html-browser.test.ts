// The inspect HTML report as a browser shows it: Debian's Chromium driven by playwright-core (the e2e setup
// installs chromium; without it these tests skip, saying so).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { sizeTree } from "../../src/image/size-tree.js";
import { inspectToHtml } from "../../src/report/inspect-html.js";
import { bytes, type FileSpec } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

const executable = process.env.WHITTLE_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(executable) ? false : `no browser at ${executable} (Debian's chromium; set WHITTLE_CHROMIUM to another)`;

async function page(browser: Browser, layers: FileSpec[][]): Promise<{ page: Page; errors: string[] }> {
  const analysis = await analyzeLayers(layers, {}, "app:1");
  const html = inspectToHtml({ report: analysis.report, tree: sizeTree(analysis.index) });
  const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  p.on("pageerror", (e) => errors.push(e.message));
  await p.setContent(html, { waitUntil: "load" });
  return { page: p, errors };
}

describe("inspect HTML report in a browser", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: executable, args: ["--no-sandbox"] });
  });
  after(async () => browser?.close());

  it("renders without errors: the layer bar, a treemap box per kept path, names shown as text", async () => {
    const files: FileSpec[] = [{ path: "usr/lib/<img src=x onerror=alert(1)>.so", content: bytes(40_000, 1) }];
    for (let i = 0; i < 30; i++) files.push({ path: `usr/lib/python3.11/site-packages/pkg${i}/__init__.py`, content: bytes(2_000 + i * 500, i + 2) });
    const { page: p, errors } = await page(browser, [files, [{ path: "app/main.py", content: bytes(9_000, 99) }]]);
    assert.deepEqual(errors, []);
    assert.equal(await p.title(), "whittle inspect: app:1");
    const facts = await p.evaluate(() => {
      const cells = [...document.querySelectorAll("svg.treemap g.cell")];
      const map = document.querySelector("svg.treemap")!.getBoundingClientRect();
      return {
        layers: document.querySelectorAll("svg.bar g.layer").length,
        cells: cells.length,
        paths: cells.map((g) => (g as SVGGElement).dataset.path),
        inside: cells.every((g) => {
          const r = g.querySelector("rect")!.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.left >= map.left - 0.5 && r.right <= map.right + 0.5 && r.top >= map.top - 0.5 && r.bottom <= map.bottom + 0.5;
        }),
        images: document.images.length,
        scripts: document.scripts.length,
        overflow: document.documentElement.scrollWidth > window.innerWidth,
        sections: [...document.querySelectorAll("section")].map((s) => s.id),
      };
    });
    assert.equal(facts.layers, 2);
    assert.ok(facts.paths.includes("/usr/lib/<img src=x onerror=alert(1)>.so"), facts.paths.join(" "));
    assert.ok(facts.paths.includes("/app/main.py"));
    assert.ok(facts.cells >= 30 && facts.inside, JSON.stringify(facts));
    // The hostile name became text: no image element, no script.
    assert.equal(facts.images, 0);
    assert.equal(facts.scripts, 0);
    assert.equal(facts.overflow, false);
    assert.deepEqual(facts.sections, ["layers", "filesystem", "waste"]);
    const shot = await p.screenshot({ fullPage: true });
    assert.ok(shot.length > 10_000);
    await p.close();
  });
});
