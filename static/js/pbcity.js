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
})();
