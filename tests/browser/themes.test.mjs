// Theme pages, the themes heatmap and the compare page (issue 16, items 3–5), at the four VIEWS
// (1366/390 px × light/dark), axe clean: the CSV download follows the city picker (two cities
// picked, the file holds only theirs, with absolute URLs), the matrix's legend and summaries,
// heatmap cells that open a city's column, collapsible compare sections, Kofu's open-ended plan
// period. Screenshots of a theme page (JA and EN, 1366 and 390 px) go to artifacts/theme-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ARTIFACTS, CITIES, ROOT, VIEWS, axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 120_000 };

async function assertAxeClean(page, where) {
  const bad = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.equal(bad.length, 0, `serious or critical violations on ${where}:\n${describeViolations(bad)}`);
}

/** RFC 4180 as the build writes it (BOM, CRLF, quoted cells). */
function parseCsv(text) {
  assert.equal(text.charCodeAt(0), 0xfeff, "UTF-8 byte-order mark");
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i++; }
    else field += c;
  }
  assert.equal(field + row.join(""), "", "the file ends with CRLF");
  return rows;
}

for (const view of VIEWS) {
  test(`theme page: legend, summaries, CSV following the picker (${view.name})`, TIMEOUT, env.run(async (page) => {
    // Nothing is downloaded for a reader who only reads.
    const csvRequests = [];
    page.on("request", (r) => { if (new URL(r.url()).pathname.endsWith(".csv")) csvRequests.push(r.url()); });
    for (const prefix of ["", "/en"]) {
      await page.goto(env.url(`${prefix}/themes/training/`));
      await assertAxeClean(page, `${prefix}/themes/training/`);
      // The legend explains primary and related themes, the badges and the line under a title.
      const legend = page.locator(".matrix-legend");
      assert.ok(await legend.isVisible(), "legend shown");
      for (const sel of [".legend-sample.primary", ".legend-sample.secondary", ".badge.commit-consider", ".legend-sample.lead-sample"]) {
        assert.ok(await legend.locator(sel).first().isVisible(), `legend has ${sel}`);
      }
      // Every measure has its one-line summary; no 実施 badge repeats the default.
      const items = await page.locator("#matrix .matrix-list li").count();
      assert.ok(items > 20);
      assert.equal(await page.locator("#matrix .matrix-list li p.lead").count(), items, "a summary per measure");
      assert.equal(await page.locator("#matrix .badge.commit-implement").count(), 0);
    }

    // Pick two cities: the matrix narrows and the download holds only those two.
    await page.goto(env.url("/themes/training/"));
    await page.check('#city-picker input[value="kofu"]');
    await page.check('#city-picker input[value="tachikawa"]');
    await page.waitForSelector('#theme-csv[data-cities="kofu+tachikawa"]');
    assert.match(await page.textContent("#theme-csv-scope"), /甲府市.*立川市/);
    const shown = await page.$$eval("#matrix .matrix-col", (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => c.dataset.city));
    assert.deepEqual(shown, ["kofu", "tachikawa"]);
    const links = await page.$$eval("#matrix .matrix-col", (cs) => cs.filter((c) => c.offsetParent !== null)
      .flatMap((c) => [...c.querySelectorAll(".matrix-list li > a")].map((a) => a.href)));
    assert.deepEqual(csvRequests, [], "no CSV fetched before the reader asks");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#theme-csv")]);
    assert.equal(download.suggestedFilename(), "training-kofu-tachikawa.csv");
    // The file is put together on the first click, and kept for the next ones.
    assert.equal(await page.getAttribute("#theme-csv", "data-ready"), "true");
    assert.match(await page.getAttribute("#theme-csv", "href"), /^blob:/);
    const rows = parseCsv((await readFile(await download.path())).toString("utf8"));
    const header = rows[0];
    for (const c of ["id", "city", "url_ja", "url_en", "summary_ja", "summary_en", "kpi_indicator_ja", "kpi_target_value"]) {
      assert.ok(header.includes(c), `column ${c}`);
    }
    const at = (r, c) => r[header.indexOf(c)];
    const body = rows.slice(1);
    assert.deepEqual([...new Set(body.map((r) => at(r, "city")))], ["kofu", "tachikawa"], "only the picked cities");
    assert.equal(body.length, new Set(links).size, "one row per measure shown");
    for (const r of body) {
      assert.equal(r.length, header.length);
      for (const c of ["url_ja", "url_en"]) assert.ok(at(r, c).startsWith(env.base + "/"), `absolute ${c}: ${at(r, c)}`);
      assert.ok(links.includes(at(r, "url_ja")), `${at(r, "id")} is in the matrix`);
      assert.ok(at(r, "summary_ja").length > 5, "summary");
    }

    // Back to every city: the link offers the theme's whole CSV again.
    await page.uncheck('#city-picker input[value="kofu"]');
    await page.uncheck('#city-picker input[value="tachikawa"]');
    await page.waitForSelector('#theme-csv[data-cities=""]:not([data-ready])');
    const [all] = await Promise.all([page.waitForEvent("download"), page.click("#theme-csv")]);
    assert.equal(all.suggestedFilename(), "training.csv");
    const allRows = parseCsv((await readFile(await all.path())).toString("utf8"));
    assert.deepEqual([...new Set(allRows.slice(1).map((r) => r[1]))], CITIES);
  }, view));

  test(`heatmap: colour key, cells open the city's column (${view.name})`, TIMEOUT, env.run(async (page) => {
    await page.goto(env.url("/themes/"));
    await assertAxeClean(page, "/themes/");
    assert.ok(await page.locator("#heat-legend").isVisible(), "colour key");
    assert.ok(await page.locator("#heat-legend li").count() >= 3);
    assert.equal(await page.locator("svg.heatmap a.heat-cell").count(), 20 * CITIES.length);
    await page.locator('svg.heatmap a.heat-cell[href$="/themes/training/#city-osaki"]').click();
    await page.waitForURL(env.url("/themes/training/#city-osaki"));
    const col = page.locator("#city-osaki");
    await col.waitFor();
    const inView = await col.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top < window.innerHeight && r.bottom > 0;
    });
    assert.ok(inView, "the city's column is on screen");
  }, view));

  test(`compare: collapsible sections, Kofu's open end (${view.name})`, TIMEOUT, env.run(async (page) => {
    await page.goto(env.url("/compare/"));
    await assertAxeClean(page, "/compare/");
    const sections = page.locator("details.compare-section");
    assert.equal(await sections.count(), 4);
    // The plan periods: a key, and Kofu's period drawn and said to be open-ended.
    assert.ok(await page.locator("#timeline-legend").isVisible());
    const kofu = page.locator(".timeline-row", { has: page.locator('a[href$="/cities/kofu/"]') });
    assert.ok(await kofu.locator('rect[data-open-end="true"]').count() === 1, "Kofu drawn open");
    assert.ok(await kofu.locator(".open-arrow").count() === 1);
    assert.match(await kofu.locator(".open-end-note").textContent(), /終期の年は原典に示されていない/);
    assert.equal(await page.locator('.timeline-row rect[data-open-end]').count(), 1, "only Kofu's period is open");
    // A reader collapses the timeline and opens it again.
    const timeline = sections.first();
    await timeline.locator("summary").click();
    assert.equal(await timeline.evaluate((d) => d.open), false);
    assert.ok(!(await page.locator("#timeline-legend").isVisible()));
    await timeline.locator("summary").click();
    assert.equal(await timeline.evaluate((d) => d.open), true);
    // The long sections start closed; the page's contents open them.
    const frameworks = page.locator("details.compare-section", { has: page.locator("#frameworks") });
    assert.equal(await frameworks.evaluate((d) => d.open), false);
    await page.click('.toc a[href="#frameworks"]');
    await page.waitForFunction(() => document.getElementById("frameworks").closest("details").open);
    assert.ok(await page.locator("table.framework").first().isVisible());
    await assertAxeClean(page, "/compare/ with the frameworks open");
    // In English too.
    await page.goto(env.url("/en/compare/"));
    const kofuEn = page.locator(".timeline-row", { has: page.locator('a[href$="/cities/kofu/"]') });
    assert.match(await kofuEn.locator(".open-end-note").textContent(), /no end year/);
  }, view));
}

