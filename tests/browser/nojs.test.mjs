// Without JavaScript every page is usable under kb serve: the search page gets its results
// rendered by the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CITIES, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const NOJS = { javaScriptEnabled: false };
const TIMEOUT = { timeout: 90_000 };

const PAGES = [
  "/",
  "/cities/",
  "/cities/kofu/",
  "/cities/takasaki/measures/takasaki-16/",
  "/themes/",
  "/themes/training/",
  "/kpis/",
  "/compare/",
];

/** What a reader sees of the page's content: its heading, links, and nothing left hidden. */
async function usable(page, p) {
  const h1 = page.locator("main h1");
  assert.equal(await h1.count(), 1, `one h1 on ${p}`);
  assert.ok(await h1.isVisible(), `the h1 shows on ${p}`);
  assert.ok((await h1.textContent()).trim().length > 0);
  const links = await page.locator("main a[href]:visible").count();
  assert.ok(links > 0, `links in the content of ${p}`);
  const hidden = await page.$$eval("main [hidden]", (els) => els.map((e) => e.outerHTML.slice(0, 100)));
  assert.deepEqual(hidden, [], `nothing in ${p} waits for a script to show it`);
  assert.ok(await page.locator(".main-nav").isVisible());
  assert.ok(await page.locator(".site-footer").isVisible());
}

for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
  test(`every page but search works without JavaScript (${lang})`, TIMEOUT, env.run(async (page) => {
    for (const p of PAGES) {
      const res = await page.goto(env.url(prefix + p));
      assert.equal(res.status(), 200, prefix + p);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      await usable(page, prefix + p);
    }
  }, NOJS));
}

test("without JavaScript: navigate by links, change language", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/"));
  await page.click(".main-nav a[href='/themes/']");
  await page.waitForURL(env.url("/themes/"));
  await page.click("main a[href='/themes/training/']");
  await page.waitForURL(env.url("/themes/training/"));
  const first = page.locator("#matrix .matrix-list a").first();
  const href = await first.getAttribute("href");
  await first.click();
  await page.waitForURL(env.url(href));
  await usable(page, href);
  await page.click(".lang-switch");
  await page.waitForURL(env.url("/en" + href));
  await usable(page, "/en" + href);
}, NOJS));

test("without JavaScript: the theme matrix shows every city and the picker still narrows it", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/themes/training/"));
  assert.equal(await page.locator("#matrix .matrix-col:visible").count(), CITIES.length);
  await page.check('#city-picker input[value="osaki"]');
  await page.check('#city-picker input[value="kofu"]');
  const visible = await page.$$eval("#matrix .matrix-col", (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => c.dataset.city));
  assert.deepEqual(visible, ["kofu", "osaki"]);
  await page.uncheck('#city-picker input[value="osaki"]');
  await page.uncheck('#city-picker input[value="kofu"]');
  assert.equal(await page.locator("#matrix .matrix-col:visible").count(), CITIES.length);
  // The CSV is a plain link.
  const res = await page.request.get(env.url(await page.getAttribute('main a[href$="/training.csv"]', "href")));
  assert.equal(res.status(), 200);
}, NOJS));

test("without JavaScript kb serve renders the search results on the server", TIMEOUT, env.run(async (page) => {
  for (const prefix of ["", "/en"]) {
    await page.goto(env.url(prefix + "/"));
    await page.fill("#site-search", "人材確保");
    await page.press("#site-search", "Enter");
    await page.waitForURL((u) => u.pathname === prefix + "/search/" && u.searchParams.get("q") === "人材確保");
    const results = page.locator("#search-results .result");
    assert.ok((await results.count()) > 0, "results rendered by the server");
    assert.ok(await results.first().locator("h2 a").isVisible());
    assert.equal(await page.locator("#search-q").inputValue(), "人材確保", "the query stays in the box");
    assert.equal(await page.locator("main .notice").count(), 0, "no needs-JavaScript notice above results");
    // More than one page of results: paging works by plain links.
    // Worded as the page script words it ("1–10件目（全108件）", "1–10 of 108").
    const status = await page.locator("#search-status").textContent();
    assert.match(status, prefix ? /^1–10 of \d+$/ : /^1–10件目（全\d+件）$/);
    const total = Number(status.match(/\d+/g).pop());
    // Each result as the page script shows it: its kind, its city, its translation.
    assert.equal(await results.first().locator(".meta .kind").count(), 1);
    const twin = results.first().locator(".meta a.twin");
    assert.equal(await twin.getAttribute("hreflang"), prefix ? "ja" : "en");
    assert.ok(total > 10, `more than a page of results (${total})`);
    await page.locator("#search-pager a").last().click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    assert.ok((await results.count()) > 0, "page 2 rendered");
  }
}, NOJS));

test("with JavaScript the search page has no such notice", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/search/?q=" + encodeURIComponent("人材確保")));
  await page.waitForSelector("#search-results .result");
  assert.equal(await page.locator("main .notice:visible").count(), 0);
}));
