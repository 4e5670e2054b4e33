// Search on every page (issue 14): one way to ask, for the search page and the header box.
// Asks the server's /api/search once; where there is no server (a plain static web server, a
// copy on disk) it uses the static engine the build wrote under search/ (engine.js), fetched
// only when the reader first searches. Also: what a result is (from its URL), its translation,
// completing the last word as the reader types, spelling suggestions from the index's own
// vocabulary, and the header box's suggestions (the ARIA combobox pattern).
(function () {
  "use strict";
  var script = document.currentScript;
  // The site may live under a sub-path (base_url): everything is found beside this script.
  var BASE = script && script.src ? script.src.replace(/js\/[^\/]*$/, "") : "/";
  var BASE_PATH = new URL(BASE, window.location.href).pathname;
  var MAX_CHARS = 200;
  var useEngine = null; // null: not known yet; true once /api/search proved absent
  var enginePromise = null;

  function engine() {
    if (!enginePromise) {
      enginePromise = import(BASE + "search/engine.js");
      enginePromise.catch(function () { enginePromise = null; });
    }
    return enginePromise;
  }

  // The query as the engines can take it: lone surrogates dropped, at most MAX_CHARS
  // characters; `empty` when nothing in it can be searched (only punctuation, a minus sign).
  function clean(q) {
    q = String(q || "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "$1");
    var chars = Array.from(q.trim());
    var cut = chars.length > MAX_CHARS;
    q = chars.slice(0, MAX_CHARS).join("").trim();
    return { q: q, cut: cut, empty: !/[\p{L}\p{N}]/u.test(q) };
  }

  // opts: lang, city, theme, limit, offset. Resolves to the /api/search shape, plus `partial`
  // when part of the static bundle could not be read.
  function query(q, opts) {
    var viaEngine = function () {
      return engine().then(function (e) {
        return e.search(q, opts).then(function (data) {
          var missing = e.problems ? e.problems() : [];
          if (missing.length) data.partial = missing;
          return data;
        });
      });
    };
    if (useEngine) return viaEngine();
    var api = new URLSearchParams({ q: q, limit: String(opts.limit || 10), offset: String(opts.offset || 0) });
    ["city", "theme", "lang"].forEach(function (k) { if (opts[k]) api.set(k, opts[k]); });
    return fetch(BASE + "api/search?" + api.toString(), { headers: { Accept: "application/json" } })
      .then(function (res) {
        if ((res.headers.get("Content-Type") || "").indexOf("json") < 0) {
          useEngine = true;
          return viaEngine();
        }
        useEngine = false;
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error : String(res.status));
          return body;
        });
      }, function () { useEngine = true; return viaEngine(); });
  }

  // A result's path inside the site ("cities/kofu/measures/kofu-07/", "en/themes/x/").
  function sitePath(url) {
    var p = new URL(url, window.location.href).pathname;
    return p.indexOf(BASE_PATH) === 0 ? p.slice(BASE_PATH.length) : p.replace(/^\//, "");
  }
  function kind(url) {
    var p = sitePath(url).replace(/^en\//, "");
    if (/^cities\/[^\/]+\/measures\/[^\/]+/.test(p)) return "measure";
    if (/^cities\/[^\/]+\/chapters\/[^\/]+/.test(p)) return "chapter";
    if (/^cities\/[^\/]+\/$/.test(p)) return "city";
    if (/^themes\/[^\/]+\/$/.test(p)) return "theme";
    return "page";
  }
  // Every page has its translation at the same path under /en/ (or without it).
  function twin(url) {
    var p = sitePath(url);
    return BASE_PATH + (/^en\//.test(p) ? p.slice(3) : "en/" + p);
  }

  // --- the index's vocabulary: completion and spelling -------------------------------------
  var isLatin = function (w) { return /^[\x00-\x7f]+$/.test(w); };
  var vocabCache = {};
  // Words of the corpus that could complete or correct `word`: for Japanese the lexicon shard of
  // its first character (every surface form starting with it) and the glossary and synonym
  // entries; for English every word form of the corpus (the english/ shards, ~20 KB gzipped).
  function vocabulary(word) {
    return engine().then(function (e) {
      return e._basics().then(function (B) {
        var extra = [];
        var a = B.analysis;
        if (isLatin(word)) {
          if (!vocabCache.en) {
            var loads = [];
            for (var i = 0; i < B.manifest.english_shards; i++) loads.push(e.loadOr("english/" + i + ".json", {}));
            vocabCache.en = Promise.all(loads).then(function (shards) {
              var words = [];
              shards.forEach(function (s) { Object.keys(s).forEach(function (w) { if (s[w]) words.push(w); }); });
              return words;
            });
          }
          return vocabCache.en;
        }
        extra = Object.keys(a.glossary_ja_to_en || {}).concat(Object.keys(a.synonyms || {}));
        var first = Array.from(word)[0];
        var n = B.manifest.lexicon_shards;
        return e.loadOr("lexicon/" + (e.fnv1a(first) % n) + ".json", {}).then(function (lex) {
          return Object.keys(lex).filter(function (w) { return w; }).concat(extra);
        });
      });
    }).catch(function () { return []; });
  }
  // The shortest word of the vocabulary that `word` begins (ハラス → ハラスメント).
  function complete(word) {
    if (Array.from(word).length < 2 || (isLatin(word) && word.length < 3)) return Promise.resolve(null);
    var w = word.normalize("NFKC").toLowerCase();
    return vocabulary(w).then(function (words) {
      var best = null;
      words.forEach(function (x) {
        if (x.length > w.length && x.indexOf(w) === 0 && (!best || x.length < best.length)) best = x;
      });
      return best;
    });
  }
  function distance(a, b) {
    a = Array.from(a);
    b = Array.from(b);
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  // The closest vocabulary word within a small edit distance (メンタルヘルッス → メンタルヘルス).
  function spell(word) {
    var w = word.normalize("NFKC").toLowerCase();
    var len = Array.from(w).length;
    if (len < 3) return Promise.resolve(null);
    var limit = len < 6 ? 1 : 2;
    return vocabulary(w).then(function (words) {
      var best = null;
      var bestD = limit + 1;
      words.forEach(function (x) {
        if (x === w || Math.abs(Array.from(x).length - len) > limit) return;
        var d = distance(w, x);
        if (d < bestD || (d === bestD && best && x.length > best.length)) { best = x; bestD = d; }
      });
      return best;
    });
  }

  // A site path as the data attributes give it ("/themes/x/"), under the base path.
  function href(p) {
    return p.indexOf(BASE_PATH) === 0 && BASE_PATH !== "/" ? p : BASE_PATH + p.replace(/^\//, "");
  }

  window.KBSearch = { href: href, base: BASE, clean: clean, query: query, kind: kind, twin: twin, complete: complete, spell: spell };

  // --- the header box: the top 5 as the reader types ---------------------------------------
  var box = document.getElementById("site-search");
  var list = document.getElementById("site-search-list");
  var form = box && box.form;
  if (!box || !list || !form) return;
  var kinds = {};
  try { kinds = JSON.parse(form.getAttribute("data-kinds") || "{}"); } catch (e) { /* no labels */ }
  var lang = document.documentElement.lang === "en" ? "en" : "ja";
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-expanded", "false");
  box.setAttribute("autocomplete", "off");
  var active = -1;
  var timer = null;
  var asked = 0;

  function options() { return list.querySelectorAll("[role=option]"); }
  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }
  function highlight(i) {
    var opts = options();
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === active ? "true" : "false");
    box.setAttribute("aria-activedescendant", opts[active].id);
  }
  function show(results) {
    list.textContent = "";
    active = -1;
    box.removeAttribute("aria-activedescendant");
    if (!results.length) return close();
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "site-search-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-url", r.url);
      var k = document.createElement("span");
      k.className = "kind";
      k.textContent = kinds[kind(r.url)] || "";
      li.appendChild(k);
      li.appendChild(document.createTextNode(" " + r.title));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = r.url; });
      list.appendChild(li);
    });
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
  }
  function ask() {
    var c = clean(box.value);
    if (!c.q || c.empty) return close();
    var n = ++asked;
    // The engines give one result per page and its translation (the reader's language first).
    query(c.q, { lang: lang, limit: 5, offset: 0 }).then(function (data) {
      if (n !== asked) return;
      var top = data.results;
      if (top.length || c.q.slice(-1) === " ") return show(top);
      var words = c.q.split(/\s+/);
      return complete(words[words.length - 1]).then(function (w) {
        if (!w || n !== asked) return show([]);
        words[words.length - 1] = w;
        return query(words.join(" "), { lang: lang, limit: 5, offset: 0 }).then(function (d) {
          if (n === asked) show(d.results);
        });
      });
    }).catch(function () { if (n === asked) close(); });
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden) return;
      e.preventDefault();
      highlight(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location.href = options()[active].getAttribute("data-url");
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); close(); }
    }
  });
  box.addEventListener("blur", function () { setTimeout(close, 150); });

  // `/` anywhere but in a text field goes to the search box (the page's own on the search page).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var target = document.getElementById("search-q") || box;
    e.preventDefault();
    target.focus();
    if (target.select) target.select();
  });
})();
