// Accessibility: axe-core (from npm, injected into the page) finds no serious or critical
// violation on the main kinds of page, in both languages; plus the checks axe cannot make
// alone (skip link, landmarks, visible focus).
import { test } from "node:test";
import assert from "node:assert/strict";
import { axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);

const Q = encodeURIComponent("人材確保");
const PAGES = [
  ["home", "/"],
  ["search with results", `/search/?q=${Q}`],
  ["theme", "/themes/training/"],
  ["theme narrowed to two cities", "/themes/training/?city=kofu&city=osaki"],
  ["measure", "/cities/takasaki/measures/takasaki-16/"],
  ["KPI dashboard", "/kpis/"],
  ["city", "/cities/kofu/"],
  ["comparison", "/compare/"],
  ["themes with the coverage heatmap", "/themes/"],
  ["source text", "/cities/aizuwakamatsu/source/"],
];

for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
  for (const [name, p] of PAGES) {
    test(`axe: ${name} (${lang})`, { timeout: 90_000 }, env.run(async (page, t) => {
      await page.goto(env.url(prefix + p));
      assert.equal(await page.getAttribute("html", "lang"), lang);
      if (name.startsWith("search")) {
        await page.waitForSelector("#search-results .result");
        await page.waitForSelector("#search-facets a");
      }
      const violations = await axe(page);
      const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of violations.filter((v) => !bad.includes(v))) t.diagnostic(`${v.impact} ${v.id}: ${v.help}: ${v.nodes.map((n) => n.target).join(", ").slice(0, 300)}`);
      assert.equal(bad.length, 0, `serious or critical violations on ${prefix + p}:\n${describeViolations(bad)}`);
    }));
  }
}

// On a phone, wide tables and charts scroll sideways: axe checks that a keyboard can scroll them.
for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
  test(`axe at 375 px: pages with wide tables and charts (${lang})`, { timeout: 120_000 }, env.run(async (page) => {
    const bad = [];
    for (const p of ["/kpis/", "/themes/", "/cities/kofu/", "/compare/", "/cities/takasaki/measures/takasaki-16/"]) {
      await page.goto(env.url(prefix + p));
      const found = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
      if (found.length) bad.push(`${prefix + p}:\n${describeViolations(found)}`);
    }
    assert.deepEqual(bad, [], "serious or critical violations at 375 px");
  }, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true }));
}

test("skip link, landmarks and a visible focus ring", { timeout: 60_000 }, env.run(async (page) => {
  await page.goto(env.url("/themes/training/"));
  for (const sel of ["header.site-header", "nav.main-nav", "form[role=search]", "main#main", "footer.site-footer", "nav.breadcrumbs"]) {
    assert.equal(await page.locator(sel).count(), 1, `one ${sel}`);
  }
  // The first Tab reaches the skip link, which shows itself and moves to the content.
  await page.keyboard.press("Tab");
  const skip = page.locator(".skip-link");
  assert.ok(await skip.evaluate((a) => a === document.activeElement), "the first Tab reaches the skip link");
  const box = await skip.boundingBox();
  assert.ok(box && box.y >= 0 && box.height > 10, `the focused skip link is on screen: ${JSON.stringify(box)}`);
  const ring = await skip.evaluate((a) => getComputedStyle(a).outlineStyle);
  assert.notEqual(ring, "none", "a visible focus outline");
  await page.keyboard.press("Enter");
  assert.equal(new URL(page.url()).hash, "#main");
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "main");

  // Every control a keyboard reaches shows a focus ring.
  const seen = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 30), outline: cs.outlineStyle, width: cs.outlineWidth };
    });
    seen.push(info);
    assert.ok(info.outline !== "none" && parseFloat(info.width) >= 2, `focus ring on ${JSON.stringify(info)}`);
  }
}));

test("every form control has a label and every table a caption and headers", { timeout: 60_000 }, env.run(async (page) => {
  for (const p of ["/", `/search/?q=${Q}`, "/themes/training/", "/kpis/", "/cities/kofu/", "/compare/", "/en/kpis/"]) {
    await page.goto(env.url(p));
    const unlabeled = await page.$$eval("input:not([type=hidden]), select, textarea, button", (els) =>
      els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !(e.tagName === "BUTTON" && e.textContent.trim())).map((e) => e.outerHTML.slice(0, 120)));
    assert.deepEqual(unlabeled, [], `unlabelled controls on ${p}`);
    const tables = await page.$$eval("main table", (ts) => ts.map((tb) => ({ caption: !!(tb.caption && tb.caption.textContent.trim()), th: tb.querySelectorAll("th").length, html: tb.outerHTML.slice(0, 100) })));
    for (const tb of tables) assert.ok(tb.caption && tb.th > 0, `table with caption and headers on ${p}: ${tb.html}`);
  }
}));