// A static host: the site built for a sub-path, copied under it, served as plain files by a
// server that knows nothing of the site. The picker's download still holds only the picked
// cities, with absolute URLs under the sub-path.
test("the picked cities' CSV from plain files under a sub-path", TIMEOUT, async () => {
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  const bin = process.env.KB_BIN ? path.resolve(process.env.KB_BIN) : path.join(target, "release", "kb");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "kb-themes-static-"));
  const out = path.join(tmp, "public");
  await promisify(execFile)(bin, ["build", "--root", ROOT, "--output", out, "--base-url", "/jinji/kb/"], { maxBuffer: 1 << 24 });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const rel = decodeURIComponent(url.pathname).replace(/^\/jinji\/kb\//, "");
    if (rel === decodeURIComponent(url.pathname) || rel.split("/").includes("..")) { res.writeHead(404); return res.end(); }
    const file = path.join(out, rel.endsWith("/") || rel === "" ? rel + "index.html" : rel);
    try {
      const body = await readFile(file);
      const type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".css") ? "text/css"
        : file.endsWith(".js") ? "text/javascript" : file.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/octet-stream";
      res.writeHead(200, { "content-type": type });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await env.browser.newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/jinji/kb/en/themes/recruitment/?city=takasaki&city=osaki`);
    await page.waitForSelector('#theme-csv[data-cities="takasaki+osaki"]');
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#theme-csv")]);
    assert.equal(download.suggestedFilename(), "recruitment-takasaki-osaki.csv");
    const rows = parseCsv((await readFile(await download.path())).toString("utf8"));
    const header = rows[0];
    const body = rows.slice(1);
    assert.deepEqual([...new Set(body.map((r) => r[header.indexOf("city")]))], ["takasaki", "osaki"]);
    for (const r of body) {
      for (const c of ["url_ja", "url_en"]) {
        assert.ok(r[header.indexOf(c)].startsWith(`${origin}/jinji/kb/`), `${c}: ${r[header.indexOf(c)]}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(tmp, { recursive: true, force: true });
  }
});

// The screenshots issue 16 asks for: a theme page, Japanese and English, desktop and phone.
test("screenshots of a theme page (JA and EN, 1366 and 390 px)", TIMEOUT, env.run(async (page) => {
  for (const [lang, prefix] of [["ja", ""], ["en", "/en"]]) {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
      await page.goto(env.url(`${prefix}/themes/diversity/`));
      await page.screenshot({ path: path.join(ARTIFACTS, `theme-${lang}-${width}.png`), fullPage: true });
    }
  }
}));
