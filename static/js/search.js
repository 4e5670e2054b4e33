// The search page: reads q, city, theme, lang and page from the URL, asks /api/search, and
// shows results with highlighted snippets and city/theme facets. Every state is a URL, so a
// search can be shared and the back button works.
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
  // The site may live under a sub-path (base_url): the API is found beside this script.
  var script = document.currentScript;
  var BASE = script && script.src ? script.src.replace(/js\/[^\/]*$/, "") : "/";
  var text = function (k) { return status.getAttribute("data-" + k) || ""; };
  var names = function (attr, key) {
    var map = {};
    try {
      JSON.parse(status.getAttribute("data-" + attr) || "[]").forEach(function (x) {
        map[x[key]] = x.title || x.name;
      });
    } catch (e) { /* names fall back to slugs */ }
    return map;
  };
  var cityNames = names("cities", "slug");
  var themeNames = names("themes", "slug");

  function params() { return new URLSearchParams(window.location.search); }

  function fill() {
    var p = params();
    ["q", "city", "theme", "lang"].forEach(function (k) {
      var el = form.elements[k];
      if (el) el.value = p.get(k) || "";
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

  function render(data, p, page) {
    list.textContent = "";
    status.textContent = data.total === 0 ? text("none") : data.total + " " + text("results");
    data.results.forEach(function (r) {
      var li = el("li", "result");
      var h = el("h2");
      var a = el("a", null, r.title);
      a.href = r.url;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el("p", "meta", [r.city ? (cityNames[r.city] || r.city) : "", r.lang === "en" ? "English" : "日本語"].filter(Boolean).join(" · "));
      li.appendChild(meta);
      // The snippet is HTML-escaped by the server except for its <mark> tags.
      var snip = el("p", "snippet");
      snip.innerHTML = r.snippet;
      li.appendChild(snip);
      list.appendChild(li);
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

  function run() {
    fill();
    var p = params();
    var q = (p.get("q") || "").trim();
    list.textContent = "";
    facets.textContent = "";
    pager.textContent = "";
    if (!q) { status.textContent = ""; return; }
    var page = Math.max(1, parseInt(p.get("page") || "1", 10) || 1);
    var api = new URLSearchParams({ q: q, limit: String(PAGE), offset: String((page - 1) * PAGE) });
    ["city", "theme", "lang"].forEach(function (k) { if (p.get(k)) api.set(k, p.get(k)); });
    status.textContent = "…";
    // Without the server (a plain static web server answers with a page, or nothing answers),
    // the static engine the build wrote under search/ answers from its bundle, fetched only now.
    var local = function () {
      return import(BASE + "search/engine.js").then(function (engine) {
        return engine.search(q, { lang: p.get("lang") || undefined, city: p.get("city") || undefined,
          theme: p.get("theme") || undefined, limit: PAGE, offset: (page - 1) * PAGE });
      }, function () {
        var e = new Error(text("needs-server"));
        e.plain = true;
        throw e;
      });
    };
    fetch(BASE + "api/search?" + api.toString(), { headers: { Accept: "application/json" } })
      .then(function (res) {
        if ((res.headers.get("Content-Type") || "").indexOf("json") < 0) return local();
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error : String(res.status));
          return body;
        });
      }, local)
      .then(function (data) { render(data, p, page); })
      .catch(function (err) {
        status.textContent = err && err.plain ? err.message
          : text("unreachable") + (err && err.message && err.message.length < 200 ? " (" + err.message + ")" : "");
        status.className = "search-status error";
      });
  }

  // Filters apply at once; the query applies on submit.
  ["city", "theme", "lang"].forEach(function (k) {
    var sel = form.elements[k];
    if (sel) sel.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  });
  window.addEventListener("popstate", run);
  run();
  // The header's search box on this page stays in sync with the page's own box.
  var header = document.getElementById("site-search");
  if (header) header.value = params().get("q") || "";
})();
