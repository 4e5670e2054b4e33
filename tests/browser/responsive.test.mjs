// Responsive layout: screenshots at 375 px and 1280 px wide (saved under artifacts/ for a person
// to look at), and nothing overflows horizontally on a phone.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ARTIFACTS, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 120_000 };
const WIDTHS = [375, 1280];
// Rounding of sub-pixel layout; anything wider is a real horizontal scroll.
const TOLERANCE = 2;

const SHOTS = [
  ["home", "/"],
  ["home-en", "/en/"],
  ["theme", "/themes/training/"],
  ["theme-en", "/en/themes/training/"],
];

for (const width of WIDTHS) {
  test(`screenshots at ${width} px`, TIMEOUT, env.run(async (page, t) => {
    for (const [name, p] of SHOTS) {
      await page.goto(env.url(p));
      const file = path.join(ARTIFACTS, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      t.diagnostic(`screenshot: ${path.basename(file)}`);
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(sw <= width + TOLERANCE, `${p} is ${sw} px wide at ${width} px`);
    }
  }, { viewport: { width, height: 800 } }));
}

const PHONE = [
  "/",
  "/themes/training/",
  "/cities/takasaki/measures/takasaki-16/",
  "/kpis/",
  "/cities/kofu/",
  "/compare/",
  "/cities/osaki/source/",
  "/search/?q=" + encodeURIComponent("人材確保"),
];

for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
  test(`nothing overflows horizontally at 375 px (${lang})`, TIMEOUT, env.run(async (page) => {
    const wide = [];
    for (const p of PHONE) {
      await page.goto(env.url(prefix + p));
      if (p.startsWith("/search/")) await page.waitForSelector("#search-results .result");
      const m = await page.evaluate(() => {
        const root = document.documentElement;
        // The widest elements that stick out of the viewport, to say what overflows.
        const culprits = [...document.querySelectorAll("main *, header *, footer *")]
          .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 2 && !e.closest(".table-wrap"))
          .slice(0, 3)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} right=${Math.round(e.getBoundingClientRect().right)}`);
        return { sw: root.scrollWidth, culprits };
      });
      if (m.sw > 375 + TOLERANCE) wide.push(`${prefix + p}: ${m.sw} px (${m.culprits.join("; ")})`);
    }
    assert.deepEqual(wide, [], "pages wider than the phone");
  }, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true }));
}
