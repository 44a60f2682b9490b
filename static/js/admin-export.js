// The export form's "select all" box, bound here rather than by an inline handler, which
// the site's Content Security Policy blocks.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var toggle = document.getElementById("select-all-toggle");
  if (!toggle) {
    return;
  }
  var boxes = function () {
    return document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
  };
  toggle.addEventListener("change", function () {
    boxes().forEach(function (box) {
      box.checked = toggle.checked;
    });
  });
  // Unticking a field unticks "select all"; ticking the last one ticks it again.
  boxes().forEach(function (box) {
    box.addEventListener("change", function () {
      toggle.checked = Array.prototype.every.call(boxes(), function (b) { return b.checked; });
    });
  });
});
