// Colour schemes (issue 16, item 7): every kind of page passes axe — contrast included — in the
// dark scheme (prefers-color-scheme: dark) as in the light one, at 1366 and 390 px, in Japanese
// and English. The colours all come from CSS custom properties (sass/_schemes.scss), so a page
// kind missed here would still follow; these pages are where the rarer colours show (badges,
// charts, the heatmap, highlighted search hits, the source line a link points at).
import { test } from "node:test";
import assert from "node:assert/strict";
import { VIEWS, axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const Q = encodeURIComponent("研修");

const PAGES = [
  ["home", "/"],
  ["city", "/cities/kofu/"],
  ["chapter", "/cities/takasaki/chapters/02-guidelines/"],
  ["measure", "/cities/takasaki/measures/takasaki-16/"],
  ["theme list and heatmap", "/themes/"],
  ["theme", "/themes/training/"],
  ["compare", "/compare/"],
  ["KPIs", "/kpis/"],
  ["search", `/search/?q=${Q}`],
  ["source", "/cities/aizuwakamatsu/source/#L120"],
];

// The dark views are the point; the light ones are cheap to add (a11y.test.mjs covers light at
// 1366 px in more depth).
for (const view of VIEWS) {
  for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
    test(`axe in ${view.name} (${lang})`, { timeout: 300_000 }, env.run(async (page, t) => {
      const bad = [];
      const pages = [...PAGES.map(([n, p]) => [n, prefix + p])];
      // One 404 page serves both languages (asked for by name: a missing page's 404 status would
      // count as a console error).
      if (lang === "ja") pages.push(["404", "/404.html"]);
      for (const [name, p] of pages) {
        await page.goto(env.url(p));
        if (name === "search") {
          await page.waitForSelector("#search-results .result");
          await page.waitForSelector("#search-facets a", { state: "attached" });
          // On a phone the filters start closed: open them, so that axe sees them too.
          await page.evaluate(() => { document.getElementById("search-options").open = true; });
        }
        const scheme = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
        assert.equal(scheme, view.colorScheme, "the page sees the scheme of the view");
        const found = await axe(page);
        const serious = found.filter((v) => v.impact === "serious" || v.impact === "critical");
        for (const v of found.filter((v) => !serious.includes(v))) t.diagnostic(`${p}: ${v.impact} ${v.id}`);
        if (serious.length) bad.push(`${p} (${name}):\n${describeViolations(serious)}`);
      }
      assert.deepEqual(bad, [], `serious or critical violations in ${view.name}`);
    }, view));
  }
}

test("the dark scheme changes the page's colours, and print stays light", { timeout: 60_000 }, env.run(async (page) => {
  await page.goto(env.url("/themes/training/"));
  const colours = () => page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const header = getComputedStyle(document.querySelector(".site-header"));
    return { bg: body.backgroundColor, ink: body.color, header: header.backgroundColor };
  });
  const dark = await colours();
  assert.equal(dark.bg, "rgb(17, 20, 24)", "a dark background");
  assert.equal(dark.ink, "rgb(230, 233, 237)", "light text");
  await page.emulateMedia({ media: "print" });
  const printed = await colours();
  assert.equal(printed.bg, "rgb(255, 255, 255)", "printed on white");
  assert.equal(printed.ink, "rgb(27, 31, 36)", "printed in dark ink");
}, VIEWS.find((v) => v.name === "desktop-dark")));
