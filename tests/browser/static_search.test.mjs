// Search from plain files (issue 14, "Results people expect"): the site built for the sub-path
// /jinji/kb/ and served by a static file server that knows nothing of it (no kb process, no
// /api/search). The search page and the header box answer from the static bundle (search/).
// Checks typing, prefix completion, spelling suggestion, twins grouped, facets, paging, the
// keyboard (`/`, header suggestions), zero-result help, a radical look-alike, bad input (no
// console error), a missing and a truncated shard, and the engine.js module contract.
//   CARGO_TARGET_DIR=<target> node --test tests/browser/static_search.test.mjs

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT, ARTIFACTS, VIEWS, axe, describeViolations } from "./helpers.mjs";

const TIMEOUT = { timeout: 300_000 };
const SUB = "/jinji/kb/";
const views = VIEWS.filter((v) => v.name === "desktop-light" || v.name === "phone-light");
const env = { origin: null, out: null, browser: null, server: null, tmp: null };

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml", ".xml": "application/xml" };

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  const bin = process.env.KB_BIN ? path.resolve(process.env.KB_BIN) : path.join(target, "release", "kb");
  env.tmp = mkdtempSync(path.join(os.tmpdir(), "kb-static-search-"));
  env.out = path.join(env.tmp, "public");
  await promisify(execFile)(bin, ["build", "--root", ROOT, "--output", env.out, "--base-url", SUB], { maxBuffer: 1 << 24 });
  // A plain static server: files under the sub-path, index.html for folders, 404 otherwise.
  env.server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const pathname = decodeURIComponent(url.pathname);
    const rel = pathname.startsWith(SUB) ? pathname.slice(SUB.length) : null;
    if (rel === null || rel.split("/").includes("..")) { res.writeHead(404, { "content-type": "text/html" }); return res.end("<!DOCTYPE html><p>not found"); }
    const file = path.join(env.out, rel.endsWith("/") || rel === "" ? rel + "index.html" : rel);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><p>not found");
    }
  });
  await new Promise((resolve) => env.server.listen(0, "127.0.0.1", resolve));
  env.origin = `http://127.0.0.1:${env.server.address().port}`;
  env.browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    timeout: 60_000,
  });
});

after(async () => {
  if (env.browser) await env.browser.close();
  if (env.server) await new Promise((resolve) => env.server.close(resolve));
  if (env.tmp) rmSync(env.tmp, { recursive: true, force: true });
});

