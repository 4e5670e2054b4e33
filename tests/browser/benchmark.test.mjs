// Peer benchmarking (/benchmark/?city=a&peer=b, issue 17) in Chromium:
// - against a plain static file server (no kb process) of a `kb build` published under a
//   sub-path: known pairs matched, gaps listed first in every theme, the data-kind contract, the
//   CSV (BOM, absolute URLs, neutralised cells), the English page pairing the same measures, bad
//   parameters (message + picker, no console error), axe clean, bytes fetched per pair;
// - under `kb serve` with JavaScript off: the server renders the same comparison.
// Screenshots: tests/browser/artifacts/benchmark-<view>.png (1366 and 390 px).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ARTIFACTS, ROOT, VIEWS, axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 120_000 };
const MOUNT = "/jinji/kb/";
const KB = process.env.KB_BIN || path.join(process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target"), "release", "kb");

// A plain static server of a build for http://127.0.0.1:<port>/jinji/kb/.
const stat = { dir: null, server: null, origin: null, tmp: null };
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".csv": "text/csv", ".svg": "image/svg+xml", ".xml": "application/xml" };
before(async () => {
  stat.tmp = mkdtempSync(path.join(os.tmpdir(), "kb-bench-static-"));
  stat.server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(MOUNT)) { res.writeHead(404); res.end(); return; }
    let file = path.join(stat.dir, p.slice(MOUNT.length));
    if (!file.startsWith(stat.dir)) { res.writeHead(404); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file)) { res.writeHead(404); res.end("not found"); return; }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => stat.server.listen(0, "127.0.0.1", r));
  stat.origin = `http://127.0.0.1:${stat.server.address().port}`;
  stat.dir = path.join(stat.tmp, "public");
  const b = spawnSync(KB, ["build", "--root", ROOT, "--output", stat.dir, "--base-url", stat.origin + MOUNT], { encoding: "utf8" });
  assert.equal(b.status, 0, b.stderr);
});
after(() => {
  if (stat.server) stat.server.close();
  if (stat.tmp) rmSync(stat.tmp, { recursive: true, force: true });
});

