"""Every payload of the XSS corpus, stored as a library item's title (and abstract, authors,
issuer) or an organization's and service's name, is shown as text on every listing, hit,
snippet, document page and citation; autocomplete and GeoJSON carry it as a JSON string; the
exports are downloads, never HTML. The records are written with update(), bypassing the
plain-text validator, as legacy rows would be."""

import json
import re
from pathlib import Path

import pytest

from directory.models import Organization, Service
from library.models import LibraryDocumentPage
from search import api
from search.engines import database_engine
from tests.services_map.conftest import add_location
from tests.xss import PAYLOADS, active_markup, shown_as_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def payload_items(library):
    """One published library item per payload; the payload in every plain-text field."""
    items = {}
    for n, payload in enumerate(PAYLOADS):
        page = library.add_child(
            instance=LibraryDocumentPage(title=f"Payload item {n}", slug=f"payload-{n}", year=2000 + n % 20)
        )
        LibraryDocumentPage.objects.filter(pk=page.pk).update(
            title=payload,
            draft_title=payload,
            abstract=f"Abstract before {payload} after",
            authors=f"Keo, {payload}",
            issuer_name=payload,
            alternative_titles=payload,
        )
        items[payload] = page
    api.rebuild(database_engine(), ["document"])
    return items


@pytest.fixture
def payload_orgs(make_org, make_service):
    """One organization per payload (its name), with a service of the same name on the map."""
    orgs = {}
    for n, payload in enumerate(PAYLOADS):
        org = make_org(f"Payload org {n}", slug=f"payload-org-{n}")
        service = make_service(org, f"Payload service {n}", terms=["PSY.COUNSEL"])
        add_location(org, lat=11.55 + n / 1000, lng=104.91, visibility="public")
        Organization.objects.filter(pk=org.pk).update(name=payload)
        Service.objects.filter(pk=service.pk).update(name=payload, description=f"Service {payload} text")
        orgs[payload] = org
    api.rebuild(database_engine(), ["organization", "service"])
    return orgs


def _pages(client, url):
    """The HTML of every page of a paginated listing starting at `url`."""
    out, page = [], 1
    while page < 20:
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}page={page}" if page > 1 else url)
        assert response.status_code == 200, url
        html = response.content.decode()
        out.append(html)
        if 'rel="next"' not in html:
            break
        page += 1
    return out


def _assert_text(htmls, payloads, where):
    joined = "\n".join(htmls)
    assert active_markup(joined) == [], where
    missing = [p for p in payloads if not shown_as_text(joined, p)]
    assert missing == [], f"{where}: not shown as escaped text: {missing[:3]}"


def _library_listing_hits_and_snippets(client):
    # Browsing (no words): every title as text, on every page of the list.
    _assert_text(_pages(client, "/library/"), PAYLOADS, "/library/")
    # Filtered views of the list.
    _assert_text(_pages(client, "/library/?doc_type=report"), PAYLOADS, "/library/?doc_type=report")
    # With words: titles and snippets marked, still text.
    for words in ("alert", "script", "onerror", "after"):
        htmls = _pages(client, f"/library/?q={words}")
        joined = "\n".join(htmls)
        assert "<mark>" in joined, words
        assert active_markup(joined) == [], words
        assert "&lt;" in joined
    html = client.get("/library/?q=before").content.decode()
    assert 'data-testid="snippet"' in html and "<mark>before</mark>" in html
    assert active_markup(html) == []


def _search_page_hits_and_browse(client, kinds, queries):
    for kind in kinds:
        _assert_text(_pages(client, f"/search/?kind={kind}"), PAYLOADS, f"/search/?kind={kind}")
    for words in queries:
        joined = "\n".join(_pages(client, f"/search/?q={words}"))
        assert active_markup(joined) == [], words
        assert "&lt;" in joined, words


def _autocomplete(client, extra_titles):
    seen = set()
    for typed in ("alert", "scrip", "onerr", "xss", "java", "payload"):
        response = client.get("/search/suggest/", {"q": typed})
        assert response["Content-Type"].startswith("application/json")
        results = json.loads(response.content)["results"]
        for item in results:
            assert isinstance(item["title"], str)
            seen.add(item["title"])
    assert seen & set(PAYLOADS), "autocomplete offered none of the payload titles"
    assert seen <= set(PAYLOADS) | set(extra_titles)


