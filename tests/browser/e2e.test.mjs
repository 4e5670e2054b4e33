// End-to-end journeys through the real site in headless Chromium: languages, search, theme
// matrices with the city picker and their CSV, the KPI dashboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { CITIES, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 90_000 };

test("the home page in both languages, with the language switch", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/"));
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  assert.equal(await page.innerText(".brand"), "自治体人材育成ナレッジベース");
  assert.equal(await page.locator(".card-grid .card").count(), CITIES.length);
  await page.click(".lang-switch");
  await page.waitForURL(env.url("/en/"));
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.innerText(".brand"), "Municipal HR Development Knowledge Base");
  assert.equal(await page.locator(".card-grid .card").count(), CITIES.length);
  await page.click(".lang-switch");
  await page.waitForURL(env.url("/"));
}));

test("switching language on a measure page lands on its translation", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/cities/takasaki/measures/takasaki-16/"));
  const ja = await page.textContent("main h1");
  assert.match(ja, /経験者採用/);
  await page.click(".lang-switch");
  await page.waitForURL(env.url("/en/cities/takasaki/measures/takasaki-16/"));
  assert.equal(await page.getAttribute("html", "lang"), "en");
  const en = await page.textContent("main h1");
  assert.notEqual(en, ja);
  assert.match(en, /[A-Za-z]/);
  await page.click(".lang-switch");
  await page.waitForURL(env.url("/cities/takasaki/measures/takasaki-16/"));
  assert.equal(await page.textContent("main h1"), ja);
}));