const url = (p) => env.origin + SUB + p.replace(/^\//, "");

// A fresh context per test; console errors, page errors and 404s other than expected fail it.
function run(fn, view, { allow404 = () => false } = {}) {
  return async (t) => {
    const { name: _n, ...options } = view;
    const context = await env.browser.newContext(options);
    context.setDefaultTimeout(15_000);
    const errors = [];
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400 && !/\/api\/search/.test(r.url()) && !allow404(r.url())) errors.push(`${r.status()} ${r.url()}`);
    });
    try {
      await fn(page, t);
      assert.deepEqual(errors, [], "errors in the browser");
    } catch (err) {
      await page.screenshot({ path: path.join(ARTIFACTS, `failure-static-search-${t.name.replace(/[^A-Za-z0-9]+/g, "-")}.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  };
}

const settled = (page) => page.waitForFunction(() => {
  const s = document.getElementById("search-status");
  return s && s.textContent && s.textContent !== "…";
});
const resultUrls = (page) => page.$$eval("#search-results .result h2 a", (as) => as.map((a) => new URL(a.href).pathname));
const typeQuery = async (page, q) => {
  await page.fill("#search-q", "");
  await page.type("#search-q", q, { delay: 20 });
  await page.waitForFunction((q) => new URLSearchParams(location.search).get("q") === q, q);
  await settled(page);
};

for (const view of views) {
  test(`search page from plain files: typing, twins, facets, paging (${view.name})`, TIMEOUT, run(async (page) => {
    await page.goto(url("/search/"));
    // An empty query shows hints and the themes, not every document.
    assert.equal(await page.locator("#search-results .result").count(), 0);
    assert.ok(await page.locator("#search-help .search-hint a").count() >= 3);
    assert.ok(await page.locator("#search-help .search-themes a").count() >= 10);
    // Typing searches (debounced) without submitting; the URL follows.
    await typeQuery(page, "人事評価");
    const status = await page.textContent("#search-status");
    const m = status.match(/1–10件目（全(\d+)件）/);
    assert.ok(m, status);
    const total = Number(m[1]);
    assert.ok(total > 10, status);
    // One entry per page and its translation: Japanese first, the twin as a link.
    const urls = await resultUrls(page);
    assert.ok(urls.length >= 10);
    for (const u of urls) assert.ok(!u.startsWith(SUB + "en/"), u);
    const twins = await page.$$eval("#search-results .result a.twin", (as) => as.map((a) => [a.textContent, new URL(a.href).pathname]));
    assert.ok(twins.length >= 10);
    for (const [label, href] of twins) {
      assert.equal(label, "English");
      assert.ok(href.startsWith(SUB + "en/"), href);
    }
    // Each result says what it is.
    const kinds = await page.$$eval("#search-results .result .kind", (s) => s.map((x) => x.textContent));
    for (const k of kinds) assert.ok(["施策", "章", "市", "テーマ", "ページ"].includes(k), k);
    assert.ok(kinds.includes("施策"));
    // Paging: "11–20".
    await page.locator("#search-pager a").last().click();
    await settled(page);
    assert.match(await page.textContent("#search-status"), new RegExp(`11–20件目（全${total}件）`));
    // Facets: a city narrows the results.
    if (view.isMobile) await page.locator("#search-options summary").click();
    const kofu = page.locator("#search-facets a", { hasText: "甲府市" });
    const kofuCount = Number((await kofu.textContent()).match(/\((\d+)\)/)[1]);
    await kofu.click();
    await settled(page);
    assert.equal(new URL(page.url()).searchParams.get("city"), "kofu");
    assert.match(await page.textContent("#search-status"), new RegExp(`全${kofuCount}件`));
    await page.setViewportSize(view.viewport);
    await page.goto(url("/search/?q=" + encodeURIComponent("ハラスメント")));
    await settled(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `search-results-${view.viewport.width}.png`), fullPage: !view.isMobile });
    const violations = await axe(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    // English readers get English pages first, the Japanese twin as a link.
    await page.goto(url("/en/search/?q=" + encodeURIComponent("personnel evaluation")));
    await settled(page);
    const en = await resultUrls(page);
    assert.ok(en.length >= 5);
    for (const u of en.slice(0, 5)) assert.ok(u.startsWith(SUB + "en/"), u);
    assert.equal(await page.locator("#search-results .result a.twin").first().textContent(), "日本語");
    assert.match(await page.textContent("#search-status"), /^1–10 of \d+$/);
  }, view));
}

test("prefix, spelling, zero-result help, concept pages, look-alikes", TIMEOUT, run(async (page) => {
  await page.goto(url("/search/"));
  // An unfinished last word is completed: ハラス → ハラスメント, テレワ → テレワーク.
  for (const [typed, full] of [["ハラス", "ハラスメント"], ["テレワ", "テレワーク"]]) {
    await typeQuery(page, typed);
    assert.ok((await resultUrls(page)).length > 0, typed);
    assert.match(await page.textContent("#search-help"), new RegExp(full));
  }
  // English stems reach the full word.
  await typeQuery(page, "harass");
  assert.ok((await resultUrls(page)).length > 0);
  // Nothing found: a spelling from the index and the themes.
  for (const [typo, fix] of [["メンタルヘルッス", "メンタルヘルス"], ["harasment", "harassment"]]) {
    await typeQuery(page, typo);
    assert.match(await page.textContent("#search-status"), /該当する結果はありません/);
    await page.waitForSelector("#search-help .search-themes");
    const sug = page.locator("#search-help .search-suggestion a");
    assert.equal(await sug.textContent(), fix);
    if (typo === "harasment") {
      await sug.click();
      await settled(page);
      assert.ok((await resultUrls(page)).length > 0);
    }
  }
  await page.goto(url("/search/?q=" + encodeURIComponent("メンタルヘルッス")));
  await page.waitForSelector("#search-help .search-themes");
  await page.screenshot({ path: path.join(ARTIFACTS, "search-zero-1366.png"), fullPage: true });
  // A concept query puts its theme page first.
  await page.goto(url("/search/?q=" + encodeURIComponent("多様性")));
  await settled(page);
  const first = page.locator("#search-results .result").first();
  assert.equal(new URL(await first.locator("h2 a").getAttribute("href"), page.url()).pathname, SUB + "themes/diversity/");
  assert.equal(await first.locator(".kind").textContent(), "テーマ");
  // Radical look-alikes and full-width letters find what the plain form finds.
  for (const [odd, plain] of [["⺠間", "民間"], ["ＩＣＴ", "ICT"]]) {
    await page.goto(url("/search/?q=" + encodeURIComponent(odd)));
    await settled(page);
    const a = [await page.textContent("#search-status"), await resultUrls(page)];
    await page.goto(url("/search/?q=" + encodeURIComponent(plain)));
    await settled(page);
    const b = [await page.textContent("#search-status"), await resultUrls(page)];
    assert.deepEqual(a, b, odd);
    assert.ok(b[1].length > 0);
  }
}, views[0]));

test("keyboard: `/` focuses the search box, the header suggests the top 5", TIMEOUT, run(async (page) => {
  await page.goto(url("/cities/kofu/"));
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "site-search");
  await page.keyboard.type("テレワーク", { delay: 20 });
  await page.waitForSelector("#site-search-list:not([hidden]) [role=option]");
  const box = page.locator("#site-search");
  assert.equal(await box.getAttribute("role"), "combobox");
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  const options = page.locator("#site-search-list [role=option]");
  const n = await options.count();
  assert.ok(n >= 1 && n <= 5, String(n));
  assert.equal(new URL(page.url()).pathname, SUB + "cities/kofu/", "the page stays while suggesting");
  await page.screenshot({ path: path.join(ARTIFACTS, "search-header-1366.png") });
  const violations = await axe(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  assert.equal(await box.getAttribute("aria-activedescendant"), "site-search-opt-0");
  assert.equal(await options.first().getAttribute("aria-selected"), "true");
  await page.keyboard.press("Escape");
  assert.equal(await box.getAttribute("aria-expanded"), "false");
  await page.keyboard.type("ス", { delay: 20 });
  await page.keyboard.press("Backspace");
  await page.waitForSelector("#site-search-list:not([hidden]) [role=option]");
  await page.keyboard.press("ArrowDown");
  const target = await options.first().getAttribute("data-url");
  await Promise.all([page.waitForURL((u) => u.pathname === new URL(target, page.url()).pathname), page.keyboard.press("Enter")]);
  // On the search page `/` goes to the page's own box.
  await page.goto(url("/search/"));
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-q");
}, views[0]));

test("bad input: an answer or a message, never a console error", TIMEOUT, run(async (page) => {
  await page.goto(url("/search/"));
  const inputs = ["あ".repeat(10000), '"人材 確保', "人材\uD800確保", "\uDC00", "！？。、…", "-", "---", "()", "NOT"];
  for (const q of inputs) {
    await page.evaluate((q) => {
      const box = document.getElementById("search-q");
      box.value = q;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }, q);
    await page.waitForTimeout(400);
    await settled(page);
    const status = await page.textContent("#search-status");
    assert.ok(status.length > 0, q.slice(0, 20));
    assert.ok(!/\bError\b|exception/i.test(status), status);
  }
  await page.evaluate(() => { history.replaceState(null, "", "?q=-"); dispatchEvent(new PopStateEvent("popstate")); });
  assert.match(await page.textContent("#search-status"), /文字か数字/);
}, views[0]));

test("a missing or truncated shard: a visible message and the other results", TIMEOUT, async (t) => {
  // The postings shard of the English term "harass" is deleted, the one of "telework" cut in
  // half (a broken upload): the Japanese pages still answer through the glossary.
  const manifest = JSON.parse(await readFile(path.join(env.out, "search", "manifest.json"), "utf8"));
  const fnv = (s) => {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h >>> 0;
  };
  const shardOf = (term) => path.join(env.out, "search", "postings", `${fnv(term) % manifest.postings_shards}.json`);
  const missing = shardOf("harass");
  const truncated = shardOf("telework");
  assert.notEqual(missing, truncated);
  const saved = [await readFile(missing), await readFile(truncated)];
  unlinkSync(missing);
  await writeFile(truncated, saved[1].subarray(0, saved[1].length >> 1));
  try {
    await run(async (page) => {
      for (const q of ["harassment", "telework"]) {
        await page.goto(url("/en/search/?q=" + encodeURIComponent(q)));
        await settled(page);
        await page.waitForSelector("#search-help .search-partial");
        assert.ok(await page.locator("#search-help .search-partial").isVisible(), q);
        assert.ok((await resultUrls(page)).length > 0, q);
        assert.doesNotMatch(await page.textContent("#search-status"), /cannot be reached/);
        if (q === "harassment") await page.screenshot({ path: path.join(ARTIFACTS, "search-missing-shard-1366.png") });
      }
    }, views[0], { allow404: (u) => u.includes("/search/postings/") })(t);
  } finally {
    await writeFile(missing, saved[0]);
    await writeFile(truncated, saved[1]);
  }
});

test("engine.js contract: search(q, {lang, city, theme, limit, offset})", TIMEOUT, run(async (page) => {
  await page.goto(url("/cities/kofu/"));
  const r = await page.evaluate(async (sub) => {
    const e = await import(sub + "search/engine.js");
    const a = await e.search("人材確保", { lang: "ja", limit: 5, offset: 0 });
    const b = await e.search("人材確保", { lang: "en", city: "kofu", limit: 3, offset: 1 });
    const c = await e.search("研修", { theme: "training", limit: 2 });
    // Every result of a common word, to count pairs; a concept query straight from the engine.
    const all = await e.search("研修", { limit: 100 });
    all.every = [...all.results];
    while (all.every.length < all.total) {
      const next = await e.search("研修", { limit: 100, offset: all.every.length });
      if (!next.results.length) break;
      all.every.push(...next.results);
    }
    const diversity = await e.search("多様性", { lang: "ja", limit: 3 });
    const osaki = await e.search("Osaki", { lang: "en", limit: 3 });
    return { a, b, c, all, diversity, osaki };
  }, SUB);
  const shape = (res) => {
    assert.deepEqual(Object.keys(res).sort(), ["facets", "query", "results", "total"]);
    assert.deepEqual(Object.keys(res.facets).sort(), ["city", "theme"]);
    for (const x of res.results) {
      assert.deepEqual(Object.keys(x).sort(), ["city", "lang", "score", "snippet", "themes", "title", "url"]);
      assert.ok(x.url.startsWith(SUB), x.url);
      assert.equal(typeof x.score, "number");
    }
  };
  for (const k of ["a", "b", "c"]) shape(r[k]);
  assert.equal(r.a.query, "人材確保");
  assert.equal(r.a.results.length, 5);
  assert.ok(r.a.total >= 5);
  assert.ok(r.b.results.every((x) => x.city === "kofu"));
  assert.equal(r.b.results[0].lang, "en");
  assert.ok(r.c.results.every((x) => x.themes.includes("training")));
  // Totals and facets count a page and its translation once: no pair twice among all results,
  // the total is the number of results, and no city counts more results than there are.
  const results = r.all.every;
  assert.equal(results.length, r.all.total);
  const pairs = results.map((x) => x.url.slice(SUB.length - 1).replace(/^\/en\//, "/"));
  assert.equal(new Set(pairs).size, pairs.length, "one result per pair");
  const perCity = {};
  for (const x of results) if (x.city) perCity[x.city] = (perCity[x.city] || 0) + 1;
  assert.deepEqual(r.all.facets.city, perCity);
  // Theme and city pages are searchable and first for their concept.
  assert.equal(r.diversity.results[0].url, SUB + "themes/diversity/");
  assert.equal(r.osaki.results[0].url, SUB + "en/cities/osaki/");
}, views[0]));

test("screenshots: the search page at 390 px", TIMEOUT, run(async (page) => {
  await page.goto(url("/search/?q=" + encodeURIComponent("テレワーク")));
  await settled(page);
  await page.screenshot({ path: path.join(ARTIFACTS, "search-results-390-top.png") });
  await page.goto(url("/search/"));
  await page.screenshot({ path: path.join(ARTIFACTS, "search-empty-390.png"), fullPage: true });
  await page.goto(url("/en/cities/osaki/"));
  await page.click("#site-search");
  await page.keyboard.type("telework", { delay: 20 });
  await page.waitForSelector("#site-search-list:not([hidden]) [role=option]");
  const list = await page.locator("#site-search-list").boundingBox();
  assert.ok(list.x >= 0 && list.x + list.width <= 390, JSON.stringify(list));
  await page.screenshot({ path: path.join(ARTIFACTS, "search-header-390.png") });
}, views[1]));
