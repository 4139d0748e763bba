"""What the directory puts in the search index: organizations and services, public data only.

Each document is keyed by the record's translation key, so the English and Khmer versions of an
organization are one result: its text holds both languages (a Khmer query finds it in the
English interface) and its display data gives the title, link and snippet text per language.

Only what an anonymous visitor may see goes in: names, descriptions, service types, eligibility,
languages and places. A location's place is taken from its public-tier projection
(`visibility.project_location`): a location the public may not see exactly (a confidential one
included) gives only its district or province, never its commune, name or address, so neither a
hit, a snippet, a facet nor the spelling vocabulary built from these documents can reveal more
than its page shows. Phones, contacts, e-mails and addresses are never indexed at any tier.

The weighted "names" field holds what people type for a record besides its title: acronyms and
aliases, the parent organization's names, service types, and the places where the record is
located; descriptions and the places a service covers go in the body. So "MoLVT Battambang"
reaches the provincial labour department, and an office in Battambang outranks a report that
mentions Battambang.
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.models import Locale

from search import registry
from search.contract import Document

from .filters import GROUP_LABELS, GROUP_QS
from .models import (
    Area,
    AreaKind,
    Language,
    Location,
    Organization,
    OrganizationName,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTerm,
    TaxonomyTerm,
)
from .models.choices import NameKind, OrganizationType, Visibility
from .visibility import allowed_tiers, locations_offering_confidential_services, project_location, viewer_tier

# What `_area_names` and `_Places` read of a record's area (or of the district a hidden
# location is shown as), fetched with it.
AREA_RELATIONS = (
    "area",
    "area__country",
    "area__province",
    "area__parent",
    "area__parent__parent",
    "area__parent__country",
    "area__parent__province",
)


def _ancestors(code):
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _keys(values):
    return [str(v) for v in values]


def _public_area(location, confidential):
    """The area of `location` the public is shown (its projection at the public tier)."""
    return project_location(location, Visibility.PUBLIC, location.pk in confidential).area


def _label_words(record):
    """A service type's or language's names in all five interface languages, as one text: a Thai,
    Vietnamese or Lao reader types the type's name in their language, as a Khmer reader does."""
    names = (record.name_en, record.name_km, record.name_th, record.name_vi, record.name_lo)
    return " ".join(n for n in names if n)


def _area_names(area):
    names = []
    while area is not None:
        names += [area.name_en, area.name_km]
        area = area.parent
    return [n for n in names if n]


def _place_names(areas):
    """Names (English and Khmer) of the places where a record is located: each area with its
    district, province and country. They go in the weighted "names" field, so an office or
    service located in a place outranks a text that merely mentions it. The areas are the public
    projections already (a hidden location gives only its district or province)."""
    seen = []
    for area in areas:
        if area is None:
            continue
        # Only relations fetched with the area (AREA_RELATIONS): no query per record.
        for place in (area, area.parent, area.province, area.country):
            for name in (place.name_en, place.name_km) if place is not None else ():
                if name and name not in seen:
                    seen.append(name)
    return seen


class _Places:
    """Province slugs (with nationwide areas spread over the country) and place names."""

    def __init__(self):
        self._provinces_of = {}

    def provinces_of_country(self, country_id):
        if country_id not in self._provinces_of:
            self._provinces_of[country_id] = list(
                Area.objects.filter(kind=AreaKind.PROVINCE, country_id=country_id).values_list(
                    "slug", flat=True
                )
            )
        return self._provinces_of[country_id]

    def facets(self, located, served):
        """Countries and provinces of where a record sits (`located`) and whom it serves
        (`served`); a service area that is a whole country counts in each of its provinces."""
        countries, provinces = set(), set()
        for area, spread in [(a, False) for a in located] + [(a, True) for a in served]:
            if area is None:
                continue
            if area.country_id:
                countries.add(area.country.slug)
            if area.kind == AreaKind.COUNTRY:
                countries.add(area.slug)
                if spread:
                    provinces.update(self.provinces_of_country(area.pk))
            elif area.province_id:
                provinces.add(area.province.slug)
        return sorted(countries), sorted(provinces)


