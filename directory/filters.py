"""Directory listing: read the GET filters; filter and count on the search index (facets.py).

Facets and their GET parameters (each may repeat; OR within a facet, AND across facets):

    country   country Area slug (ISO alpha-2, lower case)        organization level
    province  province Area slug                                   organization level
    q         free text (organization names, aliases, services)    organization level
    sort      "relevance" (default with words) or "name" (A-Z; the default without words)
    type      taxonomy code; a top-level code includes its sub-codes  service level
    group     target-group key from GROUPS below                   service level
    language  Language.code                                        service level

Service-level facets must all be met by the *same* live service, so "Shelter + children +
marriage" finds a shelter that takes children, not an organization with a shelter for adults
and a hotline for children. Facet counts follow the usual rule: a value's count is the number
of organizations matching every *other* active filter plus that value.

Only published data is searched and counted (the index holds live organizations and live
services, public fields only): tiered phones, contacts and addresses never feed a filter, so no
count can reveal them. The filtering and counting themselves are `facets.Selection`'s, on the
search engine's in-process bitmaps; this module validates parameters and builds labels, links
and the page.
"""

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from search import registry
from search.partial import split_typed

from . import listing_rows
from .facets import Selection
from .models import (
    AcceptingReferrals,
    Area,
    AreaKind,
    Language,
    OrganizationType,
    Service,
    TaxonomyTerm,
)
from .translations import content_language
from .visibility import allowed_tiers, viewer_tier

MAX_QUERY_LENGTH = 200  # characters of free text kept
MAX_QUERY_WORDS = 8
MAX_VALUES_PER_FACET = 40  # repeated parameters beyond this are ignored

# Target groups: a small, stable vocabulary over the Service eligibility fields.
GROUPS = [
    ("women", _("Women and girls"), Q(serves_women=True)),
    ("men", _("Men and boys (accepts male survivors)"), Q(serves_men=True)),
    ("children", _("Children (under 18)"), Q(serves_children=True)),
    ("adults", _("Adults"), Q(serves_adults=True)),
    ("labour", _("Labour trafficking"), Q(trafficking_labour=True)),
    ("sexual", _("Sexual exploitation"), Q(trafficking_sexual=True)),
    ("marriage", _("Forced or brokered marriage"), Q(trafficking_marriage=True)),
    ("begging", _("Child begging"), Q(trafficking_begging=True)),
    ("migrants", _("Migrant workers and deportees"), Q(serves_migrants=True)),
    ("accepting", _("Accepting referrals now"), Q(accepting_referrals=AcceptingReferrals.YES)),
]
GROUP_LABELS = {key: label for key, label, _q in GROUPS}
GROUP_QS = {key: q for key, _label, q in GROUPS}

FACETS = ["open", "orgtype", "country", "province", "type", "group", "language"]
# Opening hours, by the clock (directory.opening): open now (24/7 included), and open 24/7.
OPEN_LABELS = {"now": _("Open now"), "always": _("Open 24/7")}
ORG_TYPES = {value for value, _label in OrganizationType.choices}
SORT_LABELS = {"relevance": _("Best match"), "distance": _("Nearest first"), "name": _("Name (A–Z)")}
FACET_LABELS = {
    "open": _("Opening hours"),
    "orgtype": _("Organization type"),
    "country": _("Country"),
    "province": _("Province"),
    "type": _("Service type"),
    "group": _("Who it serves"),
    "language": _("Language"),
    "q": _("Text"),
}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    children: list = field(default_factory=list)


@dataclass
class Facet:
    name: str
    label: str
    values: list

    @property
    def selected_count(self):
        return sum(1 for v in self.values if v.selected) + sum(
            1 for v in self.values for c in v.children if c.selected
        )


# NUL and other control characters: PostgreSQL refuses NUL in text, and none belongs in a query.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text):
    return _CONTROL_CHARS.sub("", text)


def _param_list(params, name, normalise=str.strip):
    values = []
    for raw in params.getlist(name)[:MAX_VALUES_PER_FACET]:
        value = normalise(_clean(raw[:80]))
        if value and value not in values:
            values.append(value)
    return values