def _document_pages_and_citations(client):
    for n, payload in enumerate(PAYLOADS):
        response = client.get(f"/library/payload-{n}/")
        assert response.status_code == 200, payload
        html = response.content.decode()
        assert active_markup(html) == [], payload
        assert shown_as_text(html, payload), payload
        apa = re.search(r'data-testid="cite-apa">(.*?)</p>', html, re.S).group(1)
        assert apa.count("<i>") == 1 and shown_as_text(apa, payload), payload
        chicago = re.search(r'data-testid="cite-chicago">(.*?)</p>', html, re.S).group(1)
        assert chicago.count("<i>") == 1 and shown_as_text(chicago, payload), payload


def _exports_are_downloads_holding_the_payload_as_data(client):
    items = client.get("/library/export/json/")
    assert "html" not in items["Content-Type"] and "attachment" in items["Content-Disposition"]
    assert {entry["title"] for entry in json.loads(items.content)} == set(PAYLOADS)
    ris = client.get("/library/export/ris/")
    assert "html" not in ris["Content-Type"] and "attachment" in ris["Content-Disposition"]
    titles = {line[6:] for line in ris.content.decode().split("\r\n") if line.startswith("TI  - ")}
    assert titles == set(PAYLOADS)
    bib = client.get("/library/export/bib/")
    assert "html" not in bib["Content-Type"] and "attachment" in bib["Content-Disposition"]
    assert len(re.findall(r"^@\w+\{", bib.content.decode(), re.M)) == len(PAYLOADS)
    one = client.get("/library/payload-0/cite/json/")
    assert json.loads(one.content)[0]["title"] == PAYLOADS[0]


def _directory_and_map(client):
    _assert_text(_pages(client, "/directory/"), PAYLOADS, "/directory/")
    for n, payload in enumerate(PAYLOADS):
        html = client.get(f"/directory/payload-org-{n}/").content.decode()
        assert active_markup(html) == [], payload
        assert shown_as_text(html, payload), payload
    response = client.get("/map/services.geojson")
    assert response["Content-Type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert {f["properties"]["n"] for f in features} >= set(PAYLOADS)
    assert {f["properties"]["o"] for f in features} >= set(PAYLOADS)
    page = client.get("/map/").content.decode()
    assert active_markup(page) == []


def test_library_pages_show_every_payload_as_text(client, payload_items):
    """Listing (browse, filtered, with words), hits and snippets on /library/ and /search/,
    autocomplete, every document page with its citations, and the list exports."""
    _library_listing_hits_and_snippets(client)
    _search_page_hits_and_browse(client, ["document"], ["alert", "script", "onerror", "before"])
    _autocomplete(client, [f"Payload item {n}" for n in range(len(PAYLOADS))])
    _document_pages_and_citations(client)
    _exports_are_downloads_holding_the_payload_as_data(client)


def test_directory_search_and_map_show_every_payload_as_text(client, payload_orgs):
    """Organizations and services named with each payload (legacy rows): the directory listing
    and pages, search hits and browse, autocomplete, and the map's GeoJSON."""
    _directory_and_map(client)
    _search_page_hits_and_browse(client, ["organization", "service"], ["alert", "script", "onerror", "text"])
    _autocomplete(client, [f"Payload org {n}" for n in range(len(PAYLOADS))])


def test_the_map_builds_its_cards_from_text_nodes():
    """The map card is made by map.js: record text only ever goes through textContent or text
    nodes, never an HTML string."""
    source = (ROOT / "services_map" / "static" / "services_map" / "map.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser"):
        assert sink not in source, sink
    # Popups get the DOM node that card() builds; icons get a node or a fixed string.
    assert re.findall(r"bindPopup\((\w+)", source) == ["function"]
    assert re.findall(r"bindTooltip\(", source) == []
    assert set(re.findall(r"setContent\((\w+)\(", source)) == {"card"}
    for value in re.findall(r"\bhtml:\s*([^,}]+)", source):
        # node(...) sets textContent; otherwise only fixed strings (no record data, no "+").
        assert value.startswith("node(") or ("+" not in value and "p." not in value), value
    autocomplete = (ROOT / "portal" / "static" / "portal" / "js" / "autocomplete.js").read_text()
    assert "innerHTML" not in autocomplete and "textContent = r.title" in autocomplete


def test_no_template_prints_with_safe():
    """Templates never mark text safe: markup comes from format_html in Python, where every
    piece of record text is escaped."""
    offenders = []
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".svg", ".js"):
            text = path.read_text(encoding="utf-8")
            for pattern in (
                r"\|\s*safe\b",
                r"\|\s*safeseq\b",
                r"{%\s*autoescape\s+off",
                r"{%\s*filter\s+[^%]*safe",
            ):
                for match in re.finditer(pattern, text):
                    line = text.count("\n", 0, match.start()) + 1
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert offenders == []
