// The static search engine (search-indexer/js/engine.js, written to <output>/search/ by every
// build) against the server's search, on the real site:
// 1. conformance of the browser analyzer with the Rust analyzer, over every sentence of the
//    corpus (Japanese pages) and every query of tests/search_eval.toml: agreement is reported,
//    and the differences on queries listed;
// 2. the evaluation queries through engine.js and through `kb search --json`: recall@10 and MRR
//    within 0.02 of each other.
// Run by scripts/test after `cargo build --release --bin kb --example analyze_json`:
//   node --test tests/search_engine/
// KB_BIN and KB_ANALYZE override the binaries; KB_DICT_DIR is passed through.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TARGET = process.env.CARGO_TARGET_DIR || join(REPO, "target");
const KB = process.env.KB_BIN || join(TARGET, "release", "kb");
const ANALYZE = process.env.KB_ANALYZE || join(TARGET, "release", "examples", "analyze_json");

// The bundle is read from files: fetch of file: URLs (what a browser does over HTTP).
const realFetch = globalThis.fetch;
// What the engine fetched (bytes as stored, and gzip-compressed as servers send JSON).
const fetched = { raw: 0, gzip: 0, files: 0 };
globalThis.fetch = async (url) => {
  const u = new URL(url);
  if (u.protocol !== "file:") return realFetch(url);
  try {
    const body = await readFile(fileURLToPath(u));
    fetched.raw += body.length;
    fetched.gzip += gzipSync(body).length;
    fetched.files += 1;
    return new Response(body, { status: 200 });
  } catch {
    return new Response("", { status: 404 });
  }
};

const tmp = process.env.KB_BUNDLE_OUTPUT ? null : mkdtempSync(join(tmpdir(), "kb-engine-"));
const out = process.env.KB_BUNDLE_OUTPUT || join(tmp, "public");
if (tmp) {
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const b = spawnSync(KB, ["build", "--root", REPO, "--output", out], { encoding: "utf8" });
  assert.equal(b.status, 0, b.stderr);
}
const engineUrl = pathToFileURL(join(out, "search", "engine.js")).href;
const engine = await import(engineUrl);
fetched.gzip += gzipSync(readFileSync(fileURLToPath(engineUrl))).length;
fetched.gzip += gzipSync(readFileSync(join(out, "search", "engine-query.js"))).length;
const PREFIX = new URL("../", engineUrl).pathname.replace(/\/$/, "");

