// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // On wide screens the filters sit beside the results, so show them open; on a phone they
  // stay folded under their heading until asked for (or while a filter is active).
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details.filter-disclosure").forEach(function (details) {
      details.open = true;
    });
  }

  // A filter form sends only the filters in use, so the address to share stays short (the
  // server reads ?region=x&tier= as ?region=x anyway).
  document.querySelectorAll("form.filter-form").forEach(function (filters) {
    filters.addEventListener("submit", function () {
      filters.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") {
          field.disabled = true;
          window.setTimeout(function () { field.disabled = false; }, 0);
        }
      });
    });
  });

  // Suggestions under the header search box as you type (ARIA 1.2 combobox with a listbox).
  var form = document.querySelector("form.site-search[data-suggest-url]");
  var input = form && form.querySelector("input[type=search]");
  if (!input || !window.fetch) {
    return;
  }
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", form.dataset.suggestLabel || "Suggestions");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");

  var timer = null;
  var controller = null;
  var active = -1;

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var all = options();
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (suggestion, i) {
      var option = document.createElement("li");
      option.id = "suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = suggestion.url;
      var name = document.createElement("span");
      name.className = "suggestion-name";
      name.textContent = suggestion.name;
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = suggestion.label;
      option.appendChild(name);
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = suggestion.url;
      });
      list.appendChild(option);
    });
    var open = suggestions.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (!text) {
      close();
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var url = form.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
    fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (input.value.trim() === text) {
          render(data.suggestions || []);
        }
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 150);
  });

  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].dataset.url;
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () {
    window.setTimeout(close, 100);
  });
})();
