// The peer alignment of search_indexer::align (search-indexer/src/align.rs), for the browser:
// the same score with the same arithmetic (an integer dot product of the quantised term weights,
// then the same floating-point steps in the same order), the same greedy one-to-one matching and
// the same tie order, so that a page shows exactly the pairs the Rust side computes. The
// constants (scale, theme bonus, threshold) come from the data files the build writes, never
// from here. tests/benchmark_align/run.mjs checks the agreement on every ordered pair of cities.
(function (root) {
  "use strict";

  function termMap(m) {
    var map = new Map();
    (m.terms || []).forEach(function (t) { map.set(t[0], t[1]); });
    return map;
  }

  // score(a, b) = text × (1 + bonus × shared themes / max(|themes a|, |themes b|))
  function score(a, b, params) {
    var theirs = termMap(b);
    var dot = 0;
    (a.terms || []).forEach(function (t) {
      var o = theirs.get(t[0]);
      if (o !== undefined) dot += t[1] * o;
    });
    var scale = params.scale;
    var text = dot / (scale * scale);
    var ta = a.themes || [], tb = b.themes || [];
    var shared = ta.filter(function (t) { return tb.indexOf(t) >= 0; }).length;
    var most = Math.max(ta.length, tb.length, 1);
    return { text: text, shared_themes: shared, score: text * (1 + params.theme_bonus * shared / most) };
  }

  // The terms both measures have, heaviest product first (ties by term, as Rust orders strings
  // by bytes: compared here code point by code point).
  function sharedTerms(a, b) {
    var theirs = termMap(b);
    var both = [];
    (a.terms || []).forEach(function (t) {
      var o = theirs.get(t[0]);
      if (o !== undefined) both.push([t[0], t[1] * o]);
    });
    both.sort(function (x, y) { return y[1] - x[1] || cmpCodePoints(x[0], y[0]); });
    return both.map(function (x) { return x[0]; });
  }

  function cmpCodePoints(x, y) {
    var a = Array.from(x), b = Array.from(y);
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      var d = a[i].codePointAt(0) - b[i].codePointAt(0);
      if (d) return d;
    }
    return a.length - b.length;
  }

  function align(A, B, params) {
    var all = [];
    for (var i = 0; i < A.length; i++) {
      for (var j = 0; j < B.length; j++) {
        var why = score(A[i], B[j], params);
        if (why.score >= params.threshold && why.score > 0) all.push({ a: i, b: j, why: why });
      }
    }
    all.sort(function (p, q) { return (q.why.score - p.why.score) || (p.a - q.a) || (p.b - q.b); });
    var usedA = new Array(A.length).fill(false), usedB = new Array(B.length).fill(false);
    var out = [];
    all.forEach(function (p) {
      if (usedA[p.a] || usedB[p.b]) return;
      usedA[p.a] = usedB[p.b] = true;
      out.push(p);
    });
    out.sort(function (p, q) { return p.a - q.a; });
    return out;
  }

  var api = { score: score, align: align, sharedTerms: sharedTerms };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.KbAlign = api;
})(this);
