// Name suggestions under the search box. Progressive enhancement: without this script the form
// still submits to /search/. Keyboard: Down/Up move through suggestions, Enter opens, Escape closes.
(function () {
  "use strict";
  var box = document.querySelector(".autocomplete[data-suggest-url]");
  if (!box || !window.fetch) return;
  var input = box.querySelector("input[type=search]");
  var list = box.querySelector(".suggestions");
  var url = box.getAttribute("data-suggest-url");
  var timer = null, controller = null, active = -1;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function items() { return list.querySelectorAll("a"); }

  function select(index) {
    var links = items();
    if (!links.length) return;
    active = (index + links.length) % links.length;
    links.forEach(function (a, i) { a.setAttribute("aria-selected", i === active ? "true" : "false"); });
    links[active].focus();
  }

  function render(results) {
    list.textContent = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.url;
      a.id = "suggestion-" + i;
      a.setAttribute("role", "option");
      a.textContent = r.title;  // text, never HTML
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = r.kind_label || "";
      a.appendChild(kind);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
  }

  function lookup() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(q), { signal: controller ? controller.signal : undefined, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { render(data.results || []); })
      .catch(function () { /* offline or aborted: the plain search still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); select(0); }
    else if (e.key === "Escape") { close(); }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); select(active + 1); }
    else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (active <= 0) { input.focus(); active = -1; } else { select(active - 1); }
    } else if (e.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", function (e) { if (!box.contains(e.target)) close(); });
})();
