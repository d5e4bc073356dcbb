// Samverkan: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen reader and keyboard users hear what is wrong.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // A link in the error summary moves focus to its field, not only scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary__list a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After htmx swaps in a form with errors, focus its summary too.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.detail.target);
  });
})();
