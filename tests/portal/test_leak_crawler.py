"""The leak crawler: every route Django's resolver knows, crawled as an anonymous visitor and as
a partner, with markers seeded at every tier (tests/portal/leak_markers.py).

* Routes are discovered from `get_resolver()` (recursively, and through Wagtail's page serving
  into each page's routable sub-routes); path parameters are filled from `parameters()`, a table
  keyed by parameter name, so a new route is crawled without editing this test. A route that
  cannot be filled and is not in `SKIPPED` with a reason fails the test.
* Each response (body and headers, whatever the format: HTML, JSON, CSV, vCard, RIS, BibTeX,
  GeoJSON) is scanned for every marker the viewer may not see, after removing what merely
  repeats the request (a search box keeps its query). Same-site links are followed breadth-first.
* Probes exercise what is *derived* from records: ?q= with each hidden word and a one-letter-off
  variant, autocomplete prefixes, facet values, and bounding boxes around hidden points.
* Every leak is collected and reported at once: viewer, URL, marker and an excerpt.

The focused tests at the end compare answers instead of scanning them: a hidden word, topic,
prefix or point must be answered exactly like one that does not exist.
"""

import itertools
import json
import re
from collections import deque
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
    get_page_models,
)

from library import citations
from portal.language_middleware import has_language_versions
from search import api
from search.engines import database_engine

from .leak_markers import (
    ANONYMOUS,
    COMMUNE,
    PARTNER,
    echo_forms,
    one_letter_off,
    readable,
    remove_echoes,
    seed,
)

MAX_LINKS = 300  # followed links per viewer, beyond the routes and probes
MIN_DISTINCT_URLS = 150  # the anonymous crawl must fetch at least this many
MAX_FILLS_PER_ROUTE = 40

# Route prefixes (as the resolver prints them) that are not crawled, and why.
SKIPPED = {
    "admin/": "Wagtail admin: every view requires admin access; test_admin_is_closed_to_viewers checks "
    "that anonymous visitors and partners are sent to sign in, and /admin/ itself is crawled",
    "accounts/logout/": "ends the session (POST only); the partner's crawl must stay signed in",
    "_util/authenticate_with_password/": "Wagtail's page-password form (POST target); the portal sets no "
    "page view restrictions, so there is no id to fill",
}
# Links never followed: static assets (build output, no records), sign-out, the admin (above).
NOT_FOLLOWED = re.compile(r"^/(static/|admin/.|accounts/logout/|_util/authenticate_with_password/)")


# -- route discovery ---------------------------------------------------------------------------
@dataclass
class Route:
    display: str  # e.g. "directory/<slug:slug>/vcard/"
    name: str
    parts: tuple  # the pattern objects from the root to the leaf

    @property
    def skip_reason(self):
        for prefix, reason in SKIPPED.items():
            if self.display.startswith(prefix):
                return reason
        return None