const staticUrl = (p) => stat.origin + MOUNT + p.replace(/^\//, "");

// env.run for the static server: a fresh context that refuses every other origin and fails the
// test on any console error, with a screenshot on failure.
function runStatic(fn, contextOptions = {}) {
  return async function (t) {
    const { name: _view, ...options } = contextOptions;
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
    context.setDefaultTimeout(15_000);
    const errors = [], foreign = [];
    const local = (u) => ["data:", "blob:", "about:"].includes(u.protocol) || u.origin === stat.origin;
    await context.route((u) => !local(u), (route) => { foreign.push(route.request().url()); return route.abort("blockedbyclient"); });
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await fn(page, t);
      assert.deepEqual(foreign, [], "requests to another host");
      assert.deepEqual(errors, [], "errors in the browser console");
    } catch (err) {
      await page.screenshot({ path: path.join(ARTIFACTS, `failure-benchmark-static-${t.name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 60)}.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  };
}

async function ready(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById("bench-status");
    return s && s.textContent.trim() && !/…$/.test(s.textContent.trim());
  });
}

async function items(page) {
  return page.$$eval("#bench-result section.bench-theme", (secs) => secs.map((s) => ({
    theme: s.getAttribute("data-theme"),
    kinds: [...s.querySelectorAll("[data-kind]")].map((e) => e.getAttribute("data-kind")),
  })));
}

for (const view of VIEWS.filter((v) => v.name === "desktop-light" || v.name === "phone-light")) {
  test(`osaki against takasaki on a static server (${view.name})`, TIMEOUT, runStatic(async (page) => {
    const fetched = [];
    page.on("response", async (r) => {
      if (r.url().includes("/benchmark/") && r.url().endsWith(".json")) fetched.push((await r.body()).length);
    });
    await page.goto(staticUrl("/benchmark/?city=osaki&peer=takasaki"));
    await ready(page);
    // The contract: every item has data-kind; gaps come first in every theme.
    assert.doesNotMatch(await page.locator("main").textContent(), /\{(city|peer|matched|gaps|own)\}/, "messages filled in");
    const groups = await items(page);
    assert.ok(groups.length > 5, "themes shown");
    const all = groups.flatMap((g) => g.kinds);
    for (const k of ["matched", "only-city", "only-peer"]) assert.ok(all.includes(k), k);
    for (const g of groups) {
      const firstOther = g.kinds.findIndex((k) => k !== "only-peer");
      const lastGap = g.kinds.lastIndexOf("only-peer");
      assert.ok(lastGap < firstOther || firstOther < 0, `gaps first in ${g.theme}: ${g.kinds}`);
    }
    const untagged = await page.$$eval("#bench-result .bench-list > li", (lis) => lis.filter((l) => !l.hasAttribute("data-kind")).length);
    assert.equal(untagged, 0, "every item carries data-kind");
    // Both cities set KPI targets (osaki 20, takasaki 1): side by side.
    assert.equal(await page.locator("#bench-all-targets").count(), 1, "KPI targets side by side");
    assert.ok((await page.locator("section.bench-all-targets td").nth(0).locator("li").count()) >= 20);
    // Known pairs (labelled matches of tests/benchmark_pairs.toml).
    for (const [a, b] of [["osaki-44", "takasaki-34"], ["osaki-03", "takasaki-20"], ["osaki-23", "takasaki-10"]]) {
      const li = page.locator(`[data-kind="matched"][data-city-measure="${a}"][data-peer-measure="${b}"]`);
      assert.equal(await li.count(), 1, `${a} ↔ ${b}`);
      assert.equal(await li.locator(".bench-title").count(), 2, "a matched item shows both titles");
    }
    // A peer measure of a theme osaki's measures do not match is a gap.
    assert.ok(await page.locator('[data-kind="only-peer"] a[href$="/takasaki-38/"]').count() === 1, "takasaki-38 (DX leaders) is a gap");
    const views = await axe(page);
    assert.deepEqual(views, [], describeViolations(views));
    const shot = path.join(ARTIFACTS, `benchmark-${view.viewport.width}.png`);
    await page.screenshot({ path: shot, fullPage: false });
    // A theme with gaps, matched pairs and own-only measures (health: 健康管理).
    await page.locator('section.bench-theme[data-theme="health"]').screenshot({ path: path.join(ARTIFACTS, `benchmark-${view.viewport.width}-theme.png`) });
    assert.equal(fetched.length, 2, "two data files per pair");
    const bytes = fetched.reduce((a, b) => a + b, 0);
    assert.ok(bytes <= 500_000, `${bytes} bytes fetched`);
    console.log(`# ${view.name}: ${bytes} bytes of data fetched for the pair`);
  }, view));
}

test("the English page pairs the same measures", TIMEOUT, runStatic(async (page) => {
  const pairs = async (p) => {
    await page.goto(staticUrl(p));
    await ready(page);
    return page.$$eval('[data-kind="matched"]', (ls) => ls.map((l) => l.getAttribute("data-city-measure") + "/" + l.getAttribute("data-peer-measure")).sort());
  };
  const ja = await pairs("/benchmark/?city=kofu&peer=tachikawa");
  const en = await pairs("/en/benchmark/?city=kofu&peer=tachikawa");
  assert.ok(ja.length > 3);
  assert.deepEqual(en, ja);
  assert.match(await page.locator("#bench-result").textContent(), /Matched measures/);
}));

test("the CSV: BOM, absolute URLs, one row per item", TIMEOUT, runStatic(async (page) => {
  await page.goto(staticUrl("/benchmark/?city=kofu&peer=osaki"));
  await ready(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("a.bench-csv").click()]);
  const file = await download.path();
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
  const lines = bytes.toString("utf8").slice(1).trimEnd().split("\r\n");
  const n = await page.locator("#bench-result [data-kind]").count();
  assert.equal(lines.length, n + 1, "header + one row per item");
  assert.match(lines[0], /^kind,theme,city,city_measure/);
  assert.ok(lines.slice(1).every((l) => /^(matched|only-city|only-peer),/.test(l)));
  const urls = lines.join("\n").match(/https?:\/\/[^,"]+/g) || [];
  assert.ok(urls.length > 10 && urls.every((u) => u.startsWith(stat.origin + MOUNT)), "absolute URLs under base_url");
  assert.ok(!lines.slice(1).some((l) => l.split(",").some((c) => /^[=+\-@]/.test(c))), "no cell starts a formula");
}));

test("bad parameters: a message and the picker, never an empty page or an error", TIMEOUT, runStatic(async (page) => {
  for (const [q, re] of [
    ["", /選んでください/],
    ["?city=osaki", /両方/],
    ["?city=osaki&peer=osaki", /同じ市/],
    ["?city=osaki&peer=atlantis", /atlantis/],
    ["?city=%3Cb%3E&peer=kofu", /<b>/],
  ]) {
    await page.goto(staticUrl("/benchmark/" + q));
    await ready(page);
    assert.match(await page.locator("#bench-status").textContent(), re, q);
    assert.ok(await page.locator("#bench-form select[name=city]").isVisible(), "the picker shows");
    assert.equal(await page.locator("#bench-result [data-kind]").count(), 0);
  }
  await page.goto(staticUrl("/en/benchmark/?city=kofu&peer=kofu"));
  await ready(page);
  assert.match(await page.locator("#bench-status").textContent(), /itself/);
}));

test("city pages link to comparisons with their peers", TIMEOUT, runStatic(async (page) => {
  await page.goto(staticUrl("/cities/osaki/"));
  const links = page.locator(".bench-links a[data-peer]");
  assert.equal(await links.count(), 4);
  await links.first().click();
  await ready(page);
  assert.ok((await page.locator('[data-kind="matched"]').count()) > 0);
}));

test("without JavaScript, kb serve renders the comparison", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url("/benchmark/?city=aizuwakamatsu&peer=tachikawa"));
  const li = page.locator('[data-kind="matched"][data-city-measure="aizuwakamatsu-52"][data-peer-measure="tachikawa-19"]');
  assert.equal(await li.count(), 1);
  assert.ok((await page.locator('[data-kind="only-peer"]').count()) > 0);
  assert.equal(await page.locator("#bench-city option[selected]").getAttribute("value"), "aizuwakamatsu");
  await page.goto(env.url("/en/benchmark/?city=kofu&peer=kofu"));
  assert.match(await page.locator("#bench-status").textContent(), /itself/);
}, { javaScriptEnabled: false }));
