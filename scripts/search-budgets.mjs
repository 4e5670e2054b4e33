// Issue 14's search budgets in headless Chromium, for the static bundle (`<site>/search/`) and
// Pagefind (`<site>/pagefind/`, written by `pagefind_extended --site <site>`) side by side, on
// the same built HTML and the same queries, in the same run. Run by `kb-bench --steps budgets`
// (which builds the site and runs Pagefind first), or by hand:
//
//   node scripts/search-budgets.mjs --site DIR [--reps 20] [--queries ja.txt] [--json]
//
// A plain static server (node's http, no kb process) serves DIR, gzip-compressing text types
// (html, css, js, json) as a static host's default configuration does; Pagefind's index files
// are already gzip-compressed and are sent as they are. "Transferred" is the response bytes the
// server wrote (bodies as sent), counted per request path.
//
// Measured, per engine:
// * cold: a fresh browser context (no cache), the engine imported and one query answered with
//   its first 10 results (ours: `engine.search(q, {limit: 10})`, snippets included; Pagefind:
//   `search(q)` and `data()` of its first 10 results, which carry its excerpts);
// * further: each following query of the same sequence in the same context;
// * warm: after every query ran once, each query `reps` more times, wall time in the page;
// * lazy (ours only): requests under /search/ while the home page loads, after the header box
//   is focused, and on the search page.
// Chromium: CHROMIUM (default /usr/bin/chromium); playwright-core from tests/browser/node_modules.

import http from "node:http";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { createRequire } from "node:module";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(REPO, "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = opt("site");
if (!SITE) {
  console.error("usage: node scripts/search-budgets.mjs --site DIR [--reps N] [--queries FILE] [--json]");
  process.exit(2);
}
const REPS = Number(opt("reps", "20"));
// The kb-bench query mix (QUERIES in src/bin/kb-bench/children.rs), by language: Pagefind keeps one index
// per language and searches the one of the page's `lang`.
const DEFAULT_QUERIES = {
  ja: ["人材育成", "研修", "ジョブローテーション", "人事評価", "女性活躍", "ワーク・ライフ・バランス",
    "ハラスメント", "メンタルヘルス", "管理職", "採用", "人材確保", "OJT", "DX", "デジタル人材",
    "自己啓発", "働き方改革 職場", "再任用 職員", "エンゲージメント", "キャリア形成 支援"],
  en: ["training", "job rotation", "performance evaluation", "recruitment", "mental health",
    "women leadership", "digital skills", "harassment"],
};
const QUERIES = opt("queries") ? JSON.parse(readFileSync(opt("queries"), "utf8")) : DEFAULT_QUERIES;

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".mjs": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
  ".wasm": "application/wasm", ".xml": "application/xml", ".txt": "text/plain",
};
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt"]);

// Bytes and requests per path since the last reset.
let log = [];
const harness = (lang) => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>`;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let path = decodeURIComponent(url.pathname);
  const entry = { path, bytes: 0 };
  log.push(entry);
  const count = (stream) => {
    stream.on("data", (b) => { entry.bytes += b.length; });
    return stream;
  };
  const m = path.match(/^\/__bench\/(ja|en)\.html$/);
  if (m) {
    res.writeHead(200, { "Content-Type": TYPES[".html"] });
    res.end(harness(m[1]));
    return;
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(SITE, path));
  let st;
  try {
    st = statSync(file);
    if (st.isDirectory()) {
      res.writeHead(301, { Location: url.pathname + "/" });
      res.end();
      return;
    }
  } catch {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
    return;
  }
  const ext = extname(file);
  const headers = { "Content-Type": TYPES[ext] || "application/octet-stream", "Cache-Control": "no-cache" };
  const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  if (gzip) headers["Content-Encoding"] = "gzip";
  else headers["Content-Length"] = st.size;
  res.writeHead(200, headers);
  const body = createReadStream(file);
  if (gzip) count(body.pipe(createGzip())).pipe(res);
  else count(body).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const BASE = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });

const settle = () => new Promise((r) => setTimeout(r, 50));
const sum = (entries, re) => entries.filter((e) => re.test(e.path)).reduce((a, e) => a + e.bytes, 0);

// In-page drivers: import the engine, answer one query with 10 results, return wall ms.
const ENGINES = {
  ours: {
    files: /^\/search\/(?!index\.html$).+/,
    load: () => { window.__engine = import("/search/engine.js"); },
    query: async (q) => {
      const e = await window.__engine;
      const t = performance.now();
      const r = await e.search(q, { limit: 10 });
      return { ms: performance.now() - t, total: r.total, shown: r.results.length };
    },
  },
  pagefind: {
    files: /^\/pagefind\//,
    load: () => {
      window.__engine = import("/pagefind/pagefind.js").then(async (p) => { await p.options({ excerptLength: 30 }); return p; });
    },
    query: async (q) => {
      const p = await window.__engine;
      const t = performance.now();
      const s = await p.search(q);
      const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
      return { ms: performance.now() - t, total: s.results.length, shown: data.length };
    },
  },
};

async function sequence(name, lang, queries) {
  const eng = ENGINES[name];
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${BASE}/__bench/${lang}.html`);
  // The cold query counts the engine's own files, requested from the import on.
  log = [];
  await page.evaluate(eng.load);
  const steps = [];
  for (const q of queries) {
    if (steps.length) log = [];
    const r = await page.evaluate(eng.query, q);
    await settle();
    const files = log.filter((e) => eng.files.test(e.path));
    steps.push({ q, bytes: sum(log, eng.files), requests: files.length, total: r.total });
    if (args.includes("--files")) console.error(`${name} ${JSON.stringify(q)}: ${files.map((e) => `${e.path} ${e.bytes}`).join(", ")}`);
  }
  const times = [];
  for (let i = 0; i < REPS; i++) for (const q of queries) times.push((await page.evaluate(eng.query, q)).ms);
  await ctx.close();
  return { steps, times, errors };
}