class DirectorySearch:
    """One listing request: validated filters, the filtered queryset and the facet counts."""

    def __init__(self, params, viewer=None):
        self.params = params
        self.viewer = viewer
        self.locale = _cached("locale", Locale.get_default)
        q = " ".join(_clean(params.get("q", "")[: MAX_QUERY_LENGTH * 2]).split())[:MAX_QUERY_LENGTH]
        self.q = q
        self.words = q.split()[:MAX_QUERY_WORDS]
        # With words the best matches come first; A-Z stays available (and is all there is
        # without words).
        # Near a place (a chosen district, or the device's position): nearest first by default.
        from services_map.nearby import origin_from

        self.origin, self.origin_problem = origin_from(params)
        self.default_sort = "distance" if self.origin else "relevance" if self.words else "name"
        sort = params.get("sort", "")
        self.sort = sort if sort in self.sorts else self.default_sort
        # Unknown values are dropped: a stale or mistyped link still works, it just filters less.
        # Reference data comes from a per-process cache: no query per parameter (a value the
        # cache lacks re-reads it once: a place or type added since).
        wanted = {
            "country": _param_list(params, "country", _lower),
            "province": _param_list(params, "province", _lower),
            "type": _param_list(params, "type", lambda v: v.strip().upper()),
            "language": _param_list(params, "language", _lower),
        }
        for attempt in range(2):
            areas, terms, languages = _areas(), _terms(), _languages()
            self.countries = _known(areas[AreaKind.COUNTRY], wanted["country"], _by_name)
            self.provinces = _known(areas[AreaKind.PROVINCE], wanted["province"], _by_name)
            self.terms = _known(terms, wanted["type"], _by_code)
            self.languages = _known(languages, wanted["language"], _by_name)
            found = len(self.countries) + len(self.provinces) + len(self.terms) + len(self.languages)
            if attempt or found == sum(len(v) for v in wanted.values()):
                break
            _reference.clear()
        self.groups = [g for g in _param_list(params, "group", lambda v: v.strip().lower()) if g in GROUP_QS]
        self.org_types = [t for t in _param_list(params, "orgtype", _lower) if t in ORG_TYPES]
        self.open = [v for v in _param_list(params, "open", _lower) if v in OPEN_LABELS]

    # -- selections -------------------------------------------------------------------------
    @property
    def selected(self):
        return {
            "open": set(self.open),
            "orgtype": set(self.org_types),
            "country": {a.slug for a in self.countries},
            "province": {a.slug for a in self.provinces},
            "type": {t.code for t in self.terms},
            "group": set(self.groups),
            "language": {lang.code for lang in self.languages},
        }

    @property
    def is_filtered(self):
        return bool(self.q or any(self.selected.values()))

    # -- the selection on the search index ---------------------------------------------------
    @cached_property
    def selection(self):
        """The filters evaluated on the search index's bitmaps (directory/facets.py)."""
        return Selection(
            self.viewer,
            {
                "orgtype": self.org_types,
                "country": [a.slug for a in self.countries],
                "province": [a.slug for a in self.provinces],
            },
            {"type": [t.code for t in self.terms], "language": [lang.code for lang in self.languages]},
            self.groups,
            self.q if self.words else "",
            dynamic={"open": (_open_keys, self.open)},
        )

    @cached_property
    def partial(self):
        """No organization matches every word: the listing shows the best partial matches."""
        return bool(self.words) and self.selection.partial

    def partial_notice(self):
        """(the typed words left out, link to the listing without them) for partial results."""
        if not self.partial:
            return None
        words, reduced = split_typed(self.q, self.selection.unmatched)
        url = ""
        if reduced:
            params = [("q", reduced) if key == "q" else (key, value) for key, value in self.url_params()]
            url = f"{reverse('directory:index')}?{urlencode(params)}"
        return {"words": words, "url": url}

    @property
    def sorts(self):
        """The orders this search may be shown in: A-Z always, best match with words, nearest
        first from a place."""
        return [
            key
            for key in SORT_LABELS
            if key == "name" or (key == "relevance" and self.words) or (key == "distance" and self.origin)
        ]

    @cached_property
    def _order(self):
        """Entry ids of the matching organizations in the order shown."""
        selection = self.selection
        selected = selection.organizations()
        if self.sort == "distance":
            # Nearest first; equals (and those without a place, last) in title order.
            keys, by_key, far = selection.snap.keys, self.distances, float("inf")

            def km(pk):
                found = by_key.get(keys[pk][1]) if pk in keys else None
                return far if found is None else found.km

            return sorted(selection.by_title(selected), key=km)
        if self.sort != "relevance":
            return selection.by_title(selected)
        from .ranking import snapshot_name_ranks

        candidates = selection.name_candidates(selected)
        # The names are kept folded with the search snapshot (read by the first page with words
        # after it is built, whether or not anything matched): no statement per page.
        members = selection.snap.members(candidates) if candidates else []
        ranks = snapshot_name_ranks(selection.snap, self.q, members, self.locale)
        return selection.by_relevance(selected, ranks)

    def ordered_results(self):
        """The matching organizations in the chosen order, as a sequence Paginator slices: each
        page fetches only its own rows."""
        return _PagedByKey(
            self.locale.pk,
            self.selection,
            self._order,
            self._shown_services,
            self.tiers,
            self.distances if self.origin else None,
        )

    @cached_property
    def distances(self):
        """{organization key: Distance} from the origin to the nearest place the public may see
        of each matching organization (services_map.nearby)."""
        from services_map.nearby import organization_distances

        if not self.origin:
            return {}
        selection = self.selection
        return organization_distances(
            selection.object_ids(selection.snap.members(selection.organizations())), self.origin
        )

    @cached_property
    def tiers(self):
        """The visibility tiers whose phones the cards show: the viewer's, site-wide."""
        return tuple(allowed_tiers(viewer_tier(self.viewer)))

    results = ordered_results

    @cached_property
    def _shown_services(self):
        """Service keys meeting the service-level filters (None: every live service shows)."""
        selection = self.selection
        if not selection.service_masks:
            return None
        services = selection.all_services
        for mask in selection._service_constraint():
            services &= mask
        return services

    def services(self):
        """Live services (default locale) meeting the service-level filters, of organizations
        meeting every filter (the map's list and markers)."""
        qs = Service.objects.filter(live=True, locale=self.locale, organization__live=True)
        if not self.is_filtered:
            return qs
        keys = self.selection.object_ids(self.selection.snap.members(self.selection.services()))
        return qs.filter(translation_key__in=keys)

    # -- facets -----------------------------------------------------------------------------
    def facets(self):
        return [
            self._open_facet(),
            self._org_type_facet(),
            self._country_facet(),
            self._province_facet(),
            self._type_facet(),
            self._group_facet(),
            self._language_facet(),
        ]

    def _labels(self, name, values):
        return registry.facet_labels(name, list(values), (get_language() or "en").split("-")[0])

    def _open_facet(self):
        counts = self.selection.dynamic_counts("open")
        values = [
            FacetValue(value, label, counts.get(value, 0), value in self.open)
            for value, label in OPEN_LABELS.items()
            if counts.get(value) or value in self.open
        ]
        return Facet("open", FACET_LABELS["open"], values)

    def _org_type_facet(self):
        # Every type the chosen filters leave, in the vocabulary's order (ministries before
        # NGOs, as people look for a counterpart), and a chosen one even at zero.
        counts = self.selection.org_counts("orgtype")
        values = [
            FacetValue(value, label, counts.get(value, 0), value in self.org_types)
            for value, label in OrganizationType.choices
            if counts.get(value) or value in self.org_types
        ]
        return Facet("orgtype", FACET_LABELS["orgtype"], values)

    def _country_facet(self):
        counts = self.selection.org_counts("country")
        selected = {a.slug for a in self.countries}
        labels = self._labels("country", set(counts) | selected)
        values = [
            FacetValue(slug, labels[slug], counts.get(slug, 0), slug in selected)
            for slug in set(counts) | selected
        ]
        values.sort(key=lambda v: (v.value != "kh", str(v.label).lower()))
        return Facet("country", FACET_LABELS["country"], values)

    def _province_facet(self):
        counts = self.selection.org_counts("province")
        selected = {a.slug for a in self.provinces}
        slugs = set(counts) | selected
        labels = self._labels("province", slugs)
        foreign = _foreign_provinces()
        rows = [
            (
                (slug in foreign, str(labels[slug]).lower()),
                FacetValue(slug, labels[slug], counts.get(slug, 0), slug in selected),
            )
            for slug in slugs
        ]
        rows.sort(key=lambda row: row[0])
        return Facet("province", FACET_LABELS["province"], [value for _key, value in rows])

    def _type_facet(self):
        counts = self.selection.service_counts("type")
        selected = {t.code for t in self.terms}
        open_tops = {code.split(".")[0] for code in selected}
        terms = _taxonomy()
        values = []
        for top in (t for t in terms if t.parent_id is None):
            count = counts.get(top.code, 0)
            children = []
            if top.code in open_tops:
                for child in (t for t in terms if t.parent_id == top.pk):
                    n = counts.get(child.code, 0)
                    if n or child.code in selected:
                        children.append(FacetValue(child.code, child.name, n, child.code in selected))
                children.sort(key=lambda v: str(v.label).lower())
            if count or top.code in selected or children:
                values.append(FacetValue(top.code, top.name, count, top.code in selected, children))
        values.sort(key=lambda v: str(v.label).lower())
        return Facet("type", FACET_LABELS["type"], values)

    def _group_facet(self):
        # Each count is what choosing that group as well would give (groups combine with AND).
        counts = self.selection.service_counts("group")
        values = [
            FacetValue(key, label, counts.get(key, 0), key in self.groups)
            for key, label, _q in GROUPS
            if counts.get(key) or key in self.groups
        ]
        return Facet("group", FACET_LABELS["group"], values)

    def _language_facet(self):
        counts = self.selection.service_counts("language")
        selected = {lang.code for lang in self.languages}
        labels = self._labels("language", set(counts) | selected)
        values = [
            FacetValue(code, labels[code], counts.get(code, 0), code in selected)
            for code in set(counts) | selected
        ]
        values.sort(key=lambda v: (-v.count, str(v.label).lower()))
        return Facet("language", FACET_LABELS["language"], values)

    # -- links ------------------------------------------------------------------------------
    def url_params(self):
        """The canonical, validated parameters of this search (for links and round trips)."""
        params = []
        if self.q:
            params.append(("q", self.q))
        if self.sort != self.default_sort:
            params.append(("sort", self.sort))
        params += [("open", v) for v in self.open]
        params += [("orgtype", t) for t in self.org_types]
        params += [("country", a.slug) for a in self.countries]
        params += [("province", a.slug) for a in self.provinces]
        params += [("type", t.code) for t in self.terms]
        params += [("group", g) for g in self.groups]
        params += [("language", lang.code) for lang in self.languages]
        if self.origin and self.origin.area is not None:
            params.append(("near", self.origin.area.slug))
        return params

    def device_params(self):
        """The device's rounded position, for this visitor's own next links only: never in a
        link meant to be shared, the page cache or the access audit (`url_params` leaves it out)."""
        if self.origin and self.origin.from_device:
            return [("lat", f"{self.origin.latitude:.3f}"), ("lon", f"{self.origin.longitude:.3f}")]
        return []

    def query_string(self, without=None, shared=False, **extra):
        """A link to the listing with these filters, less `without` (key, value), plus `extra`;
        `shared`: a link for someone else (without the device's position)."""
        params = [p for p in self.url_params() if p != without]
        if not shared and without != ("near", "device"):
            params += self.device_params()
        params += [(k, v) for k, v in extra.items() if v is not None]
        path = reverse("directory:index")
        return f"{path}?{urlencode(params)}" if params else path

    def active_filters(self):
        """[(facet label, value label, link without it)] for the "active filters" list."""
        labels = {
            "open": OPEN_LABELS,
            "orgtype": {t: OrganizationType(t).label for t in self.org_types},
            "country": {a.slug: a.name for a in self.countries},
            "province": {a.slug: a.name for a in self.provinces},
            "type": {t.code: t.name for t in self.terms},
            "group": {g: GROUP_LABELS[g] for g in self.groups},
            "language": {lang.code: lang.name for lang in self.languages},
        }
        active = []
        if self.q:
            active.append(("q", FACET_LABELS["q"], self.q, self.query_string(without=("q", self.q))))
        for key, value in self.url_params():
            if key in ("q", "sort", "near"):
                continue
            active.append(
                (key, FACET_LABELS[key], labels[key][value], self.query_string(without=(key, value)))
            )
        return active

    def sort_links(self):
        """[(key, label, link)] of the orders to offer (with words or a place: else only A-Z)."""
        if len(self.sorts) < 2:
            return []
        links = []
        for key, label in SORT_LABELS.items():
            if key not in self.sorts:
                continue
            params = [p for p in self.url_params() if p[0] != "sort"] + self.device_params()
            if key != self.default_sort:
                params.append(("sort", key))
            links.append((key, label, f"{reverse('directory:index')}?{urlencode(params)}"))
        return links


