/* Wide tables scroll sideways inside their box with a visible cue, instead of spilling out of
   their card or hiding columns without a word (issue 13: the KPI table hid 7 of 15 columns).
   A table wider than its container is wrapped in a .table-wrap; every .table-wrap that scrolls
   gets edge shadows (.more-left / .more-right) and a hint line above it. No build step. */
(function () {
  "use strict";

  function update(wrap) {
    var more = wrap.scrollWidth - wrap.clientWidth;
    var scrolls = more > 1;
    wrap.classList.toggle("scrolls", scrolls);
    wrap.classList.toggle("more-left", scrolls && wrap.scrollLeft > 1);
    wrap.classList.toggle("more-right", scrolls && wrap.scrollLeft < more - 1);
    var hint = wrap.cofabHint;
    if (hint) hint.hidden = !scrolls;
  }

  function wrapWideTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-wrap")) return;
      var parent = table.parentElement;
      if (!parent || table.getBoundingClientRect().width <= parent.clientWidth + 1) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap bare";
      parent.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }

  function setup(root) {
    wrapWideTables(root);
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (!wrap.cofabHint) {
        var hint = document.createElement("div");
        hint.className = "scroll-hint";
        hint.setAttribute("data-testid", "scroll-hint");
        hint.textContent = (document.body.dataset.scrollHint || "") + " →";
        hint.hidden = true;
        wrap.parentElement.insertBefore(hint, wrap);
        wrap.cofabHint = hint;
        wrap.addEventListener("scroll", function () { update(wrap); }, { passive: true });
      }
      update(wrap);
    });
  }

  var pending = null;
  function refresh() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { pending = null; setup(document); });
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  window.addEventListener("resize", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("toggle", refresh, true); /* a <details> opened: its tables now have a size */
})();
