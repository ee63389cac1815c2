// A form is sent once: a double click, or a second click while the server works, must not open
// two cases or post an answer twice. Back to a page the browser kept, its forms work again.
(function () {
  "use strict";
  var BUTTONS = "button[type=submit], button:not([type]), input[type=submit]";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;  // htmx's own
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "");
    // Disabled now, the clicked button's name and value would be left out of what is sent.
    setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-sending", "");
        }
      });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("[data-sending]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("data-sending");
      });
    });
  });
})();
