// Queries of the static search engine: the query syntax and clause structure of query/, the
// scoring of tantivy (BM25 in f32, boolean sums, disjunction max, boosts, phrases) and the
// response of search.rs, over the bundle's postings. See engine.js.

import { analyze, analyzeEnglish, _basics as basics, _load as load, loadOr, _prefix as PREFIX, fnv1a } from "./engine.js";
import { docCount, docCity, docLang, docKind, docThemes, docHasTheme, docNorm, docTwin } from "./engine.js";

const f32 = Math.fround;
// search.rs's request limits, snippet.rs's window (analysis.json's `limits`) and the field
// numbers (manifest.json's `fields`): set by `search` once the bundle is loaded.
let MAX_QUERY_CHARS, MAX_LIMIT, DEFAULT_LIMIT, MAX_OFFSET, SNIPPET_CHARS, LEAD_CHARS;
const FIELDS = {};
function setFacts(B) {
  ({ max_query_chars: MAX_QUERY_CHARS, max_limit: MAX_LIMIT, default_limit: DEFAULT_LIMIT } = B.analysis.limits);
  ({ max_offset: MAX_OFFSET, snippet_chars: SNIPPET_CHARS, lead_chars: LEAD_CHARS } = B.analysis.limits);
  B.manifest.fields.forEach((f, i) => {
    FIELDS[f] = i;
  });
}

// --- query syntax (query/ `parse`) ---------------------------------------------------------
const isQuote = (c) => '"“”＂„'.includes(c);
const OPS = new Set(["AND", "OR", "NOT", "&&", "||", "&", "|", "+", "-", "!", "－", "＋"]);
const isOperator = (w) => OPS.has(w) || [...w].every((c) => "+-|&!()*~^:".includes(c));

export function parse(query) {
  const chars = [...query].map((c) => (/\p{Cc}/u.test(c) ? " " : c));
  const items = [];
  let i = 0;
  while (i < chars.length) {
    if (/\s/u.test(chars[i])) {
      i++;
      continue;
    }
    let negated = false;
    let j = i;
    if ((chars[j] === "-" || chars[j] === "－") && j + 1 < chars.length && !/\s/u.test(chars[j + 1])) {
      negated = true;
      j++;
    } else if ((chars[j] === "+" || chars[j] === "＋") && j + 1 < chars.length && !/\s/u.test(chars[j + 1])) {
      j++;
    }
    if (isQuote(chars[j])) {
      const start = j + 1;
      let end = start;
      while (end < chars.length && !isQuote(chars[end])) end++;
      const text = chars.slice(start, end).join("").trim();
      if (text) items.push({ text, phrase: true, negated });
      i = end + 1;
      continue;
    }
    let end = j;
    while (end < chars.length && !/\s/u.test(chars[end]) && !isQuote(chars[end])) end++;
    const word = chars.slice(j, end).join("");
    if (word && !isOperator(word)) items.push({ text: word, phrase: false, negated });
    i = Math.max(end, i + 1);
  }
  return items;
}

const isLatin = (t) => /[A-Za-z]/.test(t) && [...t].every((c) => c.charCodeAt(0) < 128 || !/[\p{L}\p{N}]/u.test(c));

// --- query tree (query/ `Builder`) ---------------------------------------------------------
const term = (field, text) => ({ t: "term", field: FIELDS[field], text });
const phrase = (field, terms) =>
  terms.length === 0 ? null : terms.length === 1 ? term(field, terms[0][1])
    : { t: "phrase", field: FIELDS[field], terms: terms.map(([p, x]) => [p - terms[0][0], x]) };
const boost = (q, b) => (Math.abs(b - 1) < 1e-7 ? q : { t: "boost", q, b });
const bool = (must, should, not = []) => ({ t: "bool", must, should, not });
const should = (alts) => (alts.length === 0 ? null : alts.length === 1 ? alts[0] : { t: "dismax", alts });

