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

  // Focus an element that is not focusable by nature, without adding it to the tab order.
  function focusProgrammatically(element) {
    if (!element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // After htmx swaps in part of a page (a section opening as a form, saved, or back
  // with errors), put focus where the person carries on. htmx fires this on the new
  // content; ``event.detail.target`` is the element it replaced, already detached
  // after an outerHTML swap. The error summary always takes focus. Otherwise focus
  // moves only if it was lost with the link or button that was pressed: to the first
  // field of a form that opened, else to the heading of what came back.
  //
  // Parts swapped out of band (the submit panel beside a saved activity row) fire
  // htmx:afterSwap too, and before the part that was asked for: they never take focus.
  var outOfBand = {};
  document.addEventListener("htmx:beforeSwap", function () {
    outOfBand = {};
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail && event.detail.fragment;
    if (!fragment || !fragment.children) {
      return;
    }
    for (var i = 0; i < fragment.children.length; i++) {
      if (fragment.children[i].id) {
        outOfBand[fragment.children[i].id] = true;
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target;
    if (!(swapped instanceof Element) || !swapped.isConnected) {
      return;
    }
    if (swapped.id && outOfBand[swapped.id]) {
      return;
    }
    var summary = swapped.matches("[data-error-summary]")
      ? swapped
      : swapped.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      return;
    }
    var field = swapped.querySelector(
      "form input:not([type=hidden]):not([disabled]), form select:not([disabled]), form textarea:not([disabled])"
    );
    if (field) {
      field.focus();
      return;
    }
    focusProgrammatically(swapped.querySelector("h1, h2, h3") || swapped);
  });
})();
