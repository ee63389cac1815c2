// Dates are shown and typed dd/mm/yyyy whatever the browser's language: an English-language
// browser's own date field would ask for mm/dd/yyyy. Each date field gets flatpickr's visible
// field (day first, typing allowed, a calendar in the page's language) while the field the form
// sends keeps the ISO day the server reads. Without the library the browser's field remains.
(function () {
  "use strict";
  if (typeof flatpickr === "undefined") return;
  var locale = document.documentElement.lang === "vi" ? flatpickr.l10ns.vn : "default";
  var ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/;
  var TYPED = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})\s*$/;

  // The server's ISO days, and days typed 28/11/2026, 28.11.2026 or 28-11-2026; never a day
  // that does not exist (31/02 is refused, not moved to March).
  function parse(text) {
    var iso = ISO.exec(text), typed = TYPED.exec(text);
    var parts = iso ? [iso[1], iso[2], iso[3]] : typed ? [typed[3], typed[2], typed[1]] : null;
    if (!parts) return undefined;
    var year = +parts[0], month = +parts[1] - 1, day = +parts[2];
    var date = new Date(year, month, day);
    return date.getMonth() === month && date.getDate() === day ? date : undefined;
  }

  function dayFirst(root) {
    root.querySelectorAll("input[type=date]").forEach(function (input) {
      var picker = flatpickr(input, {
        dateFormat: "Y-m-d",
        altInput: true,
        altFormat: "d/m/Y",
        allowInput: true,
        clickOpens: false,  // opened by a click below, not by Tab: it would cover the next button
        parseDate: parse,
        errorHandler: function () {},  // a mistyped day is said below, not in the console
        locale: locale || "default",
        minDate: input.min || null,
        maxDate: input.max || null,
      });
      var shown = picker.altInput;
      if (!shown) return;  // a phone: the system's own picker, in the phone's language
      shown.placeholder = "dd/mm/yyyy";
      shown.addEventListener("click", function () { picker.open(); });
      if (input.id) {  // the label names the field that is typed in
        shown.id = input.id;
        input.id += "-iso";
      }
      // Typing means the calendar is not wanted: it would cover the button clicked next. The
      // typed day is read when the field is left; one that is no day (or out of the field's
      // range) stays as typed and stops the form with a message, instead of vanishing.
      var typed = "";
      shown.addEventListener("input", function () {
        typed = shown.value;
        shown.setCustomValidity("");
        picker.close();
      });
      shown.addEventListener("blur", function () {
        if (typed.trim() && picker.selectedDates.length === 0) {
          shown.value = typed;
          shown.setCustomValidity(refusal(parse(typed), input));
        }
        typed = "";
      });
    });
  }

  // Why a typed day was not taken, in the page's language: after the field's last day, before
  // its first, or no day at all.
  function refusal(day, input) {
    var body = document.body;
    var last = input.max && parse(input.max), first = input.min && parse(input.min);
    if (day && last && day > last) return body.getAttribute("data-after-max").replace("%s", written(last));
    if (day && first && day < first) return body.getAttribute("data-before-min").replace("%s", written(first));
    return body.getAttribute("data-bad-date");
  }

  function written(day) {
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return two(day.getDate()) + "/" + two(day.getMonth() + 1) + "/" + day.getFullYear();
  }

  if (typeof htmx !== "undefined") htmx.onLoad(dayFirst);  // and each part htmx swaps in
  else dayFirst(document);
})();