class Builder {
  constructor(B) {
    this.B = B;
    this.boosts = B.manifest.boosts;
    this.hl = { ja: new Set(), en: new Set() };
  }
  // query/ `hub`: a title match counted again for theme and city pages.
  hub(title) {
    return boost(bool([title, { t: "kinds", kinds: this.boosts.hub_kinds }], []), this.boosts.hub);
  }
  jaTerm(text) {
    this.hl.ja.add(text);
    return bool([], [boost(term("title_ja", text), this.boosts.title), term("body_ja", text)]);
  }
  enPhrase(terms, highlight) {
    if (highlight) for (const [, t] of terms) this.hl.en.add(t);
    const title = phrase("title_en", terms);
    const body = phrase("body_en", terms);
    if (!title || !body) return null;
    return bool([], [boost(title, this.boosts.title), body, this.hub(phrase("title_en", terms))]);
  }
  reverseGlossary(key) {
    const out = [];
    for (const toks of this.B.analysis.glossary_ja_to_en[key] || []) {
      const q = this.enPhrase(toks, toks.length === 1);
      if (q) out.push(boost(q, this.boosts.reverse));
    }
    return out;
  }
  async jaClause(text, exact, reverse) {
    const toks = await analyze(text);
    const units = toks.filter((t) => t.kind === "unit").map((t) => [t.pos, t.text]);
    if (!units.length) return null;
    const must = [];
    const opt = [];
    if (exact && units.length > 1) {
      for (const [, u] of units) this.hl.ja.add(u);
      must.push(bool([], [boost(phrase("title_ja", units), this.boosts.title), phrase("body_ja", units)]));
    } else {
      const seen = new Set();
      for (const [, u] of units) {
        if (seen.has(u)) continue;
        seen.add(u);
        const alts = [this.jaTerm(u)];
        if (units.length > 1 && [...u].length < 2) this.hl.ja.delete(u);
        if (reverse) alts.push(...this.reverseGlossary(u));
        must.push(units.length > 1 ? boost(should(alts), this.boosts.part) : should(alts));
      }
      if (units.length > 1) {
        // query/ `whole`: the phrase, or the phrase with one word between two adjacent parts
        // (人財の確保 for 人財確保: the particle leaves a gap of one position).
        const whole = (us) => bool([], [boost(phrase("title_ja", us), this.boosts.title), phrase("body_ja", us)]);
        const alts = [whole(units)];
        for (let k = 1; k < units.length; k++) {
          if (units[k][0] - units[k - 1][0] !== 1) continue;
          alts.push(whole(units.map(([p, x], i) => [i >= k ? p + 1 : p, x])));
        }
        opt.push(boost(should(alts), this.boosts.phrase));
      }
    }
    for (const t of toks.filter((t) => t.kind === "joined")) opt.push(boost(this.jaTerm(t.text), this.boosts.joined));
    opt.push(this.hub(phrase("title_ja", units)));
    const alts = [bool(must, opt)];
    if (units.length > 1 && reverse) alts.push(...this.reverseGlossary(units.map((u) => u[1]).join("")));
    return should(alts);
  }
  async englishRun(text, exact) {
    const toks = await analyzeEnglish(text);
    const g = this.B.analysis.glossary_en_to_ja;
    const out = [];
    if (exact) {
      const alts = [];
      const q = this.enPhrase(toks.map((t) => [t[1], t[0]]), true);
      if (q) alts.push(q);
      const j = await this.jaClause(text, true, false);
      if (j) alts.push(j);
      for (const ja of g[toks.map((t) => t[0]).join(" ")] || []) {
        const c = await this.jaClause(ja, false, false);
        if (c) alts.push(boost(c, this.boosts.glossary));
      }
      const s = should(alts);
      if (s) out.push(s);
      return out;
    }
    let i = 0;
    while (i < toks.length) {
      let len = 1;
      let ja = [];
      for (let l = Math.min(this.B.analysis.max_glossary_tokens, toks.length - i); l >= 1; l--) {
        const key = toks.slice(i, i + l).map((t) => t[0]).join(" ");
        if (g[key]) {
          len = l;
          ja = g[key];
          break;
        }
      }
      const alts = [];
      const q = this.enPhrase(toks.slice(i, i + len).map((t) => [t[1], t[0]]), true);
      if (q) alts.push(q);
      const raw = text.slice(toks[i][2], toks[i + len - 1][3]);
      const j = await this.jaClause(raw, len > 1, false);
      if (j) alts.push(j);
      for (const x of ja) {
        const c = await this.jaClause(x, false, false);
        if (c) alts.push(boost(c, this.boosts.glossary));
      }
      const s = should(alts);
      if (s) out.push(s);
      i += len;
    }
    return out;
  }
  async build(items) {
    const { normalize } = await import("./engine.js");
    items = items.map((i) => ({ ...i, text: normalize(this.B, i.text) }));
    const required = [];
    const excluded = [];
    let i = 0;
    while (i < items.length) {
      const item = items[i];
      if (item.negated) {
        const saved = { ja: new Set(this.hl.ja), en: new Set(this.hl.en) };
        const qs = isLatin(item.text) ? await this.englishRun(item.text, item.phrase)
          : [await this.jaClause(item.text, item.phrase, true)].filter(Boolean);
        this.hl = saved;
        excluded.push(...qs);
        i++;
        continue;
      }
      if (item.phrase) {
        if (isLatin(item.text)) required.push(...(await this.englishRun(item.text, true)));
        else required.push(...[await this.jaClause(item.text, true, true)].filter(Boolean));
        i++;
        continue;
      }
      if (isLatin(item.text)) {
        let j = i;
        const run = [];
        while (j < items.length && !items[j].phrase && !items[j].negated && isLatin(items[j].text)) run.push(items[j++].text);
        required.push(...(await this.englishRun(run.join(" "), false)));
        i = j;
        continue;
      }
      required.push(...[await this.jaClause(item.text, false, true)].filter(Boolean));
      i++;
    }
    return { required, excluded };
  }
}

