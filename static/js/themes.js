// Theme page: the "Download CSV" link follows the cities ticked in the city picker. The build
// writes one CSV per city beside the theme's CSV (the links under "CSV per city"), each a whole
// CSV with the same header; the rows after the header of the picked cities' files, in page
// order, are the CSV of those cities. They are joined here into a file the link downloads,
// without re-encoding any cell: the build's quoting and formula neutralisation stay as written.
// A site built with a path-only base_url (the default `/`) writes its URL cells as paths; they
// are completed here with the page's origin so that the spreadsheet's links open. Plain files
// under the site's path suffice: no server is asked for anything else. Without JavaScript the
// link downloads the theme's CSV of every city, and the per-city links remain.
(function () {
  "use strict";
  var link = document.getElementById("theme-csv");
  var picker = document.getElementById("city-picker");
  var scope = document.getElementById("theme-csv-scope");
  if (!link || !picker || !scope || !window.fetch || !window.Blob || !window.URL ||
      !window.Promise || !window.TextDecoder || !window.TextEncoder) return;
  var fullHref = link.getAttribute("href");
  var fullName = link.getAttribute("download");
  var allLabel = scope.textContent;
  var sep = scope.getAttribute("data-sep") || ", ";
  var theme = link.getAttribute("data-theme");
  var files = {};
  var names = {};
  var perCity = document.querySelectorAll("#csv-per-city a[data-city]");
  for (var i = 0; i < perCity.length; i++) {
    files[perCity[i].getAttribute("data-city")] = perCity[i].getAttribute("href");
    names[perCity[i].getAttribute("data-city")] = perCity[i].getAttribute("data-name");
  }
  var boxes = picker.querySelectorAll('input[name="city"]');
  var objectUrl = null;
  var pending = null;
  var wanted = null;

  var picked = function () {
    var list = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked && files[boxes[i].value]) list.push(boxes[i].value);
    return list.length === boxes.length ? [] : list;
  };
  var fetchText = function (href) {
    return fetch(href, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error(href + ": " + res.status);
      return res.arrayBuffer();
    }).then(function (buf) {
      // ignoreBOM keeps the byte-order mark in the text, so it is written back unchanged.
      return new TextDecoder("utf-8", { ignoreBOM: true }).decode(buf);
    });
  };
  // The text after a CSV's first line (its byte-order mark and header).
  var rowsOf = function (text) {
    var nl = text.indexOf("\n");
    return nl === -1 ? "" : text.slice(nl + 1);
  };
  // Prefixes `origin` to every field of the url_* columns that holds a site path ("/…"). The
  // scan follows the CSV's quoting, so a comma or line break inside a quoted cell is no field
  // boundary; paths are never quoted (the build only quotes cells with , " or line breaks).
  var absolutise = function (text, origin) {
    var header = text.slice(0, text.indexOf("\r\n")).replace(/^\ufeff/, "").split(",");
    var urlCols = [];
    header.forEach(function (h, i) { if (/^url_/.test(h)) urlCols.push(i); });
    if (!urlCols.length) return text;
    var out = [];
    var col = 0;
    var quoted = false;
    var start = true;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (start && !quoted && c === "/" && text[i + 1] !== "/" && urlCols.indexOf(col) !== -1) out.push(origin);
      start = false;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { out.push('""'); i++; continue; }
          quoted = false;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === ",") {
        col++;
        start = true;
      } else if (c === "\n") {
        col = 0;
        start = true;
      }
      out.push(c);
    }
    return out.join("");
  };
  var setLink = function (href, name, key, label) {
    if (objectUrl && objectUrl !== href) URL.revokeObjectURL(objectUrl);
    objectUrl = href.indexOf("blob:") === 0 ? href : null;
    link.setAttribute("href", href);
    link.setAttribute("download", name);
    link.setAttribute("data-cities", key);
    scope.textContent = label;
  };

  // The picker changed: the link names the picked cities at once; their file is put together
  // when the reader asks for it (a theme's CSV of many cities can be large: nothing is fetched
  // for readers who only read).
  var update = function () {
    var list = picked();
    var key = list.join("+");
    if (key === wanted) return;
    wanted = key;
    scope.textContent = list.length ? list.map(function (c) { return names[c]; }).join(sep) : allLabel;
    link.setAttribute("data-cities", key);
    link.removeAttribute("data-ready");
    pending = null;
    // Until then, and if it cannot be built, the link is the plain file of every city.
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
    link.setAttribute("href", fullHref);
    link.setAttribute("download", fullName);
  };

  var build = function () {
    var list = picked();
    var key = list.join("+");
    var name = list.length ? theme + "-" + list.join("-") + ".csv" : fullName;
    var sources = list.length ? list.map(function (c) { return files[c]; }) : [fullHref];
    link.setAttribute("aria-busy", "true");
    return Promise.all(sources.map(fetchText)).then(function (texts) {
      if (wanted !== key) return false; // a later choice replaced this one
      var csv = texts.map(function (t, i) { return i === 0 ? t : rowsOf(t); }).join("");
      csv = absolutise(csv, window.location.origin);
      var blob = new Blob([new TextEncoder().encode(csv)], { type: "text/csv;charset=utf-8" });
      setLink(URL.createObjectURL(blob), name, key, scope.textContent);
      link.setAttribute("data-ready", "true");
      link.removeAttribute("aria-busy");
      return true;
    }).catch(function () {
      // The files could not be read: the link stays the theme's file of every city, as
      // without script, and says so.
      link.removeAttribute("aria-busy");
      if (wanted !== key) return false;
      setLink(fullHref, fullName, "", allLabel);
      link.setAttribute("data-ready", "true");
      return true;
    });
  };

  // The first click on a choice builds its file, then downloads it; later clicks download it.
  link.addEventListener("click", function (ev) {
    if (link.getAttribute("data-ready") === "true") return;
    ev.preventDefault();
    if (!pending) pending = build();
    pending.then(function (ready) {
      if (ready) link.click();
    });
  });
  picker.addEventListener("change", update);
  // After site.js has ticked the boxes the URL names (deferred scripts run before this event).
  document.addEventListener("DOMContentLoaded", update);
})();
