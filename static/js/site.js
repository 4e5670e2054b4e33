// Progressive enhancement for every page. The site works without it; it only narrows theme
// matrices to the cities chosen in the URL (?city=a&city=b), a choice that is shareable.
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
