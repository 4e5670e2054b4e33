// The search page: reads q, city, theme, lang and page from the URL, asks /api/search or,
// without a server, the static engine (search-core.js decides), and shows results as the reader
// types: one entry per page and its translation, what each is, snippets, city/theme facets,
// "11–20 of 144", completion of an unfinished last word, a spelling suggestion and the themes
// when nothing is found. Every state is a URL, so a search can be shared and the back button works.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var facets = document.getElementById("search-facets");
  var pager = document.getElementById("search-pager");
  if (!form || !status) return;
  // On a narrow screen the filters start closed, so that the results come first; they open
  // again if the window grows to the width where they sit beside the results.
  var options = document.getElementById("search-options");
  if (options && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 40rem)");
    if (narrow.matches) options.open = false;
    var widen = function (e) { if (!e.matches) options.open = true; };
    if (narrow.addEventListener) narrow.addEventListener("change", widen);
  }
  var PAGE = 10;
  var K = window.KBSearch;
  var help = document.getElementById("search-help");
  var input = document.getElementById("search-q");
  var pageLang = document.documentElement.lang === "en" ? "en" : "ja";
  var text = function (k) { return status.getAttribute("data-" + k) || ""; };
  var fmt = function (k, vals) {
    return text(k).replace(/\{(\w+)\}/g, function (m, n) { return n in vals ? vals[n] : m; });
  };
  var names = function (attr, key) {
    var map = {};
    try {
      JSON.parse(status.getAttribute("data-" + attr) || "[]").forEach(function (x) {
        map[x[key]] = x.title || x.name;
      });
    } catch (e) { /* names fall back to slugs */ }
    return map;
  };
  var list_ = function (attr) {
    try { return JSON.parse(status.getAttribute("data-" + attr) || "[]"); } catch (e) { return []; }
  };
  var cityNames = names("cities", "slug");
  var themeNames = names("themes", "slug");
  var kindNames = {};
  try { kindNames = JSON.parse((document.getElementById("site-search") || {}).form.getAttribute("data-kinds")); } catch (e) { /* none */ }

  function params() { return new URLSearchParams(window.location.search); }

  function fill() {
    var p = params();
    ["q", "city", "theme", "lang"].forEach(function (k) {
      var el = form.elements[k];
      if (el && el.value !== (p.get(k) || "")) el.value = p.get(k) || "";
    });
  }

  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined) e.textContent = txt;
    return e;
  }

  function linkWith(changes) {
    var p = params();
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null) p.delete(k); else p.set(k, changes[k]);
    });
    if (!("page" in changes)) p.delete("page");
    return window.location.pathname + "?" + p.toString();
  }

  function renderFacets(data, p) {
    facets.textContent = "";
    [["city", text("filter-city"), cityNames], ["theme", text("filter-theme"), themeNames]].forEach(function (f) {
      var counts = (data.facets && data.facets[f[0]]) || {};
      var keys = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
      if (!keys.length) return;
      var box = el("div", "facet");
      box.appendChild(el("h2", null, f[1]));
      var ul = el("ul");
      keys.forEach(function (k) {
        var li = el("li");
        var a = el("a", null, (f[2][k] || k) + " (" + counts[k] + ")");
        a.href = linkWith((function () { var c = {}; c[f[0]] = k; return c; })());
        if (p.get(f[0]) === k) a.setAttribute("aria-current", "true");
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      facets.appendChild(box);
    });
    if (p.get("city") || p.get("theme") || p.get("lang")) {
      var clear = el("a", "clear", text("clear"));
      clear.href = linkWith({ city: null, theme: null, lang: null });
      facets.appendChild(clear);
    }
  }

  function themeLinks() {
    var box = el("div", "search-themes");
    box.appendChild(el("h2", null, text("browse-themes")));
    var ul = el("ul");
    list_("themes").forEach(function (t) {
      var li = el("li");
      var a = el("a", null, t.name);
      a.href = K.href(t.url);
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function hints() {
    help.textContent = "";
    var p_ = el("p", "search-hint", text("hint") + " ");
    text("examples").split(",").forEach(function (x, i) {
      if (i) p_.appendChild(document.createTextNode(" · "));
      var a = el("a", null, x);
      a.href = linkWith({ q: x, city: null, theme: null, lang: null });
      p_.appendChild(a);
    });
    help.appendChild(p_);
    help.appendChild(themeLinks());
  }

  function resultItem(r, kindKey) {
    var li = el("li", "result");
    li.setAttribute("data-kind", kindKey);
    var h = el("h2");
    var a = el("a", null, r.title);
    a.href = r.url;
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", "meta");
    meta.appendChild(el("span", "kind", kindNames[kindKey] || ""));
    var bits = [r.city ? (cityNames[r.city] || r.city) : ""].filter(Boolean);
    if (bits.length) meta.appendChild(document.createTextNode(" " + bits.join(" · ")));
    if (r.lang) {
      // The reader's language first; its translation as a link.
      var other = r.lang === "en" ? "ja" : "en";
      meta.appendChild(document.createTextNode(" · "));
      var tw = el("a", "twin", other === "en" ? "English" : "日本語");
      tw.href = K.twin(r.url);
      tw.setAttribute("hreflang", other);
      tw.setAttribute("lang", other);
      meta.appendChild(tw);
    }
    li.appendChild(meta);
    if (r.snippet) {
      // The snippet is HTML-escaped by the engine/server except for its <mark> tags.
      var snip = el("p", "snippet");
      snip.innerHTML = r.snippet;
      li.appendChild(snip);
    }
    return li;
  }

  function render(data, p, page, notes, q) {
    list.textContent = "";
    help.textContent = "";
    notes.forEach(function (n) { help.appendChild(n); });
    if (data.total === 0) {
      status.textContent = text("none");
    } else {
      var from = Math.min(data.total, (page - 1) * PAGE + 1);
      var to = Math.min(data.total, (page - 1) * PAGE + data.results.length);
      status.textContent = fmt("range", { from: from, to: to, total: data.total });
    }
    if (data.partial) help.appendChild(el("p", "search-partial notice", text("partial")));
    // The engines give one result per page and its translation (the reader's language version
    // when it matches) and rank a concept's theme or city page first (多様性 → 多様性・女性活躍).
    data.results.forEach(function (r) {
      list.appendChild(resultItem(r, K.kind(r.url)));
    });
    renderFacets(data, p);
    pager.textContent = "";
    if (page > 1) {
      var prev = el("a", null, text("prev"));
      prev.href = linkWith({ page: String(page - 1) });
      pager.appendChild(prev);
    }
    if (page * PAGE < data.total) {
      var next = el("a", null, text("next"));
      next.href = linkWith({ page: String(page + 1) });
      pager.appendChild(next);
    }
  }

  // Nothing found: a spelling from the index's vocabulary, and the themes.
  function zero(q, p) {
    var words = q.split(/\s+/);
    var last = words[words.length - 1];
    return K.spell(last).then(function (w) {
      if (w) {
        words[words.length - 1] = w;
        var alt = words.join(" ");
        var dym = el("p", "search-suggestion", text("did-you-mean") + " ");
        var a = el("a", null, alt);
        a.href = linkWith({ q: alt });
        dym.appendChild(a);
        help.appendChild(dym);
      }
      help.appendChild(themeLinks());
    });
  }

  var runs = 0;
  function run() {
    fill();
    var p = params();
    var c = K.clean(p.get("q"));
    var q = c.q;
    var n = ++runs;
    status.className = "search-status";
    list.textContent = "";
    facets.textContent = "";
    pager.textContent = "";
    help.textContent = "";
    if (!q) { status.textContent = ""; hints(); return; }
    if (c.empty) { status.textContent = text("need-word"); hints(); return; }
    var notes = c.cut ? [el("p", "notice", fmt("shortened", { n: 200 }))] : [];
    var page = Math.max(1, Math.min(1000, parseInt(p.get("page") || "1", 10) || 1));
    var opts = { lang: p.get("lang") || pageLang, city: p.get("city") || undefined,
      theme: p.get("theme") || undefined, limit: PAGE, offset: (page - 1) * PAGE };
    status.textContent = "…";
    K.query(q, opts).then(function (data) {
      if (n !== runs) return null;
      // Nothing for the words as typed: the last word may be unfinished (ハラス → ハラスメント).
      if (data.total === 0 && !/\s$/.test(p.get("q") || "")) {
        var words = q.split(/\s+/);
        return K.complete(words[words.length - 1]).then(function (w) {
          if (!w) return data;
          words[words.length - 1] = w;
          var full = words.join(" ");
          return K.query(full, opts).then(function (d) {
            if (d.total) notes.push(el("p", "search-completed", fmt("showing-for", { q: full })));
            return d.total ? d : data;
          });
        });
      }
      return data;
    }).then(function (data) {
      if (!data || n !== runs) return;
      render(data, p, page, notes, q);
      if (data.total === 0) return zero(q, p);
    }).catch(function (err) {
      if (n !== runs) return;
      status.textContent = text("unreachable") + (err && err.message && err.message.length < 200 ? " (" + err.message + ")" : "");
      status.className = "search-status error";
      help.appendChild(themeLinks());
    });
  }

  // Filters apply at once; the query as the reader types (debounced), each state a URL.
  ["city", "theme", "lang"].forEach(function (k) {
    var sel = form.elements[k];
    if (sel) sel.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  });
  function setQuery(push) {
    var url = linkWith({ q: input.value });
    if (push) window.history.pushState(null, "", url); else window.history.replaceState(null, "", url);
    run();
  }
  var typing = null;
  if (input) {
    input.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () { setQuery(false); }, 250);
    });
  }
  form.addEventListener("submit", function (e) {
    if (!window.history.pushState) return;
    e.preventDefault();
    clearTimeout(typing);
    var p = params();
    ["city", "theme", "lang"].forEach(function (k) {
      var v = form.elements[k] ? form.elements[k].value : "";
      if (v) p.set(k, v); else p.delete(k);
    });
    p.set("q", input ? input.value : "");
    p.delete("page");
    window.history.pushState(null, "", window.location.pathname + "?" + p.toString());
    run();
  });
  window.addEventListener("popstate", run);
  run();
  // The header's search box on this page stays in sync with the page's own box.
  var header = document.getElementById("site-search");
  if (header) header.value = params().get("q") || "";
})();
