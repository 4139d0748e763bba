// Starts Wagtail's admin widgets from <script type="application/json" data-portal-init> elements
// (portal/admin_scripts.py), in document order, for the page as loaded and for forms added later.
// Only constructors and functions Wagtail puts on window can be called: the JSON names one.
// It also labels the input Wagtail's tag field adds (below).
(function () {
  "use strict";
  var SELECTOR = "script[type='application/json'][data-portal-init]";

  function start(element) {
    if (element.dataset.portalStarted) return;
    element.dataset.portalStarted = "1";
    var call = JSON.parse(element.textContent);
    var args = call.argsJson !== undefined ? JSON.parse(call.argsJson) : call.args;
    var target = window[call["new"] || call.call];
    if (typeof target !== "function") {
      throw new Error("admin-init: " + (call["new"] || call.call) + " is not loaded on this page");
    }
    if (call["new"]) {
      new (Function.prototype.bind.apply(target, [null].concat(args)))();
    } else {
      target.apply(window, args);
    }
  }

  // Wagtail's tag field (jQuery tag-it) types new tags into an input of its own that has no label:
  // give it the field's label, so a screen reader says "Topics" (axe: "label", critical).
  var TAG_INPUT = "ul.tagit input:not([aria-labelledby])";

  function labelTagInput(input) {
    var list = input.closest("ul.tagit");
    var field = list && list.previousElementSibling;
    if (field && field.id && document.getElementById(field.id + "-label")) {
      input.setAttribute("aria-labelledby", field.id + "-label");
    }
  }

  function startWithin(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(SELECTOR)) start(root);
    root.querySelectorAll(SELECTOR).forEach(start);
    if (root.matches(TAG_INPUT)) labelTagInput(root);
    root.querySelectorAll(TAG_INPUT).forEach(labelTagInput);
  }

  startWithin(document.documentElement);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) { mutation.addedNodes.forEach(startWithin); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
