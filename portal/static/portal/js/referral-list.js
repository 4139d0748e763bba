/* The referral list, kept in this browser only (localStorage, one key), never sent anywhere but in
 * the list page's own address: [{k: "o" | "s", id: "<uuid>"}], organizations' and services'
 * public HSDS ids, at most `max` entries. Nothing about the person being referred goes in.
 *
 * - Any element with data-list-add="o:<uuid>" or "s:<uuid>" (rendered `hidden`, so visitors
 *   without JavaScript see no dead button) is shown and toggles that entry (aria-pressed).
 * - Any element with data-list-count shows "My list (N)", linking to the list page with the
 *   stored ids as its query string.
 * - On the list page (/directory/list/): with no ids in the address, go to the stored list's
 *   address; Remove takes an entry off (off the stored list too when the page is the stored list);
 *   a list opened from someone else's link can be saved on this device (added to the stored list);
 *   Print, Share (Web Share API) and Copy link where the browser has them.
 * Labels and the page's address come from the server (#referral-list-config, a JSON data block).
 */
(function () {
  "use strict";

  var KEY = "mpp-referral-list";
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  var config = {
    url: "/directory/list/",
    max: 30,
    add: "Add to referral list",
    on: "On your list \u2713",
    count: "My list (%(count)s)",
    full: "Your list is full.",
    saved: "Saved on this device \u2713",
    copied: "Link copied \u2713",
    title: "Referral list"
  };

  function readConfig() {
    var node = document.getElementById("referral-list-config");
    if (!node) return;
    try {
      var data = JSON.parse(node.textContent);
      Object.keys(data).forEach(function (key) { config[key] = data[key]; });
    } catch (e) { /* keep the defaults */ }
  }

  function entry(kind, id) {
    id = String(id || "").trim().toLowerCase();
    if ((kind !== "o" && kind !== "s") || !UUID.test(id)) return null;
    return { k: kind, id: id };
  }

  function parseRef(text) {
    var parts = String(text || "").split(":");
    return parts.length === 2 ? entry(parts[0], parts[1]) : null;
  }

  function same(a, b) { return a.k === b.k && a.id === b.id; }

  function contains(list, ref) { return list.some(function (e) { return same(e, ref); }); }

  function clean(list) {
    var out = [];
    (Array.isArray(list) ? list : []).forEach(function (item) {
      var ref = item && entry(item.k, item.id);
      if (ref && !contains(out, ref) && out.length < config.max) out.push(ref);
    });
    return out;
  }

  function load() {
    try {
      return clean(JSON.parse(window.localStorage.getItem(KEY) || "[]"));
    } catch (e) {
      return [];
    }
  }

  function store(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(clean(list)));
    } catch (e) { /* storage refused (private mode, full): the page still works from its URL */ }
    refresh();
  }

  function listUrl(list) {
    if (!list.length) return config.url;
    return config.url + "?" + list.map(function (e) { return e.k + "=" + e.id; }).join("&");
  }

  function fromSearch(search) {
    var out = [];
    new URLSearchParams(search).forEach(function (value, name) {
      var ref = entry(name, value);
      if (ref && !contains(out, ref)) out.push(ref);
    });
    return out;
  }

  // -- buttons and the count link, on every page ---------------------------------------------

  function refresh() {
    var list = load();
    document.querySelectorAll("[data-list-add]").forEach(function (el) {
      var ref = parseRef(el.getAttribute("data-list-add"));
      if (!ref) return;
      var on = contains(list, ref);
      if (el.tagName !== "BUTTON") {
        el.setAttribute("role", "button");
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
      }
      el.setAttribute("aria-pressed", on ? "true" : "false");
      el.textContent = on ? config.on : config.add;
      el.hidden = false;
    });
    document.querySelectorAll("[data-list-count]").forEach(function (el) {
      var link = el.tagName === "A" ? el : el.querySelector("a");
      if (!link) {
        link = document.createElement("a");
        el.appendChild(link);
      }
      link.textContent = config.count.replace("%(count)s", String(list.length));
      link.href = listUrl(list);
      el.hidden = false;
    });
  }

  function toggle(el) {
    var ref = parseRef(el.getAttribute("data-list-add"));
    if (!ref) return;
    var list = load();
    if (contains(list, ref)) {
      store(list.filter(function (e) { return !same(e, ref); }));
    } else if (list.length >= config.max) {
      el.textContent = config.full;
    } else {
      list.push(ref);
      store(list);
    }
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-list-add]");
    if (el) {
      event.preventDefault();
      toggle(el);
    }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target.closest && event.target.closest("[data-list-add]");
    if (el && el.tagName !== "BUTTON" && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(el);
    }
  });
  // Another tab changed the list: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) refresh();
  });

  // -- the list page ---------------------------------------------------------------------------

  function each(root, selector, fn) {
    root.querySelectorAll(selector).forEach(fn);
  }

  function listPage() {
    var root = document.querySelector("[data-referral-list-page]");
    if (!root) return;
    var stored = load();
    if (root.getAttribute("data-asked") !== "1") {
      // "My list" without ids (a bookmark, a link without JavaScript): open the stored list.
      if (stored.length) window.location.replace(listUrl(stored));
      return;
    }
    var asked = fromSearch(window.location.search);
    var own = asked.length === stored.length && asked.every(function (e) { return contains(stored, e); });
    var shown = [];
    each(root, "[data-list-entry]", function (el) {
      var ref = parseRef(el.getAttribute("data-list-entry"));
      if (ref) shown.push(ref);
    });

    each(root, "[data-list-print]", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });

    each(root, "[data-list-remove]", function (button) {
      var ref = parseRef(button.getAttribute("data-list-remove"));
      if (!ref) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var rest = function (list) { return list.filter(function (e) { return !same(e, ref); }); };
        if (own) {
          store(rest(load()));
          window.location.replace(listUrl(load()));
        } else {
          window.location.replace(listUrl(rest(asked)));
        }
      });
    });

    if (!own) {
      // Opened from someone's link: it can be added to the list kept on this device.
      each(root, "[data-list-save]", function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var list = load();
          shown.forEach(function (ref) { if (!contains(list, ref)) list.push(ref); });
          store(list);
          button.textContent = config.saved;
          window.location.assign(listUrl(load()));
        });
      });
    } else if (root.querySelector("[data-testid=list-unavailable]")) {
      each(root, "[data-list-prune]", function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          store(load().filter(function (e) { return contains(shown, e); }));
          window.location.replace(listUrl(load()));
        });
      });
    }

    var input = root.querySelector(".list-share-url");
    var url = input ? input.value : window.location.href;
    if (input) input.addEventListener("focus", function () { input.select(); });
    if (navigator.share) {
      each(root, "[data-list-share]", function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.share({ title: config.title, url: url }).catch(function () { /* dismissed */ });
        });
      });
    }
    if (navigator.clipboard && window.isSecureContext) {
      each(root, "[data-list-copy]", function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(url).then(function () { button.textContent = config.copied; });
        });
      });
    }
  }

  function start() {
    readConfig();
    refresh();
    listPage();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
