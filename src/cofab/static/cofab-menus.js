/* The top bar's menus (<details class="nav-menu">) close on a click elsewhere or on Escape,
   as menus do; without JavaScript they still open and close from their own entry. */
(function () {
  "use strict";
  function closeAll(except) {
    document.querySelectorAll("details.nav-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.nav-menu") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeAll(null);
  });
})();