// --- scoring (tantivy) -----------------------------------------------------------------------
function collectTerms(q, out) {
  if (!q) return out;
  if (q.t === "term") out.add(q.text);
  else if (q.t === "phrase") q.terms.forEach((x) => out.add(x[1]));
  else if (q.t === "boost") collectTerms(q.q, out);
  else if (q.t === "dismax") q.alts.forEach((a) => collectTerms(a, out));
  else if (q.t === "bool") [...q.must, ...q.should, ...q.not].forEach((a) => collectTerms(a, out));
  return out;
}

function decode(flat) {
  const docs = new Map();
  let i = 1;
  let doc = 0;
  while (i + 1 < flat.length) {
    doc += flat[i];
    const tf = flat[i + 1];
    const pos = [];
    let p = 0;
    for (let k = 0; k < tf; k++) pos.push((p += flat[i + 2 + k]));
    docs.set(doc, pos);
    i += 2 + tf;
  }
  return docs;
}

async function postingsFor(B, terms) {
  const n = B.manifest.postings_shards;
  const byShard = new Map();
  for (const t of terms) byShard.set(fnv1a(t) % n, true);
  const shards = await Promise.all([...byShard.keys()].map((k) => loadOr(`postings/${k}.json`, {})));
  const post = new Map();
  for (const t of terms) {
    const lists = shards.map((s) => s[t]).find(Boolean) || [];
    post.set(t, lists.map((l) => [l[0], decode(l)]));
  }
  return (text, field) => {
    const l = (post.get(text) || []).find((x) => x[0] === field);
    return l ? l[1] : new Map();
  };
}

function idf(df, n) {
  return f32(Math.log(1 + f32(f32(n - df + 0.5) / f32(df + 0.5))));
}

function bm25(B, field, idfSum, boostV, tf, doc) {
  const k1 = B.manifest.bm25.k1;
  const b = B.manifest.bm25.b;
  const avg = f32(B.manifest.total_tokens[field] / B.manifest.documents);
  const dl = docNorm(B, doc, field);
  const norm = f32(k1 * f32(1 - b + f32(b * f32(dl / avg))));
  const weight = f32(f32(boostV * idfSum) * (1 + k1));
  return f32(weight * f32(tf / f32(tf + norm)));
}