def discover(resolver=None, parts=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = parts + (entry.pattern,)
        if isinstance(entry, URLResolver):
            yield from discover(entry, here)
        elif isinstance(entry, URLPattern):
            yield Route("".join(str(p) for p in here), entry.name or "", here)


def parameters(seeded):
    """Values for each path parameter, by name (a new route with a known name is filled without
    editing this table; a new name makes test_every_route_is_crawled fail until it is added)."""
    from directory.models import Area

    orgs = [seeded.org, seeded.draft_org]
    areas = [Area.objects.get(key=k) for k in ("KH:02", "KH", "TH")]
    pages = Page.objects.filter(depth__gt=1).order_by("pk")
    return {
        "slug": [o.slug for o in orgs] + [a.slug for a in areas] + ["no-such-slugqz"],
        "id": [str(o.translation_key) for o in orgs] + ["00000000-0000-0000-0000-000000000000"],
        "kind": ["org", "service"],
        "pk": [pk for _kind, pk in seeded.contacts],
        "fmt": list(citations.FORMATS) + ["csv"],
        "restriction_id": list(CollectionViewRestriction.objects.values_list("pk", flat=True)),
        "page_view_restriction_id": list(PageViewRestriction.objects.values_list("pk", flat=True)),
        "page_id": [p.pk for p in pages],
        "collection_id": list(Collection.objects.values_list("pk", flat=True)),
        **hsds_api_ids(orgs),
    }


def hsds_api_ids(orgs):
    """Real HSDS ids of the seeded records for the /api/hsds/v3/ routes (every service and
    service_at_location of the seeded organizations, drafts included), plus an unknown one."""
    from directory.hsds import serialize
    from directory.models import Service, ServiceAtLocation, TaxonomyTerm

    unknown = "00000000-0000-0000-0000-000000000000"
    services = Service.objects.filter(organization__in=orgs)
    links = ServiceAtLocation.objects.filter(service__in=services).select_related("service__organization")
    terms = TaxonomyTerm.objects.filter(code__in=["SHELTER", "SHELTER.SHORT", "LEGAL", "RECEPT"])
    return {
        "organization_id": [str(o.translation_key) for o in orgs] + [unknown],
        "service_id": [str(s.translation_key) for s in services] + [unknown],
        "service_at_location_id": [serialize.service_at_location_id(link.service.organization, link.pk) for link in links]
        + [unknown],
        "taxonomy_id": [t["id"] for t in serialize.taxonomies()] + [unknown],
        "taxonomy_term_id": [serialize.term_id(t) for t in terms] + [unknown],
        "unknown_path": ["no-such-endpoint"],
    }


# Routes written as regular expressions with unnamed groups: values for the groups, by route name.
POSITIONAL = {
    "wagtaildocs_serve": lambda seeded: [(d.pk, d.filename) for d in seeded.documents],
}

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _fill_route_pattern(text, table):
    """['directory/a/', ...] for 'directory/<slug:slug>/', or None when a parameter is unknown."""
    names = [m.group("name") for m in _PARAM.finditer(text)]
    if not names:
        return [text]
    if any(not table.get(n) for n in names):
        return None
    combos = itertools.islice(itertools.product(*(table[n] for n in names)), MAX_FILLS_PER_ROUTE)
    return [_substitute(text, combo) for combo in combos]


def _substitute(text, combo):
    values = iter(combo)
    return _PARAM.sub(lambda _m: str(next(values)), text)


def _fill_regex_pattern(regex, table, positional):
    """Fill a regular-expression pattern: named groups from the table, unnamed groups from the
    route's positional values. None when it cannot be filled."""
    body = regex.removeprefix("^").removesuffix("$")
    pieces, groups, i = [], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            pieces.append(body[i + 1])
            i += 2
        elif body[i] == "(":
            depth, j = 1, i + 1
            while depth and j < len(body):
                depth += {"(": 1, ")": -1}.get(body[j], 0) if body[j - 1] != "\\" else 0
                j += 1
            group = body[i:j]
            named = re.match(r"\(\?P<(\w+)>", group)
            groups.append(named.group(1) if named else None)
            pieces.append(None)
            i = j
        elif body[i] in "[]*+?.|{}":
            return None  # a literal part we cannot write out
        else:
            pieces.append(body[i])
            i += 1
    if not groups:
        return ["".join(pieces)]
    if all(g is not None for g in groups):
        if any(not table.get(g) for g in groups):
            return None
        combos = itertools.islice(itertools.product(*(table[g] for g in groups)), MAX_FILLS_PER_ROUTE)
    elif positional is not None:
        combos = positional
    else:
        return None
    out = []
    for combo in combos:
        values = iter(combo)
        out.append("".join(str(next(values)) if p is None else p for p in pieces))
    return out


def fill(route, table, seeded):
    """Concrete paths for a route, or None when a part cannot be filled."""
    paths = [""]
    positional = POSITIONAL.get(route.name)
    for part in route.parts:
        if isinstance(part, RoutePattern):
            filled = _fill_route_pattern(str(part), table)
        elif isinstance(part, RegexPattern):
            filled = _fill_regex_pattern(part._regex, table, positional(seeded) if positional else None)
        else:  # LocalePrefixPattern and others: their own text
            filled = [str(part)]
        if filled is None:
            return None
        paths = [p + f for p in paths for f in filled][:MAX_FILLS_PER_ROUTE]
    return ["/" + p for p in paths]


def wagtail_urls(table):
    """Wagtail's page serving: every page (live or draft) and each routable page's sub-routes,
    as {pattern id: [paths]}; a page model without any page is reported as not crawled."""
    site = Site.objects.get(is_default_site=True)
    root = site.root_page.url_path
    found, unfilled = {}, {}
    for page in Page.objects.filter(depth__gt=1).specific().order_by("pk"):
        if not page.url_path.startswith(root):
            continue
        base = "/" + page.url_path[len(root) :]
        model = page._meta.label
        found.setdefault(f"wagtail page {model}", []).append(base)
        for sub in getattr(page, "get_subpage_urls", lambda: [])():
            key = f"wagtail page {model} route {sub.pattern}"
            filled = _fill_route_pattern(str(sub.pattern), table)
            if filled is None:
                unfilled[key] = "a parameter of this routable-page route has no value in parameters()"
                continue
            found.setdefault(key, []).extend(base + f for f in filled)
    for model in get_page_models():
        if model is Page:
            continue
        if not any(k.startswith(f"wagtail page {model._meta.label}") for k in found):
            unfilled[f"wagtail page {model._meta.label}"] = "no page of this type exists in the crawl's data"
    return found, unfilled


def route_urls(seeded):
    """({pattern: [paths]}, {pattern: reason not crawled})."""
    table = parameters(seeded)
    crawl, not_crawled = {}, {}
    for route in discover():
        reason = route.skip_reason
        if reason:
            not_crawled[route.display] = f"skipped: {reason}"
            continue
        if route.name == "wagtail_serve":
            pages, unfilled = wagtail_urls(table)
            crawl.update(pages)
            not_crawled.update(unfilled)
            continue
        paths = fill(route, table, seeded)
        if paths is None:
            not_crawled[route.display] = "NOT FILLED: a path parameter has no value in parameters()"
            continue
        crawl[route.display] = paths
    crawl["admin/ (entry only)"] = ["/admin/"]
    return crawl, not_crawled


# -- probes ------------------------------------------------------------------------------------
SEARCH_ENDPOINTS = ["/search/", "/directory/", "/library/", "/map/", "/map/services.geojson"]
CONTROL_WORD = "Zyqvoxbrumtelk"  # exists nowhere


def bbox_around(point, half=0.0005):
    lat, lng = point
    return f"{lng - half:.6f},{lat - half:.6f},{lng + half:.6f},{lat + half:.6f}"


EMPTY_SPOT = (14.231, 107.386)  # north-east Cambodia: no record of the test data near it


def probe_urls(seeded, viewer):
    """Requests that exercise derived data: search words and near-misses, autocomplete
    prefixes, facet values, bounding boxes."""
    urls = []
    for marker in seeded.markers[viewer]:
        if not marker.word:
            continue
        # (Every search box gets every word in the focused tests below, compared with nothing.)
        word = marker.word
        urls += [f"/search/?{urlencode({'q': word})}", f"/search/suggest/?{urlencode({'q': word[:-2]})}"]
        if word.isalpha() and len(word) > 5:
            off = one_letter_off(word)
            urls += [f"/search/?{urlencode({'q': off})}", f"/library/?{urlencode({'q': off})}"]
    hidden_tiers = {"partners", "restricted"} if viewer == ANONYMOUS else {"restricted"}
    for slug, tier in seeded.hidden_topics:
        if tier in hidden_tiers:
            urls += [
                f"/search/?topic={slug}",
                f"/library/?topic={slug}",
                f"/library/export/ris/?topic={slug}",
            ]
    for issuer, tier in seeded.hidden_issuers:
        if tier in hidden_tiers:
            urls += [
                f"/search/?{urlencode({'issuer': issuer})}",
                f"/library/?{urlencode({'issuer': issuer})}",
            ]
    for _name, (point, tier) in seeded.points.items():
        if tier in hidden_tiers:
            urls.append(f"/map/services.geojson?bbox={bbox_around(point)}")
            urls.append(f"/map/?bbox={bbox_around(point)}")
            # The HSDS API's distance filter around a hidden point finds nothing hidden.
            near = urlencode({"proximity": 200, "latitude": point[0], "longitude": point[1], "full": "true"})
            urls.append(f"/api/hsds/v3/service_at_locations?{near}")
    # The HSDS API's lists, nested in full and as NDJSON (the routes alone give their defaults).
    for endpoint in ("organizations", "services", "service_at_locations"):
        urls += [f"/api/hsds/v3/{endpoint}?full=true", f"/api/hsds/v3/{endpoint}?format=ndjson&full=true"]
        urls.append(f"/api/hsds/v3/{endpoint}?{urlencode({'search': 'crawler', 'full': 'true'})}")
    urls += ["/api/hsds/v3/organizations?full_service=true", "/api/hsds/v3/services?minimal=true"]
    urls += [f"/api/hsds/v3/organizations/{seeded.org.translation_key}?full_service=true"]
    return urls


# -- crawling ----------------------------------------------------------------------------------
@dataclass
class Leak:
    viewer: str
    url: str
    label: str
    found: str
    excerpt: str

    def line(self):
        return f"  [{self.viewer}] {self.label}: {self.url}\n      found {self.found!r} in …{self.excerpt}…"


_LINK = re.compile(r"""(?<=["'\s=(])(?:https?://testserver)?(/(?!/)[^\s"'<>)\\]*)""")


def url_key(url):
    """Path and sorted query; a sign-in page's ?next= (every page links to one) is left out."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "next")
    return parts.path + "?" + urlencode(query)


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class Crawler:
    def __init__(self, client, viewer, markers):
        self.client, self.viewer, self.markers = client, viewer, markers
        self.seen = {}  # key -> (status, content type)
        self.leaks, self.errors = [], []
        self.shown = {}  # marker label -> first url where the viewer saw it (for non-vacuity)

    def fetch(self, url):
        key = url_key(url)
        if key in self.seen:
            return []
        response = self.client.get(url)
        content_type = response.get("Content-Type", "")
        self.seen[key] = (response.status_code, content_type)
        if response.status_code >= 500:
            self.errors.append(f"  [{self.viewer}] {response.status_code} {url}")
        raw = body_of(response)
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        text = readable(raw, content_type) + "\n" + readable(headers.encode())
        parts = urlsplit(url)
        echoes = [parts.path] + [v for _k, v in parse_qsl(parts.query)] + parts.path.strip("/").split("/")
        self.scan(url, remove_echoes(text, echoes))
        links = []
        if response.status_code in (301, 302, 303, 307, 308):
            links.append(response["Location"])
        if "image/" not in content_type:
            links += _LINK.findall(raw.decode("utf-8", errors="replace"))
        return [link.replace("&amp;", "&").split("#")[0] for link in links]

    def scan(self, url, text):
        lower = text.lower()
        for marker in self.markers:
            hit = marker.find(lower, text)
            if hit is None:
                continue
            at, found = hit
            excerpt = " ".join(text[max(0, at - 60) : at + len(found) + 60].split())
            self.leaks.append(Leak(self.viewer, url, marker.label, found, excerpt))

    def crawl(self, urls, follow=True):
        queue = deque(urls)
        followed = 0
        while queue:
            url = queue.popleft()
            links = self.fetch(url)
            if not follow:
                continue
            for link in links:
                if link.startswith("http://testserver"):
                    link = link[len("http://testserver") :]
                if not link.startswith("/") or NOT_FOLLOWED.match(link) or len(link) > 600:
                    continue
                if url_key(link) in self.seen or followed >= MAX_LINKS:
                    continue
                if link not in queue:
                    queue.append(link)
                    followed += 1
        return self


def report(crawler, title):
    by_marker = {}
    for leak in crawler.leaks:
        by_marker.setdefault(leak.label, []).append(leak)
    lines = [
        f"{title}: {len(crawler.leaks)} leak(s) of {len(by_marker)} marker(s) in {len(crawler.seen)} URLs"
    ]
    for label, leaks in sorted(by_marker.items()):
        lines.append(f"- {label}: {len(leaks)} response(s)")
        lines += [leak.line() for leak in leaks[:6]]
        if len(leaks) > 6:
            lines.append(
                f"      … and {len(leaks) - 6} more: " + ", ".join(sorted({x.url for x in leaks[6:]})[:10])
            )
    if crawler.errors:
        lines.append("Server errors:")
        lines += crawler.errors[:30]
    return "\n".join(lines)


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture
def seeded(db, make_org, make_service, django_capture_on_commit_callbacks):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world = seed(make_org, make_service)  # file text is extracted when the seed commits
    api.rebuild(database_engine())
    cache.clear()
    yield world
    cache.clear()


def viewer_client(viewer, language="en"):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    if viewer == PARTNER:
        group, _ = Group.objects.get_or_create(name="Partners")
        user = User.objects.filter(username="crawler-partner").first() or User.objects.create_user(
            "crawler-partner", "crawler-partner@example.org", "partner-pass-123"
        )
        user.groups.add(group)
        client.force_login(user)
    return client


def crawl_as(viewer, seeded):
    crawler = Crawler(viewer_client(viewer), viewer, seeded.markers[viewer])
    routes, not_crawled = route_urls(seeded)
    seeds = [url for paths in routes.values() for url in paths]
    crawler.crawl(seeds + probe_urls(seeded, viewer))
    # Every route once more in the Khmer interface (places are named in Khmer there).
    # Public pages have a Khmer address (/km/...); the others follow the browser's language.
    khmer = Crawler(viewer_client(viewer, "km"), f"{viewer}, Khmer", seeded.markers[viewer])
    khmer.crawl([f"/km{url}" if has_language_versions(url.split("?")[0]) else url for url in seeds], follow=False)
    crawler.leaks += khmer.leaks
    crawler.errors += khmer.errors
    return crawler, routes, not_crawled


# -- the crawl ---------------------------------------------------------------------------------
def test_anonymous_crawl_finds_no_hidden_marker(seeded, capsys):
    crawler, routes, not_crawled = crawl_as(ANONYMOUS, seeded)
    with capsys.disabled():
        print(
            f"\nleak crawler (anonymous): {len(crawler.seen)} distinct URLs, {len(routes)} route patterns crawled"
        )
        grouped = {}
        for pattern, reason in sorted(not_crawled.items()):
            grouped.setdefault(reason, []).append(pattern)
        for reason, patterns in grouped.items():
            names = ", ".join(patterns[:3]) + (f" and {len(patterns) - 3} more" if len(patterns) > 3 else "")
            print(f"  not crawled ({reason}): {names}")
    unfilled = {p: r for p, r in not_crawled.items() if not r.startswith("skipped:")}
    assert not unfilled, "Routes neither crawled nor skipped with a reason:\n" + "\n".join(
        f"  {p}: {r}" for p, r in sorted(unfilled.items())
    )
    assert len(crawler.seen) >= MIN_DISTINCT_URLS, f"the crawl fetched only {len(crawler.seen)} URLs"
    assert not crawler.leaks and not crawler.errors, report(crawler, "Anonymous visitor")


def test_partner_crawl_finds_no_restricted_marker_and_sees_partner_data(seeded, capsys):
    crawler, _routes, _skipped = crawl_as(PARTNER, seeded)
    # Not vacuous: the partner's own markers must be visible somewhere in the same crawl.
    seen = Crawler(crawler.client, PARTNER, seeded.must_show_partner)
    for url in ["/directory/crawler-shelter-network/", "/library/leakpartnerslugqz/"]:
        seen.fetch(url)
    missing = {m.label for m in seeded.must_show_partner} - {leak.label for leak in seen.leaks}
    assert not missing, f"a partner never saw {sorted(missing)}: the crawler would prove nothing"
    with capsys.disabled():
        print(f"\nleak crawler (partner): {len(crawler.seen)} distinct URLs")
    assert not crawler.leaks and not crawler.errors, report(crawler, "Partner")


def test_admin_is_closed_to_viewers(seeded):
    for viewer in (ANONYMOUS, PARTNER):
        client = viewer_client(viewer)
        for url in [
            "/admin/",
            "/admin/pages/",
            "/admin/snippets/directory/organization/",
            "/admin/documents/",
        ]:
            response = client.get(url)
            assert response.status_code in (302, 403), (viewer, url, response.status_code)
            assert "/admin/login/" in response.get("Location", "/admin/login/"), (viewer, url)


# -- focused probes: a hidden thing must be answered exactly like a thing that does not exist ---
_VOLATILE = [
    (re.compile(r"\b[A-Za-z0-9]{64}\b"), "«token»"),  # CSRF tokens
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"\bin [\d.]+ ms\b"), "in « » ms"),
    (re.compile(r'"took(?:_ms)?":\s*\d+'), '"took":0'),
]


def normalised(response, *echoes):
    text = readable(body_of(response), response.get("Content-Type", ""))
    forms = echo_forms([e for e in echoes if e])
    if forms:
        text = re.sub("|".join(re.escape(f) for f in forms), "«Q»", text, flags=re.IGNORECASE)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return response.status_code, text



def assert_same_answer(client, url_template, hidden, control, viewer, problems):
    a = normalised(client.get(url_template.format(urlencode_q(hidden))), hidden)
    # The answer for nothing, once per client and URL. Kept on the client itself: a module-level
    # table keyed by id(client) served a later test's partner the answer an earlier test's
    # anonymous client got, whenever Python reused the freed client's id.
    controls = client.__dict__.setdefault("_leak_control_answers", {})
    key = (url_template, control)
    if key not in controls:
        controls[key] = normalised(client.get(url_template.format(urlencode_q(control))), control)
    b = controls[key]
    if a != b:
        problems.append(f"[{viewer}] {url_template.format(urlencode_q(hidden))}: {first_difference(a, b)}")


def urlencode_q(value):
    return urlencode({"v": value})[2:]


def first_difference(a, b):
    if a[0] != b[0]:
        return f"status {a[0]} (hidden) vs {b[0]} (nothing)"
    lines_a, lines_b = a[1].splitlines(), b[1].splitlines()
    for i, (x, y) in enumerate(itertools.zip_longest(lines_a, lines_b, fillvalue="")):
        if x != y:
            # Show where the lines part, not their shared beginning.
            at = next((j for j, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
            start = max(0, at - 80)
            return f"line {i + 1} differs at {at}: {x[start:at + 160]!r} vs {y[start:at + 160]!r}"
    return "bodies differ"


def word_markers(seeded, viewer, alpha_only=True):
    return [m.word for m in seeded.markers[viewer] if m.word and (m.word.isalpha() or not alpha_only)]


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_spelling_suggestions_never_offer_a_hidden_word(seeded, viewer):
    """A query one letter off a hidden word gets what a query one letter off nothing gets."""
    client, problems = viewer_client(viewer), []
    control = one_letter_off(CONTROL_WORD)
    for word in word_markers(seeded, viewer):
        for template in ["/search/?q={}", "/library/?q={}", "/directory/?q={}"]:
            assert_same_answer(client, template, one_letter_off(word), control, viewer, problems)
    # Not vacuous: a near-miss of a public word is corrected.
    body = client.get("/search/?q=" + one_letter_off("Crawler")).content.decode()
    assert "crawler" in remove_echoes(body, [one_letter_off("Crawler")]).lower()
    assert not problems, "Spelling suggestions reveal hidden words:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_search_for_a_hidden_word_answers_like_a_search_for_nothing(seeded, viewer):
    """Hits, counts and facets of a search for a hidden word (phones and e-mails included)
    equal those of a word that exists nowhere, on every search box."""
    client, problems = viewer_client(viewer), []
    for word in word_markers(seeded, viewer, alpha_only=False):
        control = CONTROL_WORD if word.isalpha() else "+85599000111" if word.startswith("+") else CONTROL_WORD
        if word in (COMMUNE["km"],):
            control = "ឃឈឍឡឃឈឍឡ"
        for path in SEARCH_ENDPOINTS:
            assert_same_answer(client, path + "?q={}", word, control, viewer, problems)
    assert not problems, "Searching a hidden word answers differently from nothing:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_autocomplete_never_completes_a_hidden_name(seeded, viewer):
    client, problems = viewer_client(viewer), []
    for word in word_markers(seeded, viewer):
        # Every marker starts with "LEAK"; the prefix without the last two letters is its own.
        prefix = word[:-2]
        assert_same_answer(
            client, "/search/suggest/?q={}", prefix, CONTROL_WORD[: len(prefix)], viewer, problems
        )
    # Not vacuous: a public name is completed.
    assert "Crawler Shelter Network" in client.get("/search/suggest/?q=Crawler+Shel").content.decode()
    assert not problems, "Autocomplete reveals hidden names:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_facets_never_count_or_label_hidden_values(seeded, viewer):
    """A hidden topic or issuer, given as a filter, is answered like an unknown one (no label, no
    count), and no facet on the listing counts a hidden item."""
    client, problems = viewer_client(viewer), []
    hidden_tiers = {"partners", "restricted"} if viewer == ANONYMOUS else {"restricted"}
    for slug, tier in seeded.hidden_topics:
        if tier in hidden_tiers:
            for template in ["/search/?topic={}", "/library/?topic={}", "/library/export/json/?topic={}"]:
                assert_same_answer(client, template, slug, "no-such-topicqz", viewer, problems)
    for issuer, tier in seeded.hidden_issuers:
        if tier in hidden_tiers:
            for template in ["/search/?issuer={}", "/library/?issuer={}"]:
                assert_same_answer(client, template, issuer, "No Such Issuerqz", viewer, problems)
    # Facet counts: the listing with the hidden items equals the listing without them.
    pages = ["/library/", "/library/?q=crawler", "/search/?q=crawler", "/search/?kind=document"]
    before = [normalised(client.get(url)) for url in pages]
    # (The restricted item sharing a file with a public one stays: deleting it would rightly
    # let the public item index the file's text.)
    for page in seeded.hidden_docs:
        if page.slug != "crawler-restricted-annex" and (not page.live or page.access_level in hidden_tiers):
            page.delete()
    api.rebuild(database_engine())
    cache.clear()
    after = [normalised(client.get(url)) for url in pages]
    for url, a, b in zip(pages, before, after, strict=True):
        if a != b:
            problems.append(
                f"[{viewer}] {url} changes when hidden items are deleted: {first_difference(a, b)}"
            )
    assert not problems, "Facets reveal hidden items:\n" + "\n".join(problems)


def _geojson(client, bbox):
    response = client.get(f"/map/services.geojson?bbox={bbox}")
    assert response.status_code == 200
    data = json.loads(body_of(response))
    data.get("meta", {}).pop("bbox", None)
    data.pop("bbox", None)
    return data


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_a_box_around_a_hidden_point_answers_like_a_box_around_nothing(seeded, viewer):
    client, problems = viewer_client(viewer), []
    hidden_tiers = {"partners", "restricted"} if viewer == ANONYMOUS else {"restricted"}
    empty = _geojson(client, bbox_around(EMPTY_SPOT))
    assert not empty["features"]
    for name, (point, tier) in seeded.points.items():
        for half in (0.0005, 0.005):  # (a larger box would hold the area centre, rightly shown)
            answer = _geojson(client, bbox_around(point, half))
            if tier in hidden_tiers and answer != _geojson(client, bbox_around(EMPTY_SPOT, half)):
                problems.append(
                    f"[{viewer}] box of ±{half}° around the {name} point: {json.dumps(answer)[:300]}"
                )
            elif tier not in hidden_tiers and not answer["features"]:
                problems.append(f"[{viewer}] the {name} point, which this viewer may see, is not in its box")
    assert not problems, "Bounding boxes locate hidden places:\n" + "\n".join(problems)


def test_hidden_library_item_answers_like_an_unknown_one(seeded):
    """An anonymous request for a hidden item (and its sub-pages) gets what an unknown one gets."""
    client, problems = viewer_client(ANONYMOUS), []
    for hidden in ("leakpartnerslugqz", "leakrestrictedslugqz", "crawler-draft-doc"):
        for suffix in ("", "download/", "cite/ris/"):
            a = normalised(client.get(f"/library/{hidden}/{suffix}"), hidden)
            b = normalised(client.get(f"/library/no-such-itemqz/{suffix}"), "no-such-itemqz")
            if a != b:
                problems.append(f"/library/{hidden}/{suffix}: {first_difference(a, b)}")
    assert not problems, "Hidden items are told apart from unknown ones:\n" + "\n".join(problems)


def test_a_new_route_is_filled_by_parameter_name_or_reported(seeded):
    """A route added tomorrow is crawled if its parameter names are in the table, and reported
    (failing the crawl) if not."""
    from django.urls import path

    def route(text):
        return Route(text, "new", (path(text, lambda request: None).pattern,))

    table = parameters(seeded)
    filled = fill(route("reports/<slug:slug>/<str:fmt>/"), table, seeded)
    assert "/reports/crawler-shelter-network/ris/" in filled
    assert fill(route("reports/<int:mystery_id>/"), table, seeded) is None


def test_discovery_sees_every_app_route():
    """The resolver walk itself: the routes of each public app are discovered (guards the walk)."""
    displays = {r.display for r in discover()}
    for expected in [
        "directory/<slug:slug>/vcard/",
        "map/services.geojson",
        "search/suggest/",
        "api/hsds/v3/service_at_locations/<str:service_at_location_id>",
    ]:
        assert expected in displays
    assert any(r.name == "wagtail_serve" for r in discover())
    try:
        resolve("/directory/")
    except Resolver404:  # pragma: no cover
        pytest.fail("/directory/ does not resolve")


COUNTERFACTUAL_PAGES = [
    "/",
    "/directory/",
    "/directory/?province=battambang",
    "/directory/?q=crawler",
    "/directory/crawler-shelter-network/",
    "/directory/crawler-shelter-network/vcard/",
    "/directory/crawler-shelter-network/hsds.json",
    "/directory/hsds/organizations/?full=true",
    "/api/hsds/v3/services?full=true",
    "/api/hsds/v3/service_at_locations?full=true",
    "/map/",
    "/map/?province=battambang",
    "/map/services.geojson",
    "/map/coverage/",
    "/map/coverage.csv",
    "/map/coverage/battambang/",
    "/map/coverage/battambang/pack/",
    "/search/?q=crawler",
    "/search/?q=shelter",
    "/search/suggest/?q=cra",
    "/library/",
]


@pytest.mark.parametrize("viewer", [ANONYMOUS, PARTNER])
def test_what_a_viewer_may_not_see_changes_nothing_they_see(seeded, viewer):
    """The viewer's pages are the same with and without the records (and fields) they may not
    see: unpublished organizations, services and items, and phones, contacts and e-mails above
    their tier. Any difference is derived from hidden data (a count, a facet, a page number)."""
    from directory.models import (
        Organization,
        OrganizationContact,
        OrganizationPhone,
        Service,
        ServiceContact,
        ServicePhone,
    )

    client = viewer_client(viewer)
    before = [normalised(client.get(url)) for url in COUNTERFACTUAL_PAGES]
    hidden = ["partners", "restricted"] if viewer == ANONYMOUS else ["restricted"]
    Organization.objects.filter(live=False).delete()
    Service.objects.filter(live=False).delete()
    for page in seeded.hidden_docs:
        if not page.live:
            page.delete()
    for model in (OrganizationPhone, OrganizationContact, ServicePhone, ServiceContact):
        model.objects.filter(visibility__in=hidden).delete()
    Organization.objects.filter(email_visibility__in=hidden).update(email="")
    Service.objects.filter(email_visibility__in=hidden).update(email="")
    api.rebuild(database_engine())
    cache.clear()
    after = [normalised(client.get(url)) for url in COUNTERFACTUAL_PAGES]
    problems = [
        f"[{viewer}] {url}: {first_difference(a, b)}"
        for url, a, b in zip(COUNTERFACTUAL_PAGES, before, after, strict=True)
        if a != b
    ]
    assert not problems, "Hidden records change what the viewer sees:\n" + "\n".join(problems)
