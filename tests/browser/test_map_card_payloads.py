"""The map card is built in the browser by map.js: every XSS payload as a service, organization,
place, phone description or status is shown as text in the card, and nothing runs. The page,
Leaflet and map.js are served to Chromium from this checkout; the GeoJSON is made here."""

import json
from pathlib import Path

from tests.xss import PAYLOADS

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://portal.test"
FILES = {
    "/static/leaflet.js": ROOT / "node_modules" / "leaflet" / "dist" / "leaflet.js",
    "/static/leaflet.markercluster.js": ROOT
    / "node_modules"
    / "leaflet.markercluster"
    / "dist"
    / "leaflet.markercluster.js",
    "/static/map.js": ROOT / "services_map" / "static" / "services_map" / "map.js",
}


def _feature(n, payload):
    props = {
        "s": n,
        "n": payload,
        "o": payload,
        "u": "/directory/payload/",
        "t": [payload],
        "x": payload,
        "w": payload,
        "l": payload,
        "p": [[payload, "tel:+85512000000", payload, payload, 0]],
        "f": "fresh",
        "v": 0,
    }
    if n % 2:
        props.update(a=1, h=payload)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [104.9 + n / 100, 11.5]},
        "properties": props,
    }


def _page():
    buttons = "".join(
        f'<button class="show-on-map" data-service="{n}" hidden>show</button>' for n in range(len(PAYLOADS))
    )
    provinces = json.dumps([{"n": p, "c": [104.0 + i / 50, 12.0]} for i, p in enumerate(PAYLOADS)]).replace(
        "<", "\\u003c"
    )
    strings = json.dumps({"loaded": "%(on)s", "approximate": "approx", "open": "Open", "status": "Status"})
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>map</title>
<script src="/static/leaflet.js"></script><script src="/static/leaflet.markercluster.js"></script>
<script src="/static/map.js" defer></script></head><body>
<div id="services-map" style="width:800px;height:600px" data-geojson-url="/map/services.geojson"
 data-tile-url="" data-max-zoom="18"></div><p id="map-status"></p>{buttons}
<script type="application/json" id="map-provinces">{provinces}</script>
<script type="application/json" id="map-strings">{strings}</script></body></html>"""


def test_every_payload_is_text_in_the_map_card(page):
    dialogs, requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    geojson = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [_feature(n, p) for n, p in enumerate(PAYLOADS)],
            "meta": {},
        }
    )

    def serve(route):
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        requests.append(path)
        if path == "/map/":
            route.fulfill(status=200, content_type="text/html", body=_page())
        elif path == "/map/services.geojson":
            route.fulfill(status=200, content_type="application/geo+json", body=geojson)
        elif path in FILES:
            route.fulfill(status=200, content_type="text/javascript", body=FILES[path].read_text())
        else:
            route.fulfill(status=404, body="")

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", serve)
    page.goto(f"{ORIGIN}/map/")
    page.wait_for_function(f"() => document.getElementById('services-map').dataset.loaded === '{len(PAYLOADS)}'")
    for n, payload in enumerate(PAYLOADS):
        page.locator(f'.show-on-map[data-service="{n}"]').dispatch_event("click")
        # The previous card fades out: wait until only this one is left.
        page.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1")
        card = page.locator(".leaflet-popup-content .map-card")
        card.wait_for()
        assert card.locator(".map-card-title a").text_content() == payload
        assert card.locator(".map-card-org").text_content() == payload
        injected = card.evaluate(
            """root => [...root.querySelectorAll('*')].filter(el =>
                 !['DIV', 'H3', 'A', 'P', 'UL', 'LI', 'SPAN', 'STRONG'].includes(el.tagName) ||
                 [...el.attributes].some(a => a.name.startsWith('on')))
               .map(el => el.outerHTML.slice(0, 80))"""
        )
        assert injected == [], payload
        assert payload in card.text_content()
    # Province labels (built from the page's JSON) are text too.
    labels = page.evaluate("[...document.querySelectorAll('.province-label')].map(el => el.textContent)")
    assert set(labels) == set(PAYLOADS)
    bad = page.evaluate(
        """[...document.querySelectorAll('#services-map *')].filter(el =>
             ['SCRIPT', 'IMG', 'SVG', 'IFRAME', 'OBJECT', 'STYLE', 'LINK', 'BASE', 'META', 'FORM', 'INPUT'].includes(el.tagName.toUpperCase())
             && !el.closest('.leaflet-pane.leaflet-tile-pane')).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert bad == []
    assert dialogs == [] and errors == []
    assert not [r for r in requests if "xss" in r]
