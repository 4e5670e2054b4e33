// Keeps the reader's place. The language switch carries the section being read, so that the
// other language opens at the same section (chapter and measure pages share their heading ids
// across languages); and a chapter's table of contents marks the section in view. Without
// JavaScript the switch opens the other language at its top, as before.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main) return;
  var headings = Array.prototype.filter.call(
    main.querySelectorAll("h2[id], h3[id], h4[id], h5[id], h6[id]"),
    function (h) { return !h.closest("nav"); }
  );
  // A heading counts as passed once its top is this close to the top of the window.
  var REACH = 100;
  var byId = function (id) {
    try { return id ? document.getElementById(decodeURIComponent(id)) : null; } catch (e) { return null; }
  };
  var hashId = function () { return window.location.hash.slice(1); };
  var visible = function (el) {
    var r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  // The section last read: the link's target while it is on screen (a section near the end
  // of a page never reaches the top), else the last heading scrolled past. Scrolling above
  // the first heading keeps it: that is where the language switch is.
  var current = byId(hashId()) ? decodeURIComponent(hashId()) : "";
  var passed = function () {
    var id = "";
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= REACH) id = headings[i].id;
    }
    return id;
  };
  var observe = function () {
    var target = byId(hashId());
    if (target && visible(target)) current = target.id;
    else current = passed() || current;
    mark();
  };

  var toc = document.querySelector(".chapter-toc");
  var tocLinks = toc ? toc.querySelectorAll('a[href^="#"]') : [];
  var mark = function () {
    if (!toc) return;
    var shown = null;
    for (var i = 0; i < tocLinks.length; i++) {
      var here = tocLinks[i].getAttribute("href") === "#" + current;
      if (here) {
        tocLinks[i].setAttribute("aria-current", "location");
        shown = tocLinks[i];
      } else tocLinks[i].removeAttribute("aria-current");
    }
    // A sidebar taller than the window scrolls by itself: keep the marked entry in it.
    if (shown && toc.scrollHeight > toc.clientHeight + 1) {
      var top = shown.offsetTop - toc.offsetTop;
      if (top < toc.scrollTop || top > toc.scrollTop + toc.clientHeight - 40) toc.scrollTop = top - toc.clientHeight / 3;
    }
  };

  var switches = document.querySelectorAll("a.lang-switch");
  var carry = function () {
    for (var i = 0; i < switches.length; i++) {
      var a = switches[i];
      var base = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", current ? base + "#" + encodeURIComponent(current) : base);
    }
  };
  for (var i = 0; i < switches.length; i++) {
    ["pointerdown", "focus", "click", "contextmenu"].forEach(function (type) {
      switches[i].addEventListener(type, carry);
    });
  }

  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      observe();
    });
  }, { passive: true });
  window.addEventListener("hashchange", function () {
    if (byId(hashId())) current = decodeURIComponent(hashId());
    mark();
    carry();
  });
  observe();
  carry();
})();