test("search from the header box: several cities, highlighted snippets, a city facet, a result", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/"));
  await page.fill("#site-search", "人材確保");
  await page.press("#site-search", "Enter");
  await page.waitForURL(/\/search\/\?q=/);
  assert.equal(new URL(page.url()).searchParams.get("q"), "人材確保");
  await page.waitForSelector("#search-results .result");
  assert.match(await page.textContent("#search-status"), /^1–10件目（全\d+件）$/);
  assert.equal(await page.inputValue("#search-q"), "人材確保");

  const urls = await page.$$eval("#search-results .result h2 a", (as) => as.map((a) => a.getAttribute("href")));
  assert.equal(urls.length, 10, "a full first page");
  const cities = new Set(urls.map((u) => (u.match(/\/cities\/([a-z]+)\//) || [])[1]).filter(Boolean));
  assert.ok(cities.size >= 2, `results from several cities, got ${[...cities]}`);
  const marks = await page.$$eval("#search-results .snippet mark", (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.length >= 5, `highlighted snippets, got ${marks.length} <mark>`);
  assert.ok(marks.some((m) => /人材|確保/.test(m)), `the query is highlighted: ${marks.slice(0, 5)}`);

  // Several cities in the facets; narrow to one.
  const facet = page.locator("#search-facets .facet").first().locator("a");
  assert.ok((await facet.count()) >= 2, "a facet per city with results");
  const target = page.locator('#search-facets a[href*="city=kofu"]');
  await target.click();
  await page.waitForURL(/city=kofu/);
  await page.waitForSelector('#search-facets a[aria-current="true"]');
  const narrowed = await page.$$eval("#search-results .result h2 a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(narrowed.length > 0, "results in the chosen city");
  for (const u of narrowed) assert.match(u, /\/cities\/kofu\//);
  assert.equal(await page.inputValue("#search-city"), "kofu", "the filter shows the facet's choice");

  // Open a result.
  const first = page.locator("#search-results .result h2 a").first();
  const title = (await first.textContent()).trim();
  await first.click();
  await page.waitForURL(/\/cities\/kofu\//);
  assert.equal((await page.textContent("main h1")).trim(), title);
}));

test("English search page: results, facets and the back button", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/en/search/?q=" + encodeURIComponent("人材確保")));
  await page.waitForSelector("#search-results .result");
  assert.match(await page.textContent("#search-status"), /^1–10 of \d+$/);
  await page.locator('#search-facets a[href*="city="]').first().click();
  await page.waitForURL(/city=/);
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("city"));
  await page.waitForSelector("#search-results .result");
}));

test("a theme page narrowed to two cities with the picker, and its CSV", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/themes/training/"));
  const cols = page.locator("#matrix .matrix-col");
  assert.equal(await cols.count(), CITIES.length);
  assert.equal(await page.locator("#matrix .matrix-col:visible").count(), CITIES.length, "every city shows at first");

  await page.check('#city-picker input[value="kofu"]');
  await page.check('#city-picker input[value="tachikawa"]');
  const u = new URL(page.url());
  assert.deepEqual(u.searchParams.getAll("city"), ["kofu", "tachikawa"], "the choice is in the URL");
  const visible = await page.$$eval("#matrix .matrix-col", (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => c.dataset.city));
  assert.deepEqual(visible, ["kofu", "tachikawa"]);

  // The URL is shareable: opening it shows the same two columns, boxes ticked.
  await page.goto(env.url("/themes/training/?city=osaki&city=takasaki"));
  const shared = await page.$$eval("#matrix .matrix-col", (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => c.dataset.city));
  assert.deepEqual(shared, ["takasaki", "osaki"]);
  assert.ok(await page.isChecked('#city-picker input[value="osaki"]'));
  assert.ok(!(await page.isChecked('#city-picker input[value="kofu"]')));
  await page.uncheck('#city-picker input[value="osaki"]');
  await page.uncheck('#city-picker input[value="takasaki"]');
  assert.equal(new URL(page.url()).search, "", "no choice, no query");
  assert.equal(await page.locator("#matrix .matrix-col:visible").count(), CITIES.length);

  // Every measure link of the matrix appears in the CSV, which opens in Excel (UTF-8 BOM).
  const links = await page.$$eval("#matrix .matrix-list a", (as) => as.map((a) => a.getAttribute("href")));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#theme-csv")]);
  assert.equal(download.suggestedFilename(), "training.csv");
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
  const lines = bytes.subarray(3).toString("utf8").trim().split(/\r?\n/);
  assert.match(lines[0], /^id,city,/);
  const rows = lines.slice(1);
  assert.ok(rows.length > 0);
  assert.equal(rows.length, new Set(links).size, "one row per measure shown in the matrix");
  for (const r of rows) assert.ok(CITIES.includes(r.split(",")[1]), `a row of a known city: ${r}`);
  for (const c of ["kofu", "tachikawa"]) assert.ok(rows.some((r) => r.split(",")[1] === c), `rows of ${c}`);
}));

test("the KPI dashboard shows its SVG charts with text alternatives", TIMEOUT, env.run(async (page) => {
  for (const [p, lang] of [["/kpis/", "ja"], ["/en/kpis/", "en"]]) {
    await page.goto(env.url(p));
    assert.equal(await page.getAttribute("html", "lang"), lang);
    const charts = page.locator("main svg.chart");
    const n = await charts.count();
    assert.ok(n >= 5, `charts on ${p}: ${n}`);
    for (let i = 0; i < n; i++) {
      const chart = charts.nth(i);
      assert.ok(await chart.isVisible(), `chart ${i} is visible`);
      const box = await chart.boundingBox();
      assert.ok(box.width > 100 && box.height > 20, `chart ${i} has a size: ${JSON.stringify(box)}`);
      assert.equal(await chart.getAttribute("role"), "img");
      const name = await chart.evaluate((svg) =>
        (svg.getAttribute("aria-labelledby") || "").split(/\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ").trim());
      assert.ok(name.length > 3, `chart ${i} has an accessible name`);
      assert.ok((await chart.locator("rect[data-value]").count()) > 0, `chart ${i} has bars`);
    }
    assert.ok((await page.locator("main table.kpis").count()) >= CITIES.length - 1, "the figures as tables too");
  }
}));

test("every request of the site goes to the server under test", TIMEOUT, env.run(async (page) => {
  // (Every test also fails on a request to another host; this one tours the site to say so.)
  const seen = [];
  page.on("request", (req) => seen.push(req.url()));
  const origin = new URL(env.base).origin;
  for (const p of ["/", "/en/", "/themes/", "/themes/training/?city=kofu", "/kpis/", "/compare/", "/cities/kofu/",
    "/en/cities/takasaki/measures/takasaki-16/", "/search/?q=" + encodeURIComponent("人材確保")]) {
    await page.goto(env.url(p));
    if (p.startsWith("/search/")) await page.waitForSelector("#search-results .result");
  }
  const kinds = new Set(seen.map((u) => new URL(u).pathname.split(".").pop()));
  assert.ok(seen.length >= 20, `requests seen: ${seen.length}`);
  assert.ok(kinds.has("css") && kinds.has("js"), "styles and scripts were requested");
  assert.ok(seen.some((u) => new URL(u).pathname === "/api/search"), "the search API was asked");
  const foreign = seen.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(foreign, []);
}));
