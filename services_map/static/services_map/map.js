/* Services map: our GeoJSON on Leaflet, clustered, one card per marker.
 *
 * Everything comes from the page: the GeoJSON URL, tile settings and translated strings
 * (data attributes and json_script blocks), so there is no inline script. Text from the
 * data is only ever set with textContent. Without tiles (no tile URL, or tiles failing to
 * load) the map draws markers and province names on a plain background.
 */
(function () {
  "use strict";

  var canvas = document.getElementById("services-map");
  if (!canvas || !window.L) {
    return;
  }
  var statusLine = document.getElementById("map-status");
  var strings = readJSON("map-strings");
  var provinces = readJSON("map-provinces") || [];
  var CAMBODIA = [12.57, 104.99];
  var CAMBODIA_BOX = L.latLngBounds([9.9, 102.3], [14.7, 107.7]);

  function readJSON(id) {
    var node = document.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (e) {
      return null;
    }
  }

  function t(key, values) {
    var text = (strings && strings[key]) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("%(" + name + ")s", values[name]);
    });
    return text;
  }

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = text;
    }
    return element;
  }

  function safePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "#";
  }

  // -- the map ------------------------------------------------------------------------------
  var fallback = canvas.querySelector(".map-fallback");
  if (fallback) {
    fallback.remove();
  }
  var maxZoom = parseInt(canvas.dataset.maxZoom, 10) || 18;
  var map = L.map(canvas, { minZoom: 4, maxZoom: maxZoom, zoomSnap: 0.5 });
  map.setView(CAMBODIA, 7);
  map.attributionControl.setPrefix(false);

  var labels = L.layerGroup(
    provinces.map(function (p) {
      return L.marker([p.c[1], p.c[0]], {
        icon: L.divIcon({ className: "province-label", html: node("span", null, p.n), iconSize: null }),
        interactive: false,
        keyboard: false,
      });
    })
  );

  function withoutTiles(reason) {
    canvas.classList.add("no-tiles");
    labels.addTo(map);
    canvas.dataset.tiles = "off";
    if (reason) {
      say(reason);
    }
  }

  var tileUrl = canvas.dataset.tileUrl;
  if (tileUrl) {
    var tiles = L.tileLayer(tileUrl, {
      maxZoom: maxZoom,
      attribution: canvas.dataset.tileAttribution || "",
    });
    var loaded = 0;
    var failed = 0;
    tiles.on("tileload", function () {
      loaded += 1;
    });
    tiles.on("tileerror", function () {
      failed += 1;
      if (failed >= 4 && loaded === 0 && map.hasLayer(tiles)) {
        map.removeLayer(tiles);
        withoutTiles(t("noTiles"));
      }
    });
    tiles.addTo(map);
    canvas.dataset.tiles = "on";
  } else {
    withoutTiles();
  }

  // -- markers ------------------------------------------------------------------------------
  var icons = {};
  function icon(approximate) {
    var key = approximate ? "approximate" : "exact";
    if (!icons[key]) {
      icons[key] = L.divIcon({
        className: "map-marker " + key,
        html: approximate ? "<span aria-hidden=\"true\">≈</span>" : "",
        iconSize: approximate ? [26, 26] : [18, 18],
        popupAnchor: [0, -8],
      });
    }
    return icons[key];
  }

  function freshnessText(p) {
    var line;
    if (p.v === undefined || p.v === null) {
      line = t("neverVerified");
    } else if (p.v === 0) {
      line = t("verifiedToday");
    } else {
      line = t(p.v === 1 ? "lastVerifiedOne" : "lastVerified", { days: p.v });
    }
    return line;
  }

  function card(p) {
    var root = node("div", "map-card");
    root.setAttribute("data-testid", "map-card");
    var title = node("h3", "map-card-title");
    var link = node("a", null, p.n);
    link.href = safePath(p.u);
    title.appendChild(link);
    root.appendChild(title);
    root.appendChild(node("p", "map-card-org", p.o));
    var families = (p.t || []).map(function (code) {
      return (strings.families && strings.families[code]) || code;
    });
    if (families.length) {
      root.appendChild(node("p", "map-card-types small", families.join(" · ")));
    }
    if (p.x) {
      root.appendChild(node("p", "badge warn", t("status") + ": " + p.x));
    }
    var where = node("p", "map-card-where small");
    if (p.a) {
      where.appendChild(node("strong", "badge approx", t("approximate")));
      where.appendChild(document.createTextNode(" " + (p.h || p.w || "")));
      where.setAttribute("data-testid", "map-card-approximate");
    } else {
      where.textContent = [p.l, p.w].filter(Boolean).join(", ");
    }
    root.appendChild(where);
    if (p.p && p.p.length) {
      var list = node("ul", "map-card-phones");
      p.p.forEach(function (phone) {
        var item = node("li");
        item.appendChild(node("span", "badge channel", phone[2]));
        item.appendChild(document.createTextNode(" "));
        if (phone[0]) {
          var tel = node("a", "tel", phone[0]);
          tel.href = String(phone[1]).indexOf("tel:") === 0 ? phone[1] : "#";
          item.appendChild(tel);
        }
        if (!phone[4]) {
          item.appendChild(document.createTextNode(" "));
          item.appendChild(node("span", "badge warn", t("unverifiedNumber")));
        }
        if (phone[3]) {
          item.appendChild(node("span", "phone-description small", " " + phone[3]));
        }
        list.appendChild(item);
      });
      root.appendChild(list);
    }
    var fresh = node("p", "map-card-freshness small", freshnessText(p));
    fresh.setAttribute("data-freshness", p.f);
    if (p.f === "overdue" || p.f === "orphaned" || p.f === "due") {
      fresh.appendChild(document.createTextNode(" "));
      fresh.appendChild(node("strong", "badge warn", t(p.f)));
    }
    root.appendChild(fresh);
    var open = node("a", "map-card-open", t("open"));
    open.href = safePath(p.u);
    root.appendChild(open);
    return root;
  }

  var POPUP_OPTIONS = { maxWidth: 320, minWidth: 220, autoPanPaddingTopLeft: [60, 20], autoPanPaddingBottomRight: [20, 20] };
  var whenClustered = null; // called once every marker of the GeoJSON has been clustered
  var cluster = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: function (processed, total) {
      if (processed === total && whenClustered) {
        // The last chunk draws its clusters right after this call, in the same task.
        window.setTimeout(whenClustered, 0);
        whenClustered = null;
      }
    },
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    spiderfyOnMaxZoom: true,
  });
  map.addLayer(cluster);
  // Leaflet pans to a card before its height is final; once laid out (and the pan done), bring
  // any part still outside the map (or under the zoom buttons) into view.
  function keepCardInView(popup) {
    var element = popup.isOpen() && popup.getElement();
    if (!element) {
      return;
    }
    var card = element.getBoundingClientRect();
    var box = canvas.getBoundingClientRect();
    var dx = 0;
    var dy = 0;
    if (card.top < box.top + 12) {
      dy = card.top - box.top - 12;
    }
    if (card.left < box.left + 56) {
      dx = card.left - box.left - 56;
    } else if (card.right > box.right - 12) {
      dx = card.right - box.right + 12;
    }
    if (dx || dy) {
      map.panBy([dx, dy]);
    }
  }
  map.on("popupopen", function (event) {
    window.setTimeout(function () {
      keepCardInView(event.popup);
    }, 300);
  });
  var byService = {};

  function addFeatures(collection) {
    var markers = [];
    (collection.features || []).forEach(function (feature) {
      var c = feature.geometry && feature.geometry.coordinates;
      var p = feature.properties || {};
      if (!c || typeof c[0] !== "number" || typeof c[1] !== "number") {
        return;
      }
      var label = p.n + " – " + p.o + (p.a ? " (" + t("approximate") + ")" : "");
      var marker = L.marker([c[1], c[0]], {
        icon: icon(Boolean(p.a)),
        title: label,
        keyboard: true,
        properties: p,
      });
      marker.bindPopup(function () {
        return card(p);
      }, POPUP_OPTIONS);
      (byService[p.s] = byService[p.s] || []).push(marker);
      markers.push(marker);
    });
    if (markers.length) {
      // Open on the markers in Cambodia when there are any (offices abroad would otherwise
      // zoom the first view out to half of Asia); otherwise on all of them. The view is set
      // before the markers are clustered, without animation, so the clusters are drawn once at
      // the final zoom instead of being drawn, animated and replaced.
      var home = markers.filter(function (m) {
        return CAMBODIA_BOX.contains(m.getLatLng());
      });
      var bounds = L.latLngBounds((home.length ? home : markers).map(function (m) { return m.getLatLng(); }));
      map.fitBounds(bounds, { maxZoom: 11, padding: [24, 24], animate: false });
    }
    var meta = collection.meta || {};
    var done = function () {
      // data-loaded says the map has settled: every marker clustered and drawn.
      canvas.dataset.loaded = String(markers.length);
      canvas.dataset.onMap = String(meta.onMap || 0);
      say(t("loaded", { on: meta.onMap || 0, n: meta.services || 0, approx: meta.approximate || 0 }));
    };
    if (markers.length) {
      whenClustered = done;
      cluster.addLayers(markers);
    } else {
      done();
    }
  }

  say(t("loading"));
  fetch(canvas.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(addFeatures)
    .catch(function () {
      canvas.dataset.loaded = "error";
      say(t("failed"));
    });

  // -- the list's "Show on map" buttons ---------------------------------------------------
  // The card opens at the service's place whether or not its marker is inside a cluster (places
  // that share an area centre never separate, however far one zooms in).
  function showService(id) {
    var markers = byService[id] || [];
    if (!markers.length) {
      return false;
    }
    var marker = markers[0];
    var latlng = marker.getLatLng();
    canvas.scrollIntoView({ block: "nearest" });
    map.closePopup();
    cluster.unspiderfy();
    map.setView(latlng, Math.max(map.getZoom(), 9), { animate: false });
    var popup = L.popup(POPUP_OPTIONS).setLatLng(latlng).setContent(card(marker.options.properties));
    popup.openOn(map);
    var target = popup.getElement() && popup.getElement().querySelector(".map-card-title a");
    if (target) {
      target.focus();
    }
    return true;
  }

  document.querySelectorAll(".show-on-map").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      showService(button.dataset.service);
    });
  });
})();