class _PagedByKey:
    """Organizations shown in the order of index entry ids; Paginator slices it, and each slice
    fetches only its own rows (`listing_rows.ListedOrganization`: what a card shows, in the
    interface language). Services listed under each are those meeting the service-level filters
    (`shown`: a bitmap of service entries; None: all)."""

    def __init__(self, locale_id, selection, order, shown, tiers=("public",), distances=None):
        self.locale_id = locale_id
        self.tiers = tiers
        self.distances = distances
        self.selection = selection
        self.order = order
        self.shown = shown

    def count(self):
        return len(self.order)

    def __len__(self):
        return len(self.order)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        entries = self.order[index] if isinstance(index, slice) else [self.order[index]]
        keys = self.selection.object_ids(entries)
        page = listing_rows.organizations(
            self.locale_id, keys, content_language(), _terms_including, self.tiers
        )
        if self.distances is not None:
            for org in page:
                org.distance = self.distances.get(org.translation_key)
        if self.shown is not None:
            snap, shown = self.selection.snap, self.selection.snap.as_bytes(self.shown)
            for org in page:
                org.matching_services = [
                    s
                    for s in org.matching_services
                    if snap.contains(shown, snap.entry_of.get(("service", str(s.translation_key)), -1))
                ]
        return page if isinstance(index, slice) else page[0]


