"""Directory listing: read the GET filters, apply them, and count every facet.

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

Only published data is searched and counted (live organizations, live services), and only
fields that every viewer may see: tiered phones, contacts and addresses never feed a filter,
so no count can reveal them.
"""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from search.engines.database import DatabaseEngine
from search.partial import split_typed

from .models import (
    AcceptingReferrals,
    Area,
    AreaKind,
    Language,
    Location,
    Organization,
    OrganizationName,
    Service,
    ServiceArea,
    ServiceLanguage,
    ServiceTerm,
    TaxonomyTerm,
)

logger = logging.getLogger(__name__)

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

FACETS = ["country", "province", "type", "group", "language"]
SORT_LABELS = {"relevance": _("Best match"), "name": _("Name (A–Z)")}
FACET_LABELS = {
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


def _code_matches(code):
    """A taxonomy code and everything beneath it: SHELTER matches SHELTER.SHORT."""
    return Q(code=code) | Q(code__startswith=f"{code}.")


class DirectorySearch:
    """One listing request: validated filters, the filtered queryset and the facet counts."""

    def __init__(self, params, viewer=None):
        self.params = params
        self.viewer = viewer
        self.locale = Locale.get_default()
        q = " ".join(_clean(params.get("q", "")[: MAX_QUERY_LENGTH * 2]).split())[:MAX_QUERY_LENGTH]
        self.q = q
        self.words = q.split()[:MAX_QUERY_WORDS]
        # With words the best matches come first; A-Z stays available (and is all there is
        # without words).
        self.default_sort = "relevance" if self.words else "name"
        sort = params.get("sort", "")
        self.sort = sort if sort in SORT_LABELS and self.words else self.default_sort
        # Unknown values are dropped: a stale or mistyped link still works, it just filters less.
        self.countries = list(
            Area.objects.filter(
                kind=AreaKind.COUNTRY, slug__in=_param_list(params, "country", lambda v: v.strip().lower())
            )
        )
        self.provinces = list(
            Area.objects.filter(
                kind=AreaKind.PROVINCE, slug__in=_param_list(params, "province", lambda v: v.strip().lower())
            ).select_related("country")
        )
        self.terms = list(
            TaxonomyTerm.objects.filter(code__in=_param_list(params, "type", lambda v: v.strip().upper()))
        )
        self.groups = [g for g in _param_list(params, "group", lambda v: v.strip().lower()) if g in GROUP_QS]
        self.languages = list(
            Language.objects.filter(code__in=_param_list(params, "language", lambda v: v.strip().lower()))
        )

    # -- selections -------------------------------------------------------------------------
    @property
    def selected(self):
        return {
            "country": {a.slug for a in self.countries},
            "province": {a.slug for a in self.provinces},
            "type": {t.code for t in self.terms},
            "group": set(self.groups),
            "language": {lang.code for lang in self.languages},
        }

    @property
    def is_filtered(self):
        return bool(self.q or any(self.selected.values()))

    # -- filters ----------------------------------------------------------------------------
    def _org_filters(self, exclude=None):
        filters = []
        if self.countries and exclude != "country":
            filters.append(Q(country__in=[a.pk for a in self.countries]))
        if self.provinces and exclude != "province":
            filters.append(Q(pk__in=self._province_org_ids))
        if self.words:
            filters.append(Q(pk__in=self._text_org_ids))
        return filters

    # Each facet re-applies the other filters. The province and text conditions are OR-ed
    # subqueries that SQLite evaluates slowly, so they are resolved once per request into
    # a set of organization ids (hundreds at most) and reused by every facet query.
    @cached_property
    def _province_org_ids(self):
        # Locations count by province only: every tier is shown a location's province (the
        # projection in directory.visibility hides the commune, name, address and point), so
        # this filter and the province facet reveal nothing a hidden place's page does not.
        ids = [a.pk for a in self.provinces]
        countries = {a.country_id for a in self.provinces}
        live_areas = ServiceArea.objects.filter(service__live=True)
        queries = [
            Organization.objects.filter(area__province_id__in=ids).values_list("pk", flat=True),
            Location.objects.filter(area__province_id__in=ids).values_list("organization_id", flat=True),
            live_areas.filter(area__province_id__in=ids).values_list("service__organization_id", flat=True),
            # A service for the whole country (a national hotline) serves every province in it.
            live_areas.filter(area__kind=AreaKind.COUNTRY, area_id__in=countries).values_list(
                "service__organization_id", flat=True
            ),
        ]
        return sorted(set().union(*queries))

    @cached_property
    def ranking(self):
        """The portal search's order for the words (and whether it only found partial matches)."""
        from .ranking import search_ranking

        return search_ranking(self.q, self.viewer)

    @cached_property
    def partial(self):
        """No organization matches every word: the listing shows the best partial matches."""
        return bool(self.words) and self.ranking.partial and not self._all_words_org_ids

    def partial_notice(self):
        """(the typed words left out, link to the listing without them) for partial results."""
        if not self.partial:
            return None
        words, reduced = split_typed(self.q, self.ranking.unmatched)
        url = ""
        if reduced:
            params = [("q", reduced) if key == "q" else (key, value) for key, value in self.url_params()]
            url = f"{reverse('directory:index')}?{urlencode(params)}"
        return {"words": words, "url": url}

    @cached_property
    def _text_org_ids(self):
        """Organizations matching the text box: every word (names, aliases, services, places), and
        what the search index finds for it; the index answers with the best partial matches when
        no record holds every word (then `partial` is true and the listing says so)."""
        return sorted(self._all_words_org_ids | self._search_index_org_ids())

    @cached_property
    def _all_words_org_ids(self):
        """Organizations whose own fields hold every word of the text box."""
        matching = None
        for word in self.words:
            services = Service.objects.filter(live=True).filter(
                Q(name__icontains=word) | Q(description__icontains=word)
            )
            # Names of live translations count too: a Khmer name finds the organization.
            translations = Organization.objects.filter(live=True, name__icontains=word).exclude(
                locale=self.locale
            )
            other_names = OrganizationName.objects.filter(name__icontains=word)
            word_q = (
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(translation_key__in=translations.values("translation_key"))
                | Q(pk__in=other_names.values("organization_id"))
                | Q(pk__in=services.values("organization_id"))
                | Q(area__name_en__icontains=word)
                | Q(area__name_km__icontains=word)
                | Q(area__province__name_en__icontains=word)
                | Q(area__province__name_km__icontains=word)
            )
            ids = set(self.published().filter(word_q).values_list("pk", flat=True))
            matching = ids if matching is None else matching & ids
        return matching or set()

    def _search_index_org_ids(self):
        """What the portal's search finds on top of the plain text match: synonyms and spelling
        variants (Poi Pet, Kompong, MOSALVY, Batambang), Khmer words inside running text."""
        try:
            found = DatabaseEngine().matching_ids(self.q, ["organization", "service"])
        except Exception:  # the index is an aid here; the plain text match above still stands
            logger.warning("Search index unavailable for the directory text box", exc_info=True)
            return set()
        keys = set(found.get("organization", []))
        if found.get("service"):
            keys |= {
                str(k)
                for k in Service.objects.filter(translation_key__in=found["service"], live=True).values_list(
                    "organization__translation_key", flat=True
                )
            }
        if not keys:
            return set()
        return set(self.published().filter(translation_key__in=keys).values_list("pk", flat=True))

    def service_q(self, exclude=None):
        """Conditions one live service must meet (the service-level facets)."""
        q = Q()
        if self.terms and exclude != "type":
            q &= Q(pk__in=ServiceTerm.objects.filter(term_id__in=self._term_ids).values("service_id"))
        if self.groups and exclude != "group":
            # Target groups describe the person being referred: a boy is "men and boys" AND
            # "children", so one service must serve every chosen group.
            for key in self.groups:
                q &= GROUP_QS[key]
        if self.languages and exclude != "language":
            q &= Q(
                pk__in=ServiceLanguage.objects.filter(
                    language__in=[lang.pk for lang in self.languages]
                ).values("service_id")
            )
        return q

    def published(self):
        return Organization.objects.filter(live=True, locale=self.locale)

    @cached_property
    def _term_ids(self):
        """Ids of the chosen service types and everything beneath them (a few dozen at most)."""
        codes = Q()
        for term in self.terms:
            codes |= _code_matches(term.code)
        return list(TaxonomyTerm.objects.filter(codes).values_list("pk", flat=True))

    def _service_org_ids(self, exclude):
        """Organizations with one live service meeting the service-level filters, resolved once
        per facet variant: a correlated EXISTS over nested subqueries is slow on SQLite."""
        cache = self.__dict__.setdefault("_service_org_ids_cache", {})
        if exclude not in cache:
            rows = Service.objects.filter(self.service_q(exclude), live=True).values_list(
                "organization_id", flat=True
            )
            cache[exclude] = sorted(set(rows))
        return cache[exclude]

    def organizations(self, exclude=None):
        qs = self.published().filter(*self._org_filters(exclude))
        if self.service_q(exclude):
            qs = qs.filter(pk__in=self._service_org_ids(exclude))
        return qs

    def services(self, exclude=None):
        """Live services of organizations that pass the organization-level filters."""
        orgs = self.published().filter(*self._org_filters())
        return Service.objects.filter(self.service_q(exclude), live=True, organization__in=orgs)

    def ordered_results(self):
        """`results()` in the chosen order: A-Z as a queryset, by relevance as a sequence that
        fetches only the page being shown."""
        results = self.results()
        if self.sort != "relevance":
            return results
        from .ranking import relevance_order

        rows = results.model.objects.filter(pk__in=results.values("pk")).only("pk", "name", "translation_key")
        order = [o.pk for o in relevance_order(self.q, rows, self.ranking)]
        return _PagedById(results, order)

    def results(self):
        """The filtered organizations, ready to page through and show (no N+1)."""
        services = (
            Service.objects.filter(self.service_q(), live=True)
            .order_by("name", "pk")
            .prefetch_related(Prefetch("term_links", queryset=ServiceTerm.objects.select_related("term")))
        )
        return (
            self.organizations()
            .select_related("country", "area", "area__province", "successor")
            .prefetch_related("names", Prefetch("services", queryset=services, to_attr="matching_services"))
            .order_by("name", "pk")
        )

    # -- facets -----------------------------------------------------------------------------
    def facets(self):
        return [
            self._country_facet(),
            self._province_facet(),
            self._type_facet(),
            self._group_facet(),
            self._language_facet(),
        ]

    def _area_labels(self, ids):
        return {a.pk: a for a in Area.objects.filter(pk__in=ids).select_related("country")}

    def _country_facet(self):
        rows = self.organizations(exclude="country").order_by().values("country_id").annotate(n=Count("pk"))
        counts = {r["country_id"]: r["n"] for r in rows}
        selected_ids = {a.pk for a in self.countries}
        areas = self._area_labels(set(counts) | selected_ids)
        values = [
            FacetValue(areas[pk].slug, areas[pk].name, counts.get(pk, 0), pk in selected_ids)
            for pk in areas
            if counts.get(pk) or pk in selected_ids
        ]
        values.sort(key=lambda v: (v.value != "kh", str(v.label).lower()))
        return Facet("country", FACET_LABELS["country"], values)

    def _province_facet(self):
        orgs = self.organizations(exclude="province")
        org_ids = defaultdict(set)
        pairs = [
            orgs.filter(area__province__isnull=False).values_list("pk", "area__province_id"),
            Location.objects.filter(organization__in=orgs, area__province__isnull=False).values_list(
                "organization_id", "area__province_id"
            ),
            ServiceArea.objects.filter(
                service__live=True, service__organization__in=orgs, area__province__isnull=False
            ).values_list("service__organization_id", "area__province_id"),
        ]
        for rows in pairs:
            for org_id, province_id in rows:
                org_ids[province_id].add(org_id)
        # Nationwide services count in every province of their country.
        nationwide = ServiceArea.objects.filter(
            service__live=True, service__organization__in=orgs, area__kind=AreaKind.COUNTRY
        ).values_list("service__organization_id", "area_id")
        by_country = defaultdict(set)
        for org_id, country_id in nationwide:
            by_country[country_id].add(org_id)
        if by_country:
            provinces = Area.objects.filter(kind=AreaKind.PROVINCE, country_id__in=by_country)
            for province_id, country_id in provinces.values_list("pk", "country_id"):
                org_ids[province_id] |= by_country[country_id]
        selected_ids = {a.pk for a in self.provinces}
        areas = self._area_labels(set(org_ids) | selected_ids)
        rows = []
        for pk, area in areas.items():
            count = len(org_ids.get(pk, ()))
            if not (count or pk in selected_ids):
                continue
            foreign = area.country_code != "KH"  # Cambodian provinces first, then the rest by country
            label = f"{area.name} ({area.country.name})" if foreign else area.name
            rows.append(
                ((foreign, str(label).lower()), FacetValue(area.slug, label, count, pk in selected_ids))
            )
        rows.sort(key=lambda row: row[0])
        return Facet("province", FACET_LABELS["province"], [value for _key, value in rows])

    def _type_facet(self):
        rows = (
            ServiceTerm.objects.filter(service__in=self.services(exclude="type"))
            .order_by()  # Orderable's sort_order would otherwise defeat DISTINCT
            .values_list("service__organization_id", "term__code")
            .distinct()
        )
        org_ids = defaultdict(set)
        for org_id, code in rows:
            parts = code.split(".")
            for depth in range(1, len(parts) + 1):  # credit the term and each ancestor
                org_ids[".".join(parts[:depth])].add(org_id)
        selected = {t.code for t in self.terms}
        open_tops = {code.split(".")[0] for code in selected}
        terms = list(TaxonomyTerm.objects.all())
        values = []
        for top in (t for t in terms if t.parent_id is None):
            count = len(org_ids.get(top.code, ()))
            children = []
            if top.code in open_tops:
                for child in (t for t in terms if t.parent_id == top.pk):
                    n = len(org_ids.get(child.code, ()))
                    if n or child.code in selected:
                        children.append(FacetValue(child.code, child.name, n, child.code in selected))
                children.sort(key=lambda v: str(v.label).lower())
            if count or top.code in selected or children:
                values.append(FacetValue(top.code, top.name, count, top.code in selected, children))
        values.sort(key=lambda v: str(v.label).lower())
        return Facet("type", FACET_LABELS["type"], values)

    def _group_facet(self):
        # Each count is what choosing that group as well would give (groups combine with AND).
        chosen = Q()
        for key in self.groups:
            chosen &= GROUP_QS[key]
        counts = self.services(exclude="group").aggregate(
            **{key: Count("organization_id", distinct=True, filter=chosen & q) for key, q in GROUP_QS.items()}
        )
        values = [
            FacetValue(key, label, counts[key] or 0, key in self.groups)
            for key, label, _q in GROUPS
            if counts[key] or key in self.groups
        ]
        return Facet("group", FACET_LABELS["group"], values)

    def _language_facet(self):
        rows = (
            ServiceLanguage.objects.filter(service__in=self.services(exclude="language"))
            .order_by()
            .values_list("service__organization_id", "language_id")
            .distinct()
        )
        org_ids = defaultdict(set)
        for org_id, language_id in rows:
            org_ids[language_id].add(org_id)
        selected_ids = {lang.pk for lang in self.languages}
        values = [
            FacetValue(lang.code, lang.name_en, len(org_ids.get(lang.pk, ())), lang.pk in selected_ids)
            for lang in Language.objects.filter(pk__in=set(org_ids) | selected_ids)
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
        params += [("country", a.slug) for a in self.countries]
        params += [("province", a.slug) for a in self.provinces]
        params += [("type", t.code) for t in self.terms]
        params += [("group", g) for g in self.groups]
        params += [("language", lang.code) for lang in self.languages]
        return params

    def query_string(self, without=None, **extra):
        """A link to the listing with these filters, less `without` (key, value), plus `extra`."""
        params = [p for p in self.url_params() if p != without]
        params += [(k, v) for k, v in extra.items() if v is not None]
        path = reverse("directory:index")
        return f"{path}?{urlencode(params)}" if params else path

    def active_filters(self):
        """[(facet label, value label, link without it)] for the "active filters" list."""
        labels = {
            "country": {a.slug: a.name for a in self.countries},
            "province": {a.slug: a.name for a in self.provinces},
            "type": {t.code: t.name for t in self.terms},
            "group": {g: GROUP_LABELS[g] for g in self.groups},
            "language": {lang.code: lang.name_en for lang in self.languages},
        }
        active = []
        if self.q:
            active.append(("q", FACET_LABELS["q"], self.q, self.query_string(without=("q", self.q))))
        for key, value in self.url_params():
            if key in ("q", "sort"):
                continue
            active.append(
                (key, FACET_LABELS[key], labels[key][value], self.query_string(without=(key, value)))
            )
        return active

    def sort_links(self):
        """[(key, label, link)] of the orders to offer (only with words: without them it is A-Z)."""
        if not self.words:
            return []
        links = []
        for key, label in SORT_LABELS.items():
            params = [p for p in self.url_params() if p[0] != "sort"]
            if key != self.default_sort:
                params.append(("sort", key))
            links.append((key, label, f"{reverse('directory:index')}?{urlencode(params)}"))
        return links


class _PagedById:
    """A queryset shown in a given order of primary keys; Paginator slices it, and each slice
    fetches only its own rows (with the queryset's prefetches)."""

    def __init__(self, queryset, order):
        self.queryset = queryset
        self.order = order

    def count(self):
        return len(self.order)

    def __len__(self):
        return len(self.order)

    def __getitem__(self, index):
        pks = self.order[index] if isinstance(index, slice) else [self.order[index]]
        rows = {o.pk: o for o in self.queryset.filter(pk__in=pks)}
        page = [rows[pk] for pk in pks if pk in rows]
        return page if isinstance(index, slice) else page[0]