// Evaluates a query to Map(doc → score), boosts multiplied down the tree as tantivy does.
function evaluate(B, get, q, w = 1) {
  const N = B.manifest.documents;
  const out = new Map();
  if (!q) return out;
  switch (q.t) {
    case "term": {
      const p = get(q.text, q.field);
      const i = idf(p.size, N);
      for (const [doc, pos] of p) out.set(doc, bm25(B, q.field, i, w, pos.length, doc));
      return out;
    }
    case "phrase": {
      const lists = q.terms.map(([off, t]) => [off, get(t, q.field)]);
      let i = 0;
      for (const [, p] of lists) i = f32(i + idf(p.size, N));
      const [off0, first] = lists[0];
      for (const [doc, pos0] of first) {
        if (!lists.every(([, p]) => p.has(doc))) continue;
        let tf = 0;
        for (const p0 of pos0) {
          const start = p0 - off0;
          if (lists.every(([off, p]) => p.get(doc).includes(start + off))) tf++;
        }
        if (tf) out.set(doc, bm25(B, q.field, i, w, tf, doc));
      }
      return out;
    }
    case "boost":
      return evaluate(B, get, q.q, f32(w * q.b));
    case "kinds": {
      // The documents of these kinds, score 0 (a filter), found once per bundle.
      const key = q.kinds.join(" ");
      B.ofKinds ??= new Map();
      if (!B.ofKinds.has(key)) {
        const all = Array.from({ length: docCount(B) }, (_, doc) => doc);
        B.ofKinds.set(key, all.filter((doc) => q.kinds.includes(docKind(B, doc))));
      }
      for (const doc of B.ofKinds.get(key)) out.set(doc, 0);
      return out;
    }
    case "const": {
      for (const doc of q.docs) out.set(doc, f32(q.score * w));
      return out;
    }
    case "dismax": {
      const maps = q.alts.map((a) => evaluate(B, get, a, w));
      const docs = new Set(maps.flatMap((m) => [...m.keys()]));
      for (const doc of docs) {
        let max = 0;
        let sum = 0;
        for (const m of maps) {
          const s = m.get(doc);
          if (s === undefined) continue;
          max = Math.max(max, s);
          sum = f32(sum + s);
        }
        out.set(doc, f32(max + f32(B.manifest.boosts.tie_breaker * f32(sum - max))));
      }
      return out;
    }
    case "bool": {
      const must = q.must.map((a) => evaluate(B, get, a, w));
      const opt = q.should.map((a) => evaluate(B, get, a, w));
      const not = q.not.map((a) => evaluate(B, get, a, 1));
      let docs;
      if (must.length) {
        docs = [...must[0].keys()].filter((d) => must.every((m) => m.has(d)));
      } else {
        docs = [...new Set(opt.flatMap((m) => [...m.keys()]))];
      }
      for (const doc of docs) {
        if (not.some((m) => m.has(doc))) continue;
        let s = 0;
        for (const m of [...must, ...opt]) if (m.has(doc)) s = f32(s + m.get(doc));
        out.set(doc, s);
      }
      return out;
    }
  }
  return out;
}

// --- snippets --------------------------------------------------------------------------------
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// Hits in `text` as [from, to, term] UTF-16 offsets, in order.
function hitsIn(text, hl) {
  const terms = [...hl.ja].filter((t) => t.length > 0);
  const hits = [];
  for (const t of terms) {
    let k = text.indexOf(t);
    while (k >= 0) {
      hits.push([k, k + t.length, t]);
      k = text.indexOf(t, k + t.length);
    }
  }
  if (hl.en.size) {
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const w = m[0].toLowerCase();
      for (const t of hl.en) if (w.startsWith(t)) hits.push([m.index, m.index + m[0].length, t]);
    }
  }
  hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return hits;
}

// A result's stored body, fetched piece by piece (bundle `text_piece_chars`) up to its first hit
// and one piece beyond a hit near the end of what is loaded (its window may run on); `more`:
// the body goes on past `text`.
async function bodyFor(B, doc, hl) {
  const first = await loadOr(`text/${doc}.json`, {});
  let text = first[doc] || "";
  const pieces = first.more || 0;
  let k = 0;
  const next = async () => {
    k++;
    text += (await loadOr(`text/${doc}-${k}.json`, {}))[doc] || "";
  };
  while (k < pieces && !hitsIn(text, hl).length) await next();
  const hits = hitsIn(text, hl);
  if (k < pieces && hits.length && hits[hits.length - 1][0] + SNIPPET_CHARS > text.length) await next();
  return { text, more: k < pieces };
}