def _parent_names(orgs):
    """{organization id: names of its published parent organization} (the parent's name in
    each live translation, acronyms, aliases and former names), in two queries."""
    parent_ids = {o.parent_organization_id for o in orgs if o.parent_organization_id}
    if not parent_ids:
        return {}
    live_parents = Organization.objects.filter(pk__in=parent_ids, live=True)
    parents = {p.pk: p for p in live_parents.only("translation_key", "name")}
    names = defaultdict(list)
    for row in Organization.objects.filter(
        translation_key__in=[p.translation_key for p in parents.values()], live=True
    ).values_list("translation_key", "name"):
        names[row[0]].append(row[1])
    for org_id, name in OrganizationName.objects.filter(organization_id__in=parents).values_list(
        "organization_id", "name"
    ):
        names[parents[org_id].translation_key].append(name)
    return {
        o.pk: list(dict.fromkeys(names[parents[o.parent_organization_id].translation_key]))
        for o in orgs
        if o.parent_organization_id in parents
    }


def _services_by_org(org_ids):
    return Service.objects.filter(organization_id__in=org_ids, live=True).select_related("organization")


def _live_translations(model, keys, *related):
    by_key = defaultdict(dict)
    for obj in model.objects.filter(translation_key__in=keys, live=True).select_related("locale", *related):
        by_key[obj.translation_key][obj.locale.language_code] = obj
    return by_key


def _source(translations, default_language):
    return translations.get(default_language) or translations[sorted(translations)[0]]


def _service_details(service_ids):
    """Terms (with their ancestors: a legal-aid sub-type is legal aid too), languages, areas and
    locations of many services, in a few queries."""
    terms, languages, areas, location_areas = (
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
    )
    taxonomy = {t.code: t for t in TaxonomyTerm.objects.all()}
    for service_id, code in ServiceTerm.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "term__code"
    ):
        for ancestor in _ancestors(code):
            if ancestor in taxonomy and taxonomy[ancestor] not in terms[service_id]:
                terms[service_id].append(taxonomy[ancestor])
    for link in ServiceLanguage.objects.filter(service_id__in=service_ids).select_related("language"):
        languages[link.service_id].append(link.language)
    for link in ServiceArea.objects.filter(service_id__in=service_ids).select_related(*AREA_RELATIONS):
        areas[link.service_id].append(link.area)
    loc_rel = tuple(f"location__{a}" for a in AREA_RELATIONS)
    links = list(ServiceAtLocation.objects.filter(service_id__in=service_ids).select_related(*loc_rel))
    confidential = locations_offering_confidential_services([link.location_id for link in links])
    for link in links:
        location_areas[link.service_id].append(_public_area(link.location, confidential))
    groups = defaultdict(list)
    for key, q in GROUP_QS.items():
        for pk in Service.objects.filter(q, pk__in=service_ids).values_list("pk", flat=True):
            groups[pk].append(key)
    return terms, languages, areas, location_areas, groups


