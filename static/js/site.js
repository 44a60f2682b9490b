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
})();