function snippet(body, hl, more = false) {
  const chars = [...body];
  const hits = hitsIn(body, hl);
  // UTF-16 offsets to characters.
  const charAt = [];
  let u = 0;
  chars.forEach((c, i) => {
    charAt[u] = i;
    u += c.length;
  });
  charAt[u] = chars.length;
  const toChar = (off) => charAt[off] ?? chars.length;
  let best = [0, 0, 0];
  hits.forEach((h, k) => {
    const start = Math.max(0, toChar(h[0]) - LEAD_CHARS);
    const end = start + SNIPPET_CHARS;
    const distinct = new Set();
    let count = 0;
    for (const h2 of hits.slice(k)) {
      if (toChar(h2[0]) >= end) break;
      if (toChar(h2[1]) <= end) {
        distinct.add(h2[2]);
        count++;
      }
    }
    if (distinct.size > best[1] || (distinct.size === best[1] && count > best[2])) best = [start, distinct.size, count];
  });
  const ws = best[0];
  const we = Math.min(chars.length, ws + SNIPPET_CHARS);
  const marks = [];
  for (const h of hits) {
    const a = toChar(h[0]);
    const b = toChar(h[1]);
    if (a < ws || b > we) continue;
    const last = marks[marks.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else marks.push([a, b]);
  }
  const piece = (a, b) => escapeHtml(chars.slice(a, b).join("")).replace(/\s+/gu, " ");
  let out = ws > 0 ? "…" : "";
  let at = ws;
  for (const [a, b] of marks) {
    out += piece(at, a) + "<mark>" + piece(a, b) + "</mark>";
    at = b;
  }
  out += piece(at, we);
  if (we < chars.length || more) out += "…";
  return out.trim();
}

// --- the module contract ---------------------------------------------------------------------
export async function search(query, { lang, city, theme, limit, offset = 0 } = {}) {
  const B = await basics();
  setFacts(B);
  query = String(query ?? "");
  if ([...query].length > MAX_QUERY_CHARS) throw new Error(`query is too long (at most ${MAX_QUERY_CHARS} characters)`);
  limit = limit || DEFAULT_LIMIT;
  if (limit > MAX_LIMIT) throw new Error(`limit must be between 1 and ${MAX_LIMIT}`);
  if (offset > MAX_OFFSET) throw new Error(`offset must be at most ${MAX_OFFSET}`);
  if (lang && lang !== "ja" && lang !== "en") throw new Error(`lang must be \`ja\` or \`en\`, not \`${lang}\``);
  const items = parse(query);
  const builder = new Builder(B);
  const { required, excluded } = await builder.build(items);
  const empty = { query, total: 0, results: [], facets: { city: {}, theme: {} } };
  if (items.some((i) => !i.negated) && !required.length) return empty;
  const all = Array.from({ length: docCount(B) }, (_, i) => i);
  const must = [...required];
  if (!required.length) must.push({ t: "const", docs: all, score: 1 });
  if (city) must.push({ t: "const", score: 0, docs: all.filter((d) => docCity(B, d) === city) });
  if (theme) must.push({ t: "const", score: 0, docs: all.filter((d) => docHasTheme(B, d, theme)) });
  const root = bool(must, [], excluded);
  const get = await postingsFor(B, collectTerms(root, new Set()));
  // As the server ranks (search-indexer/src/rank.rs): with `lang`, every match in the reader's
  // language first, by relevance, then the others; each score stays its plain relevance. A page
  // and its translation are one result, shown by the member that comes first in that order
  // (without `lang`: the better-scoring one); `total` and the facets count each pair once.
  const first = (d) => (lang && docLang(B, d) === lang ? 1 : 0);
  const pair = (d) => Math.min(d, docTwin(B, d) < 0 ? d : docTwin(B, d));
  const seen = new Set();
  const scored = [...evaluate(B, get, root)]
    .sort((a, b) => first(b[0]) - first(a[0]) || b[1] - a[1] || a[0] - b[0])
    .filter(([d]) => !seen.has(pair(d)) && seen.add(pair(d)));
  const facets = { city: {}, theme: {} };
  for (const [doc] of scored) {
    const c = docCity(B, doc);
    if (c !== null) facets.city[c] = (facets.city[c] || 0) + 1;
    for (const t of docThemes(B, doc)) facets.theme[t] = (facets.theme[t] || 0) + 1;
  }
  const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  const page = scored.slice(offset, offset + limit);
  const results = await Promise.all(
    page.map(async ([doc, score]) => {
      const chunk = await loadOr(`meta/${Math.floor(doc / B.manifest.meta_chunk)}.json`, []);
      const meta = chunk[doc % B.manifest.meta_chunk];
      if (!meta) return null;
      const { text, more } = await bodyFor(B, doc, builder.hl);
      return {
        url: PREFIX + meta.url,
        title: meta.title,
        city: meta.city,
        lang: meta.lang,
        themes: meta.themes,
        snippet: snippet(text, builder.hl, more),
        score: Number.isFinite(score) ? score : 0,
      };
    }),
  );
  return { query, total: scored.length, results: results.filter(Boolean), facets: { city: sortKeys(facets.city), theme: sortKeys(facets.theme) } };
}
