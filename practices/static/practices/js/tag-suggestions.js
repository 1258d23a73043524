// Suggest existing tags for the last comma-separated tag being typed (progressive enhancement: without
// JavaScript the <datalist> already offers the most used tags for the first one).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url || !window.fetch) return;
  document.querySelectorAll("input[list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var lastPrefix = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var value = input.value;
        var cut = value.lastIndexOf(",");
        var head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
        var prefix = value.slice(cut + 1).trim();
        if (prefix.length < 1 || prefix === lastPrefix) return;
        lastPrefix = prefix;
        fetch(url + "?q=" + encodeURIComponent(prefix), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.tags.forEach(function (tag) {
              var option = document.createElement("option");
              option.value = head + tag.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
