// Many-to-many fields chosen in Wagtail's snippet chooser (directory/admin/widgets.py): "Add" opens
// the chooser in multiple-selection mode; each chosen item becomes a list entry with a hidden input
// (what the form posts) and a "Remove" button. Text is set with textContent, never as markup.
(function () {
  "use strict";

  function chosenIds(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-chosen-item] input"), function (input) {
      return input.value;
    });
  }

  function addItem(root, id, label) {
    if (chosenIds(root).indexOf(id) !== -1) return;
    var item = document.createElement("li");
    item.className = "portal-multi-chooser__item";
    item.setAttribute("data-chosen-item", "");
    var text = document.createElement("span");
    text.className = "portal-multi-chooser__label";
    text.textContent = label;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = root.dataset.name;
    input.value = id;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button-small button-secondary";
    remove.setAttribute("data-remove", "");
    remove.setAttribute("aria-label", root.dataset.removeLabel.replace("__LABEL__", label));
    remove.textContent = root.dataset.removeText;
    item.append(text, input, remove);
    root.querySelector("[data-chosen-list]").appendChild(item);
  }

  function changed(root) {
    root.querySelector("[data-chosen-empty]").hidden = chosenIds(root).length > 0;
    // Wagtail's "unsaved changes" warning listens for change events on the form.
    root.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function start(root) {
    if (root.dataset.portalStarted) return;
    root.dataset.portalStarted = "1";
    var definition = root.querySelector("script[type='application/json']");
    var factory = window.telepath.unpack(JSON.parse(definition.textContent));
    var filters = JSON.parse(root.dataset.filters || "{}");
    root.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove]");
      if (remove) {
        var item = remove.closest("[data-chosen-item]");
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        changed(root);
        (next ? next.querySelector("[data-remove]") : root.querySelector("[data-add]")).focus();
        return;
      }
      if (!event.target.closest("[data-add]")) return;
      factory.openModal(
        function (results) {
          (Array.isArray(results) ? results : [results]).forEach(function (result) {
            addItem(root, String(result.id), result.string || result.title || String(result.id));
          });
          changed(root);
        },
        { multiple: true, linkedFieldFilters: filters }
      );
    });
  }

  function startAll() {
    document.querySelectorAll("[data-portal-multiple-chooser]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
