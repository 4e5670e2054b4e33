// The peer-benchmarking page (/benchmark/?city=a&peer=b): fetches the two cities' data files
// (benchmark/<city>.json, written by the build), aligns their measures one to one with
// benchmark-align.js (the same arithmetic as search_indexer::align) and shows, theme by theme,
// what only the peer has (first), the matched pairs, what only my city has, and both cities' KPI
// targets. Every item carries data-kind = matched | only-city | only-peer. A CSV of the
// comparison is offered (UTF-8 with BOM, absolute URLs, formula-like cells neutralised as in
// crates/kb-site/src/exports.rs). Under `kb serve` without JavaScript the server fills the same
// markup in (src/server/benchmark.rs); with JavaScript this script redraws it.
(function () {
  "use strict";
  var form = document.getElementById("bench-form");
  var status = document.getElementById("bench-status");
  var out = document.getElementById("bench-result");
  var actions = document.getElementById("bench-actions");
  if (!form || !status || !out || !window.KbAlign) return;
  var script = document.currentScript;
  var BASE = script && script.src ? script.src.replace(/js\/[^\/]*$/, "") : "/";
  var lang = out.getAttribute("data-lang") || "ja";
  var t = function (k) { return out.getAttribute("data-t-" + k) || ""; };
  var json = function (attr, fallback) {
    try { return JSON.parse(out.getAttribute(attr) || ""); } catch (e) { return fallback; }
  };
  var cities = json("data-cities", []);
  var themes = json("data-themes", []);
  var labels = json("data-labels", {});
  var cityName = {};
  cities.forEach(function (c) { cityName[c.slug] = c.title; });
  var themeName = {};
  themes.forEach(function (x) { themeName[x.slug] = x.name; });
  var siteRoot = (function () {
    var b = out.getAttribute("data-base-url") || "";
    return /^https?:\/\//.test(b) ? b.replace(/\/?$/, "/") : new URL(BASE, window.location.href).href;
  })();

  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined && txt !== null) e.textContent = txt;
    return e;
  }
  function local(url) { return BASE + String(url || "").replace(/^\//, ""); }
  function absolute(url) { return siteRoot + String(url || "").replace(/^\//, ""); }
  // Fills every {name} of a message (a string's replace would fill only the first).
  function fmt(msg, values) {
    return Object.keys(values).reduce(function (m, k) { return m.split("{" + k + "}").join(String(values[k])); }, msg);
  }
  function pick(both) { return both ? (both[lang] || both.ja || "") : ""; }
  function say(msg, isError) {
    status.textContent = msg;
    status.className = "bench-status" + (isError ? " notice" : "");
  }

  function fill(p) {
    ["city", "peer"].forEach(function (k) {
      var s = form.elements[k];
      if (s) s.value = cityName[p.get(k)] !== undefined ? p.get(k) : "";
    });
  }

  // What is wrong with the parameters, or null.
  function problem(city, peer) {
    if (!city && !peer) return t("pick");
    if (!city || !peer) return t("missing");
    if (cityName[city] === undefined) return t("unknown").split("{}").join(city);
    if (cityName[peer] === undefined) return t("unknown").split("{}").join(peer);
    if (city === peer) return t("same");
    return null;
  }

  function load(slug) {
    return fetch(local("benchmark/" + encodeURIComponent(slug) + ".json")).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + slug);
      return r.json();
    });
  }

  function pct(x) { return (Math.round(x * 100) / 100).toFixed(2); }

  function targetText(k) {
    var unit = pick(k.unit);
    var cmp = k.comparator ? (labels["cmp_" + k.comparator] || "") : "";
    var value = k.value !== undefined && k.value !== null ? cmp + k.value + (unit ? " " + unit : "") : t("no-target");
    var when = k.label || (k.year ? String(k.year) : "");
    return pick(k.indicator) + ": " + value + (when ? " (" + when + ")" : "");
  }

  function facts(m) {
    var bits = [];
    if (m.status) bits.push(t("status") + ": " + (labels["status_" + m.status] || m.status));
    if (m.commitment) bits.push(t("commitment") + ": " + (labels["commitment_" + m.commitment] || m.commitment));
    return bits.join(" · ");
  }

  function side(m, who, cls) {
    var box = el("div", "bench-side " + cls);
    box.appendChild(el("span", "bench-who", who));
    var a = el("a", "bench-title", pick(m.title));
    a.href = local(pick(m.url));
    box.appendChild(a);
    var f = facts(m);
    if (f) box.appendChild(el("p", "bench-facts", f));
    if (m.kpis && m.kpis.length) {
      var ul = el("ul", "bench-targets");
      m.kpis.forEach(function (k) { ul.appendChild(el("li", null, targetText(k))); });
      box.appendChild(ul);
    }
    return box;
  }

  // The comparison as data: per theme, gaps, pairs, own-only and KPI targets.
  function compare(mine, theirs) {
    var params = mine.params;
    var pairs = window.KbAlign.align(mine.measures, theirs.measures, params);
    var usedA = {}, usedB = {};
    pairs.forEach(function (p) { usedA[p.a] = true; usedB[p.b] = true; });
    var byTheme = {};
    var group = function (slug) {
      if (!byTheme[slug]) byTheme[slug] = { gaps: [], pairs: [], own: [], kpiA: [], kpiB: [] };
      return byTheme[slug];
    };
    var primary = function (m) { return (m.themes && m.themes[0]) || ""; };
    theirs.measures.forEach(function (m, j) { if (!usedB[j]) group(primary(m)).gaps.push(m); });
    pairs.forEach(function (p) {
      var a = mine.measures[p.a], b = theirs.measures[p.b];
      group(primary(a)).pairs.push({ a: a, b: b, why: p.why, terms: window.KbAlign.sharedTerms(a, b).slice(0, 5),
        themes: (a.themes || []).filter(function (x) { return (b.themes || []).indexOf(x) >= 0; }) });
    });
    mine.measures.forEach(function (m, i) { if (!usedA[i]) group(primary(m)).own.push(m); });
    mine.measures.forEach(function (m) { (m.kpis || []).forEach(function (k) { group(primary(m)).kpiA.push(k); }); });
    theirs.measures.forEach(function (m) { (m.kpis || []).forEach(function (k) { group(primary(m)).kpiB.push(k); }); });
    var order = themes.map(function (x) { return x.slug; }).filter(function (s) { return byTheme[s]; });
    Object.keys(byTheme).forEach(function (s) { if (order.indexOf(s) < 0) order.push(s); });
    return { order: order, byTheme: byTheme, pairs: pairs };
  }

  function render(mine, theirs, cmp) {
    out.textContent = "";
    var me = pick(mine.name), them = pick(theirs.name);
    var counts = { gaps: 0, pairs: cmp.pairs.length, own: 0 };
    cmp.order.forEach(function (s) { counts.gaps += cmp.byTheme[s].gaps.length; counts.own += cmp.byTheme[s].own.length; });
    var sum = el("p", "bench-summary", fmt(t("summary"), { city: me, peer: them, matched: counts.pairs, gaps: counts.gaps, own: counts.own }));
    out.appendChild(sum);
    cmp.order.forEach(function (slug) {
      var g = cmp.byTheme[slug];
      var sec = el("section", "bench-theme");
      sec.setAttribute("data-theme", slug);
      var hid = "bench-theme-" + slug;
      var h = el("h2", null, themeName[slug] || slug);
      h.id = hid;
      sec.setAttribute("aria-labelledby", hid);
      sec.appendChild(h);
      var list = function (title, items, make) {
        if (!items.length) return;
        sec.appendChild(el("h3", null, title + " (" + items.length + ")"));
        var ul = el("ul", "bench-list");
        items.forEach(function (x) { ul.appendChild(make(x)); });
        sec.appendChild(ul);
      };
      list(fmt(t("gaps"), { peer: them }), g.gaps, function (m) {
        var li = el("li", "bench-item only-peer");
        li.setAttribute("data-kind", "only-peer");
        li.appendChild(side(m, them, "peer"));
        return li;
      });
      list(t("matched"), g.pairs, function (p) {
        var li = el("li", "bench-item matched");
        li.setAttribute("data-kind", "matched");
        li.setAttribute("data-city-measure", p.a.id);
        li.setAttribute("data-peer-measure", p.b.id);
        li.appendChild(side(p.a, me, "mine"));
        var why = el("p", "bench-why");
        var parts = [t("similarity") + " " + pct(p.why.score) + " (" + t("text") + " " + pct(p.why.text) + ")"];
        if (p.themes.length) parts.push(t("shared-themes") + ": " + p.themes.map(function (x) { return themeName[x] || x; }).join("、"));
        if (p.terms.length) parts.push(t("shared-terms") + ": " + p.terms.join("、"));
        why.textContent = parts.join(" · ");
        li.appendChild(why);
        li.appendChild(side(p.b, them, "peer"));
        return li;
      });
      list(fmt(t("own"), { city: me }), g.own, function (m) {
        var li = el("li", "bench-item only-city");
        li.setAttribute("data-kind", "only-city");
        li.appendChild(side(m, me, "mine"));
        return li;
      });
      if (g.kpiA.length && g.kpiB.length) {
        sec.appendChild(el("h3", null, t("targets")));
        sec.appendChild(targetsTable(t("targets") + ": " + (themeName[slug] || slug), me, them, g.kpiA, g.kpiB));
      }
      out.appendChild(sec);
    });
    // Both cities' targets in full (most KPIs are tied to no measure, hence to no theme).
    var allA = allTargets(mine), allB = allTargets(theirs);
    if (allA.length && allB.length) {
      var sec = el("section", "bench-theme bench-all-targets");
      var h = el("h2", null, t("all-targets"));
      h.id = "bench-all-targets";
      sec.setAttribute("aria-labelledby", h.id);
      sec.appendChild(h);
      sec.appendChild(targetsTable(t("all-targets"), me, them, allA, allB));
      out.appendChild(sec);
    }
  }

  function allTargets(city) {
    var out = [];
    city.measures.forEach(function (m) { (m.kpis || []).forEach(function (k) { out.push(k); }); });
    return out.concat(city.kpis || []);
  }

  function targetsTable(caption, me, them, ka, kb) {
    var wrap = el("div", "table-wrap");
    var table = el("table", "bench-kpis");
    table.appendChild(el("caption", null, caption));
    var head = el("tr");
    [me, them].forEach(function (n) { var th = el("th", null, n); th.scope = "col"; head.appendChild(th); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var row = el("tr");
    [ka, kb].forEach(function (ks) {
      var td = el("td"), ul = el("ul", "bench-kpi-list");
      ks.forEach(function (k) { ul.appendChild(el("li", null, targetText(k))); });
      td.appendChild(ul); row.appendChild(td);
    });
    var tbody = el("tbody"); tbody.appendChild(row); table.appendChild(tbody);
    wrap.appendChild(table);
    return wrap;
  }

  // A CSV cell as crates/kb-site/src/exports.rs writes it.
  function cell(s) {
    s = s === undefined || s === null ? "" : String(s);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    if (/[,"\n\r]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
    return s;
  }

  function csv(mine, theirs, cmp) {
    var rows = [["kind", "theme", "city", "city_measure", "city_title", "city_url", "city_status", "city_commitment", "city_targets",
      "peer", "peer_measure", "peer_title", "peer_url", "peer_status", "peer_commitment", "peer_targets", "score", "text_similarity", "shared_themes", "shared_terms"]];
    var m = function (x) {
      return x ? [x.id, pick(x.title), absolute(pick(x.url)), x.status || "", x.commitment || "",
        (x.kpis || []).map(targetText).join("; ")] : ["", "", "", "", "", ""];
    };
    cmp.order.forEach(function (slug) {
      var g = cmp.byTheme[slug];
      g.gaps.forEach(function (b) { rows.push(["only-peer", slug, mine.city].concat(m(null), [theirs.city], m(b), ["", "", "", ""])); });
      g.pairs.forEach(function (p) {
        rows.push(["matched", slug, mine.city].concat(m(p.a), [theirs.city], m(p.b),
          [pct(p.why.score), pct(p.why.text), p.themes.join(";"), p.terms.join(";")]));
      });
      g.own.forEach(function (a) { rows.push(["only-city", slug, mine.city].concat(m(a), [theirs.city], m(null), ["", "", "", ""])); });
    });
    return "\ufeff" + rows.map(function (r) { return r.map(cell).join(","); }).join("\r\n") + "\r\n";
  }

  function offerCsv(mine, theirs, cmp) {
    if (!actions) return;
    actions.textContent = "";
    var a = el("a", "bench-csv", t("csv"));
    a.href = URL.createObjectURL(new Blob([csv(mine, theirs, cmp)], { type: "text/csv;charset=utf-8" }));
    a.setAttribute("download", "benchmark-" + mine.city + "-" + theirs.city + ".csv");
    actions.appendChild(a);
  }

  function run() {
    var p = new URLSearchParams(window.location.search);
    fill(p);
    var city = (p.get("city") || "").trim(), peer = (p.get("peer") || "").trim();
    var bad = problem(city, peer);
    if (bad) {
      out.textContent = "";
      if (actions) actions.textContent = "";
      say(bad, !!(city || peer));
      return;
    }
    say(t("loading"), false);
    Promise.all([load(city), load(peer)]).then(function (d) {
      var cmp = compare(d[0], d[1]);
      render(d[0], d[1], cmp);
      offerCsv(d[0], d[1], cmp);
      say(fmt(t("ready"), { city: pick(d[0].name), peer: pick(d[1].name) }), false);
    }).catch(function (e) {
      out.textContent = "";
      say(t("failed") + " (" + (e && e.message ? e.message : e) + ")", true);
    });
  }

  run();
})();