def _open_keys(state):
    """{value: service keys} of the "open" facet at this minute (directory.opening), for the
    index state the listing's snapshot was just read at (no further query)."""
    from .opening import always_open_keys, open_now_keys

    return {"now": open_now_keys(state=state), "always": always_open_keys(state=state)}


def _terms_including(ids):
    """{pk: TaxonomyTerm} from the per-process taxonomy, read again once when it lacks one of
    `ids` (a type added since)."""
    terms = _terms_by_id()
    if not ids <= terms.keys():
        _reference.clear()
        terms = _terms_by_id()
    return terms


_REFERENCE_SECONDS = 300  # provinces and service types are reference data: rarely edited
_reference = {}


def _cached(name, build):
    now = time.monotonic()
    found = _reference.get(name)
    if found is None or found[1] < now:
        found = (build(), now + _REFERENCE_SECONDS)
        _reference[name] = found
    return found[0]


def _taxonomy():
    return _cached("taxonomy", lambda: list(TaxonomyTerm.objects.all()))


def _terms():
    return _cached("terms", lambda: {t.code: t for t in _taxonomy()})


def _terms_by_id():
    return _cached("terms-by-id", lambda: {t.pk: t for t in _taxonomy()})


def _areas():
    """{kind: {slug: Area}} of countries and provinces (with their country)."""

    def build():
        found = {AreaKind.COUNTRY: {}, AreaKind.PROVINCE: {}}
        rows = Area.objects.filter(kind__in=list(found)).select_related("country")
        for area in rows:
            found[area.kind][area.slug] = area
        return found

    return _cached("areas", build)


def _languages():
    return _cached("languages", lambda: {lang.code: lang for lang in Language.objects.all()})


def _lower(value):
    return value.strip().lower()


def _by_name(obj):
    return getattr(obj, "name_en", "")


def _by_code(term):
    return term.code


def _known(mapping, values, order):
    """The known ones among `values`, in the models' own order (as the links always had)."""
    return sorted((mapping[v] for v in values if v in mapping), key=order)


def _foreign_provinces():
    """Slugs of provinces outside Cambodia (listed after Cambodia's)."""
    return _cached(
        "foreign",
        lambda: set(
            Area.objects.filter(kind=AreaKind.PROVINCE)
            .exclude(country__key="KH")
            .values_list("slug", flat=True)
        ),
    )
