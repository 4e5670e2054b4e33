// Progressive enhancement for every page. The site works without it; it narrows theme
// matrices to the cities chosen in the URL (?city=a&city=b), a choice that is shareable, and
// lets the keyboard scroll a wide table or chart that a small screen cuts.
(function () {
  "use strict";
  // A box that scrolls sideways (overflow-x: auto) becomes a named, focusable region while, and
  // only while, its content is wider than it.
  var boxes = document.querySelectorAll(".table-wrap, .chart-figure");
  if (!boxes.length) return;
  var name = function (box) {
    var cap = box.querySelector("caption, figcaption");
    return cap ? cap.textContent.replace(/\s+/g, " ").trim() : "";
  };
  var update = function () {
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (name(box)) box.setAttribute("aria-label", name(box));
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  update();
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
})();

(function () {
  "use strict";
  var picker = document.getElementById("city-picker");
  var matrix = document.getElementById("matrix");
  if (!picker || !matrix) return;
  var chosen = new URLSearchParams(window.location.search).getAll("city");
  var boxes = picker.querySelectorAll('input[name="city"]');
  var apply = function (list) {
    var cols = matrix.querySelectorAll(".matrix-col");
    for (var i = 0; i < cols.length; i++) {
      var show = list.length === 0 || list.indexOf(cols[i].getAttribute("data-city")) !== -1;
      cols[i].hidden = !show;
    }
    matrix.setAttribute("data-selected", String(list.length || cols.length));
  };
  for (var i = 0; i < boxes.length; i++) boxes[i].checked = chosen.indexOf(boxes[i].value) !== -1;
  apply(chosen);
  picker.addEventListener("change", function () {
    var list = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) list.push(boxes[i].value);
    var params = new URLSearchParams();
    list.forEach(function (c) { params.append("city", c); });
    var url = window.location.pathname + (list.length ? "?" + params.toString() : "");
    window.history.replaceState(null, "", url);
    apply(list);
  });
})();
