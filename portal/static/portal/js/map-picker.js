// Place a location by clicking a map (directory/admin/map_picker.py): the click fills the
// latitude and longitude inputs of the same inline row; typing in them moves the marker. Rows
// added later ("Add location") are started when they appear.
(function () {
  "use strict";
  var SELECTOR = "[data-portal-map-picker]";
  var REGION = [12.6, 104.9]; // Cambodia, where most locations are
  var DIGITS = 6; // about 10 cm: more than a click can mean

  function input(prefix, name) {
    return document.getElementById("id_" + prefix + "-" + name);
  }

  function read(element) {
    var value = parseFloat(element.value);
    return isNaN(value) ? null : value;
  }

  function start(box) {
    var prefix = box.dataset.prefix;
    if (box.dataset.portalStarted || !prefix || prefix.indexOf("__prefix__") !== -1) return;
    var latitude = input(prefix, "latitude");
    var longitude = input(prefix, "longitude");
    if (!latitude || !longitude || !window.L) return;
    box.dataset.portalStarted = "1";

    var canvas = box.querySelector("[data-map-canvas]");
    var status = box.querySelector("[data-map-status]");
    var maxZoom = parseInt(box.dataset.maxZoom, 10) || 18;
    var map = L.map(canvas, { minZoom: 2, maxZoom: maxZoom });
    map.attributionControl.setPrefix(false);
    var labels = box.querySelector("script[type='application/json']");
    function withoutTiles() {
      // Province names at their centres, to aim by (set as text, never as markup).
      if (canvas.classList.contains("no-tiles")) return;
      canvas.classList.add("no-tiles");
      JSON.parse(labels.textContent).forEach(function (province) {
        var text = document.createElement("span");
        text.textContent = province[0];
        L.marker([province[1], province[2]], {
          icon: L.divIcon({ className: "portal-map-picker__label", html: text, iconSize: null }),
          interactive: false,
          keyboard: false,
        }).addTo(map);
      });
    }
    if (box.dataset.tileUrl) {
      var tiles = L.tileLayer(box.dataset.tileUrl, { maxZoom: maxZoom, attribution: box.dataset.tileAttribution || "" });
      var loaded = 0;
      var failed = 0;
      tiles.on("tileload", function () {
        loaded += 1;
      });
      tiles.on("tileerror", function () {
        failed += 1;
        if (failed >= 4 && loaded === 0 && map.hasLayer(tiles)) {
          map.removeLayer(tiles);
          withoutTiles();
        }
      });
      tiles.addTo(map);
    } else {
      withoutTiles();
    }
    var marker = null;

    function show(point) {
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.circleMarker(point, { radius: 8, weight: 3, color: "#a31a1a", fillOpacity: 0.6 }).addTo(map);
      }
    }

    function fromInputs() {
      var lat = read(latitude);
      var lng = read(longitude);
      if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
      return L.latLng(lat, lng);
    }

    var initial = fromInputs();
    if (initial) {
      map.setView(initial, 12);
      show(initial);
    } else {
      map.setView(REGION, 7);
    }

    map.on("click", function (event) {
      var point = event.latlng.wrap();
      latitude.value = point.lat.toFixed(DIGITS);
      longitude.value = point.lng.toFixed(DIGITS);
      [latitude, longitude].forEach(function (element) {
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
      show(point);
      status.textContent = box.dataset.pointSet.replace("__LAT__", latitude.value).replace("__LNG__", longitude.value);
    });

    [latitude, longitude].forEach(function (element) {
      element.addEventListener("change", function () {
        var point = fromInputs();
        if (point) {
          show(point);
          map.panTo(point);
        }
      });
    });

    // A map drawn in a hidden tab or a collapsed panel has no size: redraw when it gets one.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize();
      }).observe(canvas);
    }
  }

  function startWithin(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(SELECTOR)) start(root);
    root.querySelectorAll(SELECTOR).forEach(start);
  }

  function startAll() {
    startWithin(document.documentElement);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(startWithin);
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