// Nothing of the bundle before the reader asks for search.
async function lazy() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  log = [];
  await page.goto(`${BASE}/`, { waitUntil: "networkidle" });
  const onLoad = log.filter((e) => ENGINES.ours.files.test(e.path)).map((e) => e.path);
  log = [];
  const box = await page.$("#site-search");
  if (box) await box.focus();
  await page.waitForTimeout(500);
  const onFocus = log.filter((e) => ENGINES.ours.files.test(e.path)).map((e) => e.path);
  log = [];
  await page.goto(`${BASE}/search/?q=${encodeURIComponent("研修")}`, { waitUntil: "networkidle" });
  const onSearchPage = log.filter((e) => ENGINES.ours.files.test(e.path)).map((e) => e.path);
  const status = await page.$eval(".search-status", (e) => e.textContent).catch(() => "");
  const results = await page.$$eval("#search-results li, .search-results li", (l) => l.length).catch(() => 0);
  await ctx.close();
  return { on_load: onLoad, on_focus: onFocus, search_page_requests: onSearchPage.length, search_page_results: results, search_page_status: status };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

const out = { site: SITE, reps: REPS, engines: {} };
const hasPagefind = (() => { try { return statSync(join(SITE, "pagefind", "pagefind.js")).isFile(); } catch { return false; } })();
for (const name of ["ours", ...(hasPagefind ? ["pagefind"] : [])]) {
  const r = { sequences: {}, times: [], errors: [] };
  for (const [lang, qs] of Object.entries(QUERIES)) {
    const s = await sequence(name, lang, qs);
    r.sequences[lang] = s.steps;
    r.times.push(...s.times);
    r.errors.push(...s.errors);
  }
  const further = Object.values(r.sequences).flatMap((s) => s.slice(1).map((x) => x.bytes));
  r.cold_bytes = Object.fromEntries(Object.entries(r.sequences).map(([l, s]) => [l, { q: s[0].q, bytes: s[0].bytes, requests: s[0].requests }]));
  r.further_max_bytes = Math.max(...further);
  r.further_median_bytes = median(further);
  r.warm_median_ms = median(r.times);
  r.warm_p90_ms = [...r.times].sort((a, b) => a - b)[Math.floor(r.times.length * 0.9)];
  delete r.times;
  out.engines[name] = r;
}
out.lazy = await lazy();
await browser.close();
server.close();

if (args.includes("--json")) {
  console.log(JSON.stringify(out));
} else {
  for (const [name, r] of Object.entries(out.engines)) {
    console.log(`## ${name}`);
    for (const [lang, s] of Object.entries(r.sequences)) {
      for (const [i, x] of s.entries()) console.log(`${lang} ${i ? "further" : "cold   "} ${JSON.stringify(x.q)}: ${x.requests} requests, ${x.bytes} bytes, ${x.total} hits`);
    }
    console.log(`warm median ${r.warm_median_ms.toFixed(2)} ms, p90 ${r.warm_p90_ms.toFixed(2)} ms; further max ${r.further_max_bytes} bytes`);
    if (r.errors.length) console.log(`page errors: ${r.errors.join("; ")}`);
  }
  console.log(`lazy: ${JSON.stringify(out.lazy)}`);
}
