// "Use my location": asks the browser for the device's position only when the button is pressed,
// rounds it to three decimals (about 100 m) and reloads the list sorted by distance from it. The
// position goes to this portal only, in the address of the next page, and is not stored there.
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  if (!button || !("geolocation" in navigator)) return;
  var panel = document.querySelector("[data-near-me-panel]");
  var status = document.querySelector("[data-near-me-status]");
  if (panel) panel.hidden = false;
  function say(text) { if (status) status.textContent = text; }
  button.addEventListener("click", function () {
    button.disabled = true;
    say(button.getAttribute("data-asking") || "…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var params = new URLSearchParams(window.location.search);
        ["near", "lat", "lon", "page", "sort"].forEach(function (key) { params.delete(key); });
        params.set("lat", position.coords.latitude.toFixed(3));
        params.set("lon", position.coords.longitude.toFixed(3));
        window.location.assign(window.location.pathname + "?" + params.toString());
      },
      function () {
        button.disabled = false;
        say(button.getAttribute("data-refused") || "");
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
    );
  });
})();