// tests/search_eval.toml: [[query]] q, must_find, lang, city, theme.
function evalQueries() {
  const text = readFileSync(join(REPO, "tests", "search_eval.toml"), "utf8");
  return text.split(/^\[\[query\]\]\s*$/m).slice(1).map((block) => {
    const str = (k) => {
      const m = block.match(new RegExp(`^${k}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, "m"));
      return m ? JSON.parse(`"${m[1]}"`) : undefined;
    };
    const arr = block.match(/^must_find\s*=\s*\[([\s\S]*?)\]/m);
    const must = arr ? [...arr[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]) : [];
    return { q: str("q"), lang: str("lang"), city: str("city"), theme: str("theme"), must };
  });
}

function rustTerms(lines) {
  const r = spawnSync(ANALYZE, [], { input: lines.join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
}

async function agreement(lines) {
  const rust = rustTerms(lines);
  const diffs = [];
  for (let i = 0; i < lines.length; i++) {
    const js = (await engine.analyze(lines[i])).map((t) => t.text);
    if (JSON.stringify(js) !== JSON.stringify(rust[i])) diffs.push({ line: lines[i], rust: rust[i], js });
  }
  return { total: lines.length, agree: lines.length - diffs.length, diffs };
}

function corpusSentences() {
  const manifest = JSON.parse(readFileSync(join(out, "search", "manifest.json"), "utf8"));
  const sentences = new Set();
  for (let k = 0; k * manifest.meta_chunk < manifest.documents; k++) {
    const meta = JSON.parse(readFileSync(join(out, "search", "meta", `${k}.json`), "utf8"));
    meta.forEach((m, i) => {
      if (m.lang !== "ja") return;
      const doc = k * manifest.meta_chunk + i;
      const piece = (k) => JSON.parse(readFileSync(join(out, "search", "text", k ? `${doc}-${k}.json` : `${doc}.json`), "utf8"));
      const first = piece(0);
      let body = first[doc] || "";
      for (let k = 1; k <= (first.more || 0); k++) body += piece(k)[doc];
      for (const s of [m.title, ...body.split(/[。\n]/)]) if (s.trim()) sentences.add(s.trim());
    });
  }
  return [...sentences];
}

test("transfer budgets: cold first query and further queries", async () => {
  const budget = [];
  const limits = [];
  // The first query counts the engine's own two files too (cold).
  let before = { raw: 0, gzip: 0, files: -2 };
  for (const q of ["人材確保", "ワーク・ライフ・バランス", "job rotation", "メンタルヘルス 研修"]) {
    if (budget.length) before = { ...fetched };
    await engine.search(q, { limit: 10 });
    const gz = fetched.gzip - before.gzip;
    // Issue 14's budgets: the cold first query 150 KB, each further query 40 KB (transferred).
    limits.push([q, gz, budget.length ? 40_000 : 150_000]);
    budget.push(`${JSON.stringify(q)}: ${fetched.files - before.files} files, ${fetched.raw - before.raw} bytes, ${gz} gzipped`);
  }
  console.log(budget.join("\n"));
  for (const [q, gz, limit] of limits) assert.ok(gz <= limit, `${q}: ${gz} bytes transferred, budget ${limit}`);
});

test("the browser analyzer agrees with the Rust analyzer", async () => {
  const corpus = await agreement(corpusSentences());
  const queries = await agreement([...new Set(evalQueries().flatMap((q) => q.q.split(/\s+/)).filter(Boolean))]);
  console.log(`corpus sentences: ${corpus.agree}/${corpus.total} agree (${((100 * corpus.agree) / corpus.total).toFixed(2)}%)`);
  console.log(`evaluation query words: ${queries.agree}/${queries.total} agree`);
  for (const d of queries.diffs) console.log(`  query ${JSON.stringify(d.line)}: rust ${JSON.stringify(d.rust)} js ${JSON.stringify(d.js)}`);
  for (const d of corpus.diffs.slice(0, 20)) console.log(`  sentence ${JSON.stringify(d.line.slice(0, 60))}: rust ${JSON.stringify(d.rust)} js ${JSON.stringify(d.js)}`);
  // The design promises 100% on the corpus (reached today); the bar leaves room for two
  // sentences of new content, which the listing above then shows.
  assert.ok(corpus.agree / corpus.total >= Number(process.env.KB_MIN_CORPUS_AGREEMENT || 0.999), "corpus agreement");
});

// A page and its translation are one result: an expected page is found where its pair is.
const pair = (u) => u.replace(/^\/en\//, "/");
function score(results, must) {
  const urls = results.map((r) => pair(r.url));
  must = must.map(pair);
  const found = must.filter((u) => urls.slice(0, 10).includes(u)).length;
  const first = urls.findIndex((u) => must.includes(u));
  return { recall: must.length ? found / must.length : 1, rr: first >= 0 ? 1 / (first + 1) : 0 };
}

test("engine.js ranks the evaluation queries as kb search does", async () => {
  const qs = evalQueries();
  let [rs, rr, js, jr, same] = [0, 0, 0, 0, 0];
  for (const q of qs) {
    const args = ["search", "--output", out, "--json", "--limit", "10"];
    for (const k of ["lang", "city", "theme"]) if (q[k]) args.push(`--${k}`, q[k]);
    args.push(q.q);
    const r = spawnSync(KB, args, { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const server = JSON.parse(r.stdout);
    const local = await engine.search(q.q, { lang: q.lang, city: q.city, theme: q.theme, limit: 10 });
    for (const k of ["query", "total", "results", "facets"]) assert.ok(k in local, `response has ${k}`);
    const localResults = local.results.map((x) => ({ ...x, url: x.url.slice(PREFIX.length) }));
    const a = score(server.results, q.must);
    const b = score(localResults, q.must);
    rs += a.recall;
    rr += a.rr;
    js += b.recall;
    jr += b.rr;
    const sameTop = JSON.stringify(server.results.map((x) => x.url)) === JSON.stringify(localResults.map((x) => x.url));
    // Pairs counted once, identically.
    assert.equal(local.total, server.total, `total for ${JSON.stringify(q.q)}`);
    assert.deepEqual(local.facets, server.facets, `facets for ${JSON.stringify(q.q)}`);
    if (sameTop) same++;
    else console.log(`  ${JSON.stringify(q.q)}: server ${server.total} hits, engine ${local.total}`);
  }
  const n = qs.length;
  console.log(`kb search: recall@10 ${(rs / n).toFixed(4)} MRR ${(rr / n).toFixed(4)}`);
  console.log(`engine.js: recall@10 ${(js / n).toFixed(4)} MRR ${(jr / n).toFixed(4)}`);
  console.log(`identical top 10: ${same}/${n}`);
  assert.ok(Math.abs(rs - js) / n <= 0.02, "recall@10 within 0.02");
  assert.ok(Math.abs(rr - jr) / n <= 0.02, "MRR within 0.02");
});
