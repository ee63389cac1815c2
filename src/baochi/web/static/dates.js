// Dates are shown and typed dd/mm/yyyy whatever the browser's language: an English-language
// browser's own date field would ask for mm/dd/yyyy. Each date field gets flatpickr's visible
// field (day first, typing allowed, a calendar in the page's language) while the field the form
// sends keeps the ISO day the server reads. Without the library the browser's field remains.
(function () {
  "use strict";
  if (typeof flatpickr === "undefined") return;
  var locale = document.documentElement.lang === "vi" ? flatpickr.l10ns.vn : "default";

  function dayFirst(root) {
    root.querySelectorAll("input[type=date]").forEach(function (input) {
      var picker = flatpickr(input, {
        dateFormat: "Y-m-d",
        altInput: true,
        altFormat: "d/m/Y",
        allowInput: true,
        locale: locale || "default",
        minDate: input.min || null,
        maxDate: input.max || null,
      });
      var shown = picker.altInput;
      if (!shown) return;  // a phone: the system's own picker, in the phone's language
      shown.placeholder = "dd/mm/yyyy";
      // Typing means the calendar is not wanted: it would cover the button clicked next. The
      // typed day is read when the field is left.
      shown.addEventListener("input", function () { picker.close(); });
      if (input.id) {  // the label names the field that is typed in
        shown.id = input.id;
        input.id += "-iso";
      }
    });
  }

  if (typeof htmx !== "undefined") htmx.onLoad(dayFirst);  // and each part htmx swaps in
  else dayFirst(document);
})();