class OrganizationKind(registry.SearchKind):
    name = "organization"
    label = _("Organizations")
    models = (Organization, Service)

    def all_ids(self):
        # order_by(): with the model's ordering (name) DISTINCT would keep one row per translation,
        # and a key would come twice (a rebuild then fails on the index's unique key).
        return _keys(
            Organization.objects.filter(live=True)
            .order_by()
            .values_list("translation_key", flat=True)
            .distinct()
        )

    def affected(self, instance):
        if isinstance(instance, Organization):
            # Its units carry its names (a provincial department is found by its ministry's).
            units = Organization.objects.filter(
                parent_organization__translation_key=instance.translation_key
            ).values_list("translation_key", flat=True)
            return [(self.name, str(k)) for k in {instance.translation_key, *units}]
        org = Organization.objects.filter(pk=instance.organization_id).only("translation_key").first()
        return [(self.name, str(org.translation_key))] if org else []

    def documents(self, ids):
        default = Locale.get_default().language_code
        by_key = _live_translations(Organization, ids, "country", *AREA_RELATIONS)
        all_orgs = [o for t in by_key.values() for o in t.values()]
        org_ids = [o.pk for o in all_orgs]
        parents = _parent_names(all_orgs)
        names, shown_names = defaultdict(list), defaultdict(list)
        for name in OrganizationName.objects.filter(organization_id__in=org_ids):
            names[name.organization_id].append(name.name)
            if name.kind != NameKind.MISSPELLING:  # a misspelling helps search; it is never shown
                shown_names[name.organization_id].append(name.name)
        services = defaultdict(list)
        for service in _services_by_org(org_ids):
            services[service.organization_id].append(service)
        service_ids = [s.pk for ss in services.values() for s in ss]
        terms, languages, areas, location_areas, groups = _service_details(service_ids)
        locations = defaultdict(list)
        org_locations = Location.objects.filter(organization_id__in=org_ids)
        confidential = locations_offering_confidential_services(org_locations)
        for loc in org_locations.select_related(*AREA_RELATIONS):
            locations[loc.organization_id].append(_public_area(loc, confidential))
        places = _Places()
        docs = {}
        for key, translations in by_key.items():
            org = _source(translations, default)
            related = [o.pk for o in translations.values()]
            org_services = [s for pk in related for s in services[pk]]
            all_names = [n for pk in related for n in names[pk]]
            display_names = [n for pk in related for n in shown_names[pk]]
            located = [org.area, org.country] + [a for pk in related for a in locations[pk]]
            served = []
            for service in org_services:
                served += areas[service.pk] + location_areas[service.pk]
            countries, provinces = places.facets(located, served)
            codes = sorted({t.code for s in org_services for t in terms[s.pk]})
            docs[str(key)] = Document(
                kind=self.name,
                id=str(key),
                title=org.name,
                url=org.get_absolute_url(),
                # What people type for it: its other names, its parent's names ("MoLVT" finds
                # the provincial labour department) and where it is located.
                names=all_names + parents.get(org.pk, []) + _place_names(located),
                body="\n".join(
                    [o.description for o in translations.values()]
                    + [f"{s.name}\n{s.description}" for s in org_services]
                    + [_label_words(t) for s in org_services for t in terms[s.pk]]
                    + [n for a in served if a is not None for n in _area_names(a)[:4]]
                ),
                facets={
                    "orgtype": [org.org_type],
                    "country": countries,
                    "province": provinces,
                    "type": codes,
                    "language": sorted({lang.code for s in org_services for lang in languages[s.pk]}),
                    "group": sorted({g for s in org_services for g in groups[s.pk]}),
                },
                display={
                    language: self._display(o, display_names, translations, org, services)
                    for language, o in translations.items()
                },
                date=org.last_verified or org.updated_at.date(),
            )
        return docs

    @staticmethod
    def _display(org, all_names, translations, source, services):
        with override(org.locale.language_code):
            parts = [org.description or source.description]
            if all_names:
                parts.append(str(_("Also known as: %(names)s")) % {"names": ", ".join(all_names)})
            shown = services.get(org.pk) or services.get(source.pk) or []
            if shown:
                parts.append(str(_("Services: %(names)s")) % {"names": "; ".join(s.name for s in shown)})
            note, note_url = "", ""
            if source.successor_id and source.successor and source.successor.live:
                note = str(_("Now: %(name)s")) % {"name": source.successor.name}
                note_url = source.successor.get_absolute_url()
            elif source.is_closed:
                note = str(_("Closed"))
        return {
            "title": org.name,
            "url": org.get_absolute_url(),
            "text": "\n".join(p for p in parts if p),
            "note": note,
            "note_url": note_url,
        }


