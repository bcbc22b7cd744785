// Page behaviour that would otherwise sit in inline handlers, which the Content-Security-Policy forbids
// (docs/security.md). Loaded on every page by base.html.
(function () {
  "use strict";
  // <form data-reset-on-ok="X-Header">: after an htmx request, clear the form when the response
  // carries that header with the value "1" (e.g. the assembly sign-in desk after a successful sign-in).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reset-on-ok")) {
      return;
    }
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader(form.getAttribute("data-reset-on-ok")) === "1") {
      form.reset();
    }
  });

  // The phone menu (base.html): a disclosure button. The "js" class on <html> lets the stylesheet
  // collapse the menu on narrow screens only when this script runs; without it the menu stays open.
  document.documentElement.classList.add("js");
  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      return;
    }
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMenu);
  } else {
    setUpMenu();
  }
})();
