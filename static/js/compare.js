// Progressive enhancement of the comparison links: without this file each link compares
// the one entry it is on, and lists compare the rows ticked. With it, the entries chosen
// are remembered (localStorage, per kind: "e" enterprises, "p" products), so that an
// entry's page offers to compare it with the ones chosen before.
(function () {
  "use strict";

  var MAX = 4;
  var PREFIX = "compare:";

  function stored(parameter) {
    try {
      var value = JSON.parse(window.localStorage.getItem(PREFIX + parameter) || "[]");
      return Array.isArray(value) ? value.filter(function (slug) { return typeof slug === "string"; }).slice(0, MAX) : [];
    } catch (error) {
      return [];
    }
  }

  function store(parameter, slugs) {
    try {
      window.localStorage.setItem(PREFIX + parameter, JSON.stringify(slugs.slice(0, MAX)));
    } catch (error) { /* storage refused: the links still work */ }
  }

  function address(base, parameter, slugs) {
    var url = new URL(base, window.location.href);
    url.search = "";
    url.searchParams.set(parameter, slugs.join(","));
    return url.pathname + url.search;
  }

  // The comparison page: what it shows is the selection now.
  var shown = document.getElementById("compare-selection");
  if (shown) {
    var selection = JSON.parse(shown.textContent);
    Object.keys(selection).forEach(function (parameter) {
      store(parameter, selection[parameter]);
    });
  }

  // An entry's page: "add to comparison" adds it to those chosen before.
  document.querySelectorAll("a.compare-add[data-compare-parameter]").forEach(function (link) {
    var parameter = link.dataset.compareParameter;
    var slug = link.dataset.compareSlug;
    var others = stored(parameter).filter(function (other) { return other !== slug; });
    var chosen = link.parentNode.querySelector("a.compare-chosen");
    if (others.length && chosen) {
      var slugs = others.slice(0, MAX - 1).concat([slug]);
      chosen.href = address(chosen.getAttribute("href"), parameter, slugs);
      chosen.textContent = chosen.getAttribute("data-label-" + (slugs.length - 1)) || "";
      chosen.hidden = false;
    }
  });
})();
