/* Suggestions for the header search box: the WAI-ARIA 1.2 combobox pattern with a listbox popup.
 *
 * Without JavaScript the box is a plain GET form to /search/. With it, typing two characters or more
 * asks the JSON endpoint named in data-suggest-url; ArrowDown/ArrowUp move through the suggestions
 * (aria-activedescendant, focus stays in the box), Enter opens the highlighted suggestion (or submits
 * the search when none is highlighted), Escape closes the list (a second Escape clears the box).
 * A polite live region announces how many suggestions there are.
 */
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var endpoint = form.getAttribute("data-suggest-url");
    var messages = {
      one: form.getAttribute("data-msg-one") || "1 suggestion",
      many: form.getAttribute("data-msg-many") || "{n} suggestions",
      none: form.getAttribute("data-msg-none") || "No suggestions",
    };
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var live = document.getElementById(input.id + "-live");
    if (!endpoint || !listbox || !live) return;

    var items = [];
    var current = -1;
    var pending = null;
    var debounce = 0;
    var lastTerm = "";

    function expanded(open) {
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) highlight(-1);
    }

    function highlight(index) {
      current = index;
      for (var i = 0; i < items.length; i++) {
        var selected = i === index;
        items[i].node.setAttribute("aria-selected", selected ? "true" : "false");
        items[i].node.classList.toggle("is-active", selected);
      }
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", items[index].node.id);
        items[index].node.scrollIntoView({ block: "nearest" });
      }
    }

    function announce(count) {
      live.textContent =
        count === 0 ? messages.none : count === 1 ? messages.one : messages.many.replace("{n}", count);
    }

    function show(results) {
      listbox.textContent = "";
      items = [];
      results.forEach(function (result, i) {
        var node = document.createElement("li");
        node.id = input.id + "-suggestion-" + i;
        node.className = "combobox__option site-search__option";
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "site-search__label";
        label.textContent = result.label;
        var kind = document.createElement("span");
        kind.className = "site-search__kind";
        kind.textContent = result.kind;
        node.appendChild(label);
        node.appendChild(document.createTextNode(" "));
        node.appendChild(kind);
        node.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        node.addEventListener("click", function () {
          go(i);
        });
        listbox.appendChild(node);
        items.push({ node: node, url: result.url });
      });
      current = -1;
      input.removeAttribute("aria-activedescendant");
      announce(results.length);
      expanded(results.length > 0);
    }

    function go(index) {
      var item = items[index];
      if (item && item.url) window.location.assign(item.url);
    }

    function request() {
      var term = input.value.trim();
      if (term === lastTerm) return;
      lastTerm = term;
      if (term.length < 2) {
        show([]);
        live.textContent = "";
        return;
      }
      if (pending) pending.abort();
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(term);
      fetch(url, { headers: { Accept: "application/json" }, signal: pending ? pending.signal : undefined })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === term) show(data.results || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      window.clearTimeout(debounce);
      debounce = window.setTimeout(request, 120);
    });

    input.addEventListener("keydown", function (event) {
      var count = items.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (listbox.hidden) expanded(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(current < 0 && step < 0 ? count - 1 : (current + step + count) % count);
      } else if (event.key === "Enter") {
        if (!listbox.hidden && current >= 0) {
          event.preventDefault();
          go(current);
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          expanded(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          lastTerm = "";
          show([]);
          live.textContent = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        expanded(false);
      }, 150);
    });
  }

  var forms = document.querySelectorAll("form[data-suggest-url]");
  for (var i = 0; i < forms.length; i++) setup(forms[i]);
})();
