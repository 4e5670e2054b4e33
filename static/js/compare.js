// Compare page: its sections are <details> a reader can collapse. A link to a section (the
// page's contents, or a shared URL with #frameworks) opens it, and printing opens them all so
// that paper shows everything.
(function () {
  "use strict";
  var sections = document.querySelectorAll("details.compare-section");
  if (!sections.length) return;
  var reveal = function () {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var box = target && target.closest("details");
    if (box && !box.open) {
      box.open = true;
      target.scrollIntoView();
    }
  };
  window.addEventListener("hashchange", reveal);
  reveal();
  window.addEventListener("beforeprint", function () {
    for (var i = 0; i < sections.length; i++) sections[i].open = true;
  });
})();
