// Search-as-you-type fields (core/widgets/autocomplete.html): the visible box searches, the
// hidden input keeps the chosen id, so forms never carry an unbounded list of options.
(function () {
  "use strict";

  function setup(box) {
    var hidden = box.querySelector("input[type=hidden]");
    var input = box.querySelector(".autocomplete-input");
    var list = box.querySelector(".autocomplete-results");
    var timer = null;
    var form = box.closest("form");

    function forwardParams() {
      var params = new URLSearchParams();
      (box.dataset.forward || "").split(",").filter(Boolean).forEach(function (name) {
        var field = form && form.querySelector("[name='" + name + "']");
        if (field && field.value) { params.set(name, field.value); }
      });
      return params;
    }

    function close() { list.hidden = true; list.innerHTML = ""; }

    function search() {
      var params = forwardParams();
      params.set("q", input.value.trim());
      fetch(box.dataset.source + "?" + params.toString(), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          list.innerHTML = "";
          data.results.forEach(function (row) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.textContent = row.label;
            button.dataset.id = row.id;
            button.addEventListener("click", function () {
              hidden.value = row.id;
              input.value = row.label;
              hidden.dispatchEvent(new Event("change", {bubbles: true}));
              close();
            });
            item.appendChild(button);
            list.appendChild(item);
          });
          list.hidden = data.results.length === 0;
        });
    }

    input.addEventListener("input", function () {
      if (input.value.trim() === "") { hidden.value = ""; close(); return; }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!hidden.value) { search(); } });
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) { close(); } });
  }

  function init(root) {
    root.querySelectorAll(".autocomplete:not([data-ready])").forEach(function (box) {
      box.dataset.ready = "1";
      setup(box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

// The top bar's menus: one open at a time, closed by a click elsewhere or Escape.
(function () {
  "use strict";
  function closeAll(except) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.navgroup") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeAll(null); }
  });
})();