class ServiceKind(registry.SearchKind):
    name = "service"
    label = _("Services")
    models = (Service, Organization)

    def all_ids(self):
        return _keys(
            Service.objects.filter(live=True, organization__live=True)
            .order_by()
            .values_list("translation_key", flat=True)
            .distinct()
        )

    def affected(self, instance):
        if isinstance(instance, Service):
            return [(self.name, str(instance.translation_key))]
        # An organization's name, place and status show on each of its services.
        keys = Service.objects.filter(organization__translation_key=instance.translation_key).values_list(
            "translation_key", flat=True
        )
        return [(self.name, str(k)) for k in set(keys)]

    def documents(self, ids):
        default = Locale.get_default().language_code
        by_key = _live_translations(Service, ids)
        all_services = [s for t in by_key.values() for s in t.values()]
        org_ids = {s.organization_id for s in all_services}
        orgs = {
            o.pk: o
            for o in Organization.objects.filter(pk__in=org_ids, live=True).select_related(
                "country", "locale", *AREA_RELATIONS
            )
        }
        org_names = defaultdict(list)
        for name in OrganizationName.objects.filter(organization_id__in=org_ids):
            org_names[name.organization_id].append(name.name)
        terms, languages, areas, location_areas, groups = _service_details([s.pk for s in all_services])
        places = _Places()
        docs = {}
        for key, translations in by_key.items():
            live = {lang: s for lang, s in translations.items() if s.organization_id in orgs}
            if not live:
                continue  # the organization is not published: neither are its services
            service = _source(live, default)
            org = orgs[service.organization_id]
            related = [s.pk for s in live.values()]
            service_terms = [t for pk in related for t in terms[pk]]
            located = [org.country] + [a for pk in related for a in location_areas[pk]]
            served = [a for pk in related for a in areas[pk]]
            if not served:
                located.append(org.area)
            countries, provinces = places.facets(located, served)
            # Where the service is located: its own (publicly shown) places, else its office.
            sites = [a for pk in related for a in location_areas[pk]] or [org.area, org.country]
            docs[str(key)] = Document(
                kind=self.name,
                id=str(key),
                title=service.name,
                url=f"{org.get_absolute_url()}#service-{service.pk}",
                names=[_label_words(t) for t in service_terms] + _place_names(sites),
                body="\n".join(
                    [orgs[s.organization_id].name for s in live.values()]
                    + org_names[org.pk]
                    + [f"{s.description}\n{s.eligibility_description}" for s in live.values()]
                    + [_label_words(lang) for pk in related for lang in languages[pk]]
                    + [n for a in served if a is not None for n in _area_names(a)[:4]]
                ),
                facets={
                    # The type of the organization offering it: an embassy's services are found
                    # with "Embassy or consulate" on the search page.
                    "orgtype": [org.org_type],
                    "country": countries,
                    "province": provinces,
                    "type": sorted({t.code for t in service_terms}),
                    "language": sorted({lang.code for pk in related for lang in languages[pk]}),
                    "group": sorted({g for pk in related for g in groups[pk]}),
                    # A link, not a facet (a leading "_"): the directory counts organizations
                    # through the services one of them offers (directory/facets.py).
                    "_owner": [str(org.translation_key)],
                },
                display={
                    lang: self._display(s, orgs[s.organization_id], service) for lang, s in live.items()
                },
                date=service.last_verified or service.updated_at.date(),
            )
        return docs

    def parents(self, ids, locale):
        """{service id: (organization key, name in `locale`, page)}: the search page shows a
        few services of one organization and sums up the rest under it."""
        owners = dict(
            Service.objects.filter(translation_key__in=ids, live=True, organization__live=True).values_list(
                "translation_key", "organization__translation_key"
            )
        )
        default = Locale.get_default().language_code
        translations = _live_translations(Organization, set(owners.values()))
        orgs = {key: t.get(locale) or _source(t, default) for key, t in translations.items()}
        return {
            str(key): (str(owner), orgs[owner].name, orgs[owner].get_absolute_url())
            for key, owner in owners.items()
            if owner in orgs
        }

    @staticmethod
    def _display(service, org, source):
        with override(service.locale.language_code):
            parts = [
                str(_("Offered by %(org)s")) % {"org": org.name},
                service.description or source.description,
            ]
        return {
            "title": service.name,
            "url": f"{org.get_absolute_url()}#service-{service.pk}",
            "text": "\n".join(p for p in parts if p),
        }


# -- facet labels -----------------------------------------------------------------------------
def _area_labels(values, locale):
    rows = Area.objects.filter(
        slug__in=values, kind__in=[AreaKind.COUNTRY, AreaKind.PROVINCE]
    ).select_related("country")
    labels = {}
    for area in rows:
        name = area.name_km if locale == "km" and area.name_km else area.name_en
        if area.kind == AreaKind.PROVINCE and area.country_code != "KH" and area.country:
            country = (
                area.country.name_km if locale == "km" and area.country.name_km else area.country.name_en
            )
            name = f"{name} ({country})"
        labels[area.slug] = name
    return labels


def _org_type_labels(values, locale):
    with override(locale):
        return {value: str(label) for value, label in OrganizationType.choices if value in values}


def _type_labels(values, locale):
    return {t.code: t.label(locale) for t in TaxonomyTerm.objects.filter(code__in=values)}


def _language_labels(values, locale):
    return {lang.code: lang.label(locale) for lang in Language.objects.filter(code__in=values)}


def _group_labels(values, locale):
    with override(locale):
        return {key: str(GROUP_LABELS[key]) for key in values if key in GROUP_LABELS}


def _tiers(viewer):
    return allowed_tiers(viewer_tier(viewer))


def register():
    registry.register(OrganizationKind())
    registry.register(ServiceKind())
    registry.register_facet(
        "orgtype", _("Organization type"), _org_type_labels, order=15, reference_labels=True
    )
    registry.register_facet("country", _("Country"), _area_labels, order=20, reference_labels=True)
    registry.register_facet("province", _("Province"), _area_labels, order=30, reference_labels=True)
    registry.register_facet("type", _("Service type"), _type_labels, order=40, reference_labels=True)
    registry.register_facet("group", _("Who it serves"), _group_labels, order=50, reference_labels=True)
    registry.register_facet("language", _("Language"), _language_labels, order=60, reference_labels=True)
    registry.set_tier_resolver(_tiers)
