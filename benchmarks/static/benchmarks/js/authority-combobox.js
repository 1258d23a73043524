/* Search-as-you-type for "Add an authority" on the compare page (WAI-ARIA 1.2 combobox with a listbox).
 *
 * Progressive enhancement: without JavaScript the text field is submitted with the form and the server
 * picks the best match. With it, suggestions come from the JSON route named in data-source; choosing one
 * (Enter or click) adds its slug to the selection and submits the form.
 * Keys: ArrowDown/ArrowUp move through the options, Enter chooses, Escape closes (a second Escape clears).
 */
(function () {
  "use strict";

  function init(wrapper) {
    var input = wrapper.querySelector("input[type=text]");
    var form = input && input.form;
    if (!input || !form) return;
    var listId = input.id + "-listbox";
    var statusId = input.id + "-status";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "combobox__listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", wrapper.querySelector("label").textContent.trim());
    list.hidden = true;

    var status = document.createElement("span");
    status.id = statusId;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    wrapper.classList.add("combobox");
    input.insertAdjacentElement("afterend", list);
    wrapper.appendChild(status);

    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;
    var controller = null;

    function open() {
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      options.forEach(function (option, i) {
        option.el.setAttribute("aria-selected", i === index ? "true" : "false");
        option.el.classList.toggle("is-active", i === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].el.id);
        options[index].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      list.textContent = "";
      options = results.map(function (result, i) {
        var el = document.createElement("li");
        el.id = input.id + "-option-" + i;
        el.className = "combobox__option";
        el.setAttribute("role", "option");
        el.setAttribute("aria-selected", "false");
        el.textContent = result.name + (result.country ? " (" + result.country + ")" : "");
        el.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
        });
        el.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(el);
        return { el: el, result: result };
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = results.length
        ? results.length + (results.length === 1 ? " suggestion" : " suggestions") + ", use the arrow keys"
        : "No suggestions";
      open();
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (!query) {
        render([]);
        status.textContent = "";
        return;
      }
      if (controller) controller.abort();
      controller = "AbortController" in window ? new AbortController() : null;
      var url = wrapper.dataset.source + "&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) render(data.results || []);
        })
        .catch(function () {});
    }

    function choose(index) {
      var option = options[index];
      if (!option) return;
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "a";
      hidden.value = option.result.slug;
      form.appendChild(hidden);
      input.value = "";
      input.disabled = true; // the choice travels as a slug, not as text
      close();
      form.submit();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("keydown", function (event) {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (list.hidden && options.length) open();
          if (options.length) setActive(active < options.length - 1 ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (list.hidden && options.length) open();
          if (options.length) setActive(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = null;
            render([]);
            status.textContent = "";
          }
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  document.querySelectorAll("[data-combobox]").forEach(init);
})();
