// A form is sent once: a double click, or a second click while the server works, must not open
// two cases or post an answer twice. Back to a page the browser kept, its forms work again and
// its filters are those of its address. A form sent by htmx that fails says so.
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

  // Back (or forward) to a list, its filter form shows the filters of its address, as the server
  // wrote them, not what was picked there before leaving: the list would say one thing, the
  // form another, and the next "Lọc" would apply filters nobody chose.
  window.addEventListener("pageshow", function (event) {
    var nav = performance.getEntriesByType("navigation")[0];
    if (!event.persisted && !(nav && nav.type === "back_forward")) return;
    document.querySelectorAll("form[method=get]").forEach(function (form) {
      form.reset();
    });
  });

  // Typed text is not left behind unasked: a form marked data-keep (a draft's summaries, a
  // department's answer) that was typed in and not sent makes leaving the page ask first, and
  // so does one the server gave back unsaved (data-unsaved: a refused answer, a save conflict).
  var typed = new Set(document.querySelectorAll("form[data-keep][data-unsaved]"));
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-keep")) typed.add(form);
  });
  document.addEventListener("submit", function (event) {
    typed.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (typed.size === 0) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when a value is set
  });

  // htmx leaves a refused or unsent request unseen: the click would seem to do nothing. Say why
  // above what it would have replaced, in the server's words (its error page's), or that the
  // server could not be reached; the next answer that lands takes the note away.
  function say(event, reason) {
    var target = event.detail.target || event.detail.elt;
    var note = document.getElementById("htmx-refused") || document.createElement("div");
    note.id = "htmx-refused";
    note.className = "alert alert-danger py-2";
    note.setAttribute("role", "alert");
    note.textContent = reason;
    target.parentNode.insertBefore(note, target);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var why = page.querySelector("main .lead");
    say(event, why ? why.textContent.trim() : document.body.getAttribute("data-refused"));
  });
  document.addEventListener("htmx:sendError", function (event) {
    say(event, document.body.getAttribute("data-unsent"));
  });
  document.addEventListener("htmx:afterSwap", function () {
    var note = document.getElementById("htmx-refused");
    if (note) note.remove();
  });
})();
