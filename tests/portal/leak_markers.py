"""Marker records for the leak crawler: one unguessable token per secret, at every tier.

`seed()` creates, through the ordinary models, an organization whose phones, e-mails, contacts,
locations and services carry public, partners and restricted markers; a shelter in a commune
with exact coordinates; an office where a shelter service is offered (confidential by the
service, although the location is typed "office"); partners and restricted library items with
files, hidden-only topics and a file shared by a public and a restricted item; and things that
nobody outside the admin may see (an unpublished organization, service and library item, an
editor's note, a recorded misspelling). It returns a `Seeded` with the markers by audience and
the objects the crawler needs to fill URL parameters.

Word markers are letters only, so every tokenizer keeps each one as a single word.
"""

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus, unquote

import phonenumbers
from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents.models import Document as WagtailDocument

from directory.models import (
    Area,
    Location,
    OrganizationContact,
    OrganizationName,
    OrganizationPhone,
    ServiceAtLocation,
    ServiceContact,
    ServicePhone,
)
from library.demo.loader import index_page
from library.models import LibraryDocumentPage

# Audiences: a marker is forbidden to every viewer listed.
ANONYMOUS = "anonymous"
PARTNER = "partner"

# The shelter's commune (Battambang district, Battambang province). Session fixtures load no
# communes, so this one is created here and no other record or page can carry its names.
COMMUNE = {"key": "KH:020306", "code": "020306", "en": "Kdol Doun Teav", "km": "ក្ដុលដូនទាវ"}

# Exact points, each far from every public point and area centre of the test data.
SHELTER_POINT = (13.087431, 103.218657)  # partners shelter in the commune above
OFFICE_SHELTER_POINT = (12.534716, 104.193482)  # "office" where a shelter service is offered
RESTRICTED_POINT = (11.612843, 104.873529)  # restricted office
PUBLIC_POINT = (11.562108, 104.916011)  # public office (allowed everywhere)


@dataclass
class Marker:
    label: str  # what the secret is, for the report
    tier: str  # "partners", "restricted", "hidden" (unpublished or editor-only), "place"
    forms: list  # literal strings, matched case-insensitively
    patterns: list = field(default_factory=list)  # compiled regexes (coordinates)
    word: str = ""  # a single searchable word, for ?q= probes ("" when not searchable)

    def find(self, haystack_lower, haystack):
        for form in self.forms:
            at = haystack_lower.find(form.lower())
            if at >= 0:
                return at, form
        for pattern in self.patterns:
            match = pattern.search(haystack)
            if match:
                return match.start(), match.group(0)
        return None


def phone_forms(e164):
    """Every way a page, export or search index may print a phone number."""
    parsed = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    rfc = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966)
    significant = phonenumbers.national_significant_number(parsed)
    return sorted(
        {
            e164,
            national,
            international,
            rfc.removeprefix("tel:"),
            re.sub(r"\D", "", national),  # 023917364
            significant,  # 23917364 (also inside +85523917364 and 85523917364)
            "-".join(national.split()),
            ".".join(national.split()),
        }
    )


def coordinate_patterns(value):
    """A hidden coordinate at 3 to 6 decimals, truncated or rounded, with any trailing digits
    (13.087, 13.0874, 13.08743, 13.087431, 13.08743000 ...), not preceded by a digit or point."""
    text = f"{value:.10f}"
    whole, decimals = text.split(".")
    forms = {f"{whole}.{decimals[:3]}"}
    forms |= {f"{round(value, d):.{d}f}" for d in range(3, 7)}
    return [re.compile(r"(?<![\d.])" + re.escape(form)) for form in sorted(forms)]


def point_marker(label, tier, point):
    lat, lng = point
    return Marker(label, tier, [], coordinate_patterns(lat) + coordinate_patterns(lng))


def one_letter_off(word):
    """The word with its second-to-last letter replaced: one edit away, still unguessable."""
    i = len(word) - 2
    swap = "x" if word[i].lower() != "x" else "y"
    return word[:i] + swap + word[i + 1 :]


# -- echo removal ------------------------------------------------------------------------------
def echo_forms(values):
    """The forms in which a response may repeat what the request said (a search box keeps the
    query, a sign-in link carries ?next=<path>): these are not leaks and are removed before
    scanning. Only strings of four characters or more are removed."""
    forms = set()
    for value in values:
        for v in {value, unquote(value)}:
            if len(v) < 4:
                continue
            forms |= {
                v,
                quote(v, safe=""),
                quote(v, safe="/"),
                quote_plus(v),
                quote_plus(v, safe="/"),
                html.escape(v),
                html.escape(quote_plus(v)),
                json.dumps(v)[1:-1],
                " ".join(v.split()),
                v.replace(" ", "+"),  # a query string after percent-decoding
                slugify(v),  # an id="facet-issuer-<value>" made from the value given
            }
            forms |= {f.lower() for f in forms}
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def remove_echoes(text, values):
    forms = echo_forms(values)
    if not forms:
        return text
    return re.sub("|".join(re.escape(f) for f in forms), " «echo» ", text, flags=re.IGNORECASE)


def readable(raw, content_type=""):
    """Response text in the form a person (or a script) would read it: percent-escapes,
    HTML entities and JSON \\u escapes decoded; vCard/iCalendar folded lines joined."""
    text = raw.decode("utf-8", errors="replace")
    if "vcard" in content_type or "calendar" in content_type:
        text = text.replace("\r\n ", "").replace("\n ", "")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(text)
    return text + "\n" + unquote(text)  # (unquote leaves a malformed escape as it is)


# -- the seeded world --------------------------------------------------------------------------
@dataclass
class Seeded:
    markers: dict  # audience -> [Marker] forbidden to that audience
    must_show_partner: list  # markers a partner must see somewhere (the crawl is not vacuous)
    org: object = None
    draft_org: object = None
    public_doc: object = None
    shared_public_doc: object = None
    hidden_docs: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # Wagtail documents (files)
    contacts: list = field(default_factory=list)  # (kind, pk)
    commune: object = None
    hidden_topics: list = field(default_factory=list)  # (slug, name)
    hidden_issuers: list = field(default_factory=list)
    points: dict = field(default_factory=dict)


def _file(name, text):
    document = WagtailDocument(title=name)
    document.file.save(name, ContentFile(text.encode()), save=False)
    document.save()
    return document


def _doc(library, *, slug, title, access_level, topics=(), live=True, **fields):
    page = LibraryDocumentPage(title=title, slug=slug, access_level=access_level, live=live, **fields)
    library.add_child(instance=page)
    page.topics.set(list(topics))
    page.save()
    return page


def _commune():
    district = Area.objects.get(key="KH:0203")
    commune, _created = Area.objects.get_or_create(
        key=COMMUNE["key"],
        defaults={
            "kind": "commune",
            "code": COMMUNE["code"],
            "slug": "kh-" + COMMUNE["code"],
            "name_en": COMMUNE["en"],
            "name_km": COMMUNE["km"],
            "parent": district,
            "country": district.country,
            "province": district.province,
        },
    )
    # The names must be markers of this commune alone.
    others = Area.objects.exclude(pk=commune.pk)
    assert not others.filter(name_en__icontains=COMMUNE["en"]).exists()
    assert not others.filter(name_km__contains=COMMUNE["km"]).exists()
    return commune


def seed(make_org, make_service):
    """Create every marker record; the caller rebuilds the search index afterwards."""
    commune = _commune()
    org = make_org(
        "Crawler Shelter Network",
        slug="crawler-shelter-network",
        area_key="KH:02",
        email="leakpartnerorgmailqz@example.org",
        email_visibility="partners",
        description="Runs a reception service and safe houses in Battambang.",
    )
    OrganizationName.objects.create(organization=org, name="Krawlor Sheltqz Netwark", kind="misspelling")
    OrganizationName.objects.create(organization=org, name="CSN", kind="acronym")
    phones = {"public": "+85523555101", "partners": "+85523917364", "restricted": "+85523684915"}
    for tier, number in phones.items():
        OrganizationPhone.objects.create(
            organization=org, number=number, channel="voice", visibility=tier, description=f"{tier} line"
        )
    OrganizationContact.objects.create(
        organization=org, role="Intake desk", visibility="public", email="intake@example.org"
    )
    partner_contact = OrganizationContact.objects.create(
        organization=org,
        role="Case coordinator",
        name="Vannak LEAKPARTNERNAMEQZ",
        email="leakpartnermailqz@example.org",
        phone="+85597315862",
        visibility="partners",
    )
    restricted_contact = OrganizationContact.objects.create(
        organization=org,
        role="Night duty",
        name="Sophea LEAKRESTRICTEDNAMEQZ",
        email="leakrestrictedmailqz@example.org",
        phone="+85517592640",
        visibility="restricted",
    )
    shelter = Location.objects.create(
        organization=org,
        name="LEAKSHELTERNAMEQZ House",
        location_type="shelter",
        area=commune,
        address="LEAKSHELTERADDRQZ Street 12",
        directions="LEAKSHELTERDIRQZ behind the pagoda",
        latitude=SHELTER_POINT[0],
        longitude=SHELTER_POINT[1],
        visibility="partners",
    )
    # Typed "office" and marked public, but a shelter service is offered there: confidential.
    office_shelter = Location.objects.create(
        organization=org,
        name="LEAKOFFICESHELTERNAMEQZ Compound",
        location_type="office",
        area=Area.objects.get(key="KH:04"),
        address="LEAKOFFICESHELTERADDRQZ Road 9",
        latitude=OFFICE_SHELTER_POINT[0],
        longitude=OFFICE_SHELTER_POINT[1],
        visibility="public",
    )
    restricted_office = Location.objects.create(
        organization=org,
        name="LEAKRESTRICTEDPLACEQZ Annex",
        location_type="office",
        area=Area.objects.get(key="KH:12"),
        address="LEAKRESTRICTEDADDRQZ Lane 3",
        latitude=RESTRICTED_POINT[0],
        longitude=RESTRICTED_POINT[1],
        visibility="restricted",
    )
    public_office = Location.objects.create(
        organization=org,
        name="Head office",
        location_type="office",
        area=Area.objects.get(key="KH:12"),
        address="Street 271, Phnom Penh",
        latitude=PUBLIC_POINT[0],
        longitude=PUBLIC_POINT[1],
        visibility="public",
    )
    reception = make_service(org, "Reception and referral", terms=["RECEPT"], areas=["KH:02"])
    ServiceAtLocation.objects.create(service=reception, location=public_office)
    ServicePhone.objects.create(
        service=reception,
        number="+85512846027",
        channel="hotline",
        visibility="partners",
        description="referrals",
    )
    ServicePhone.objects.create(
        service=reception,
        number="+85516729438",
        channel="hotline",
        visibility="restricted",
        description="nights",
    )
    service_contact = ServiceContact.objects.create(
        service=reception,
        role="Referral officer",
        name="Dara LEAKSERVICEPARTNERNAMEQZ",
        email="leakservicepartnermailqz@example.org",
        visibility="partners",
    )
    safe_house = make_service(
        org,
        "Safe house placement",
        terms=["SHELTER.SHORT"],
        areas=["KH:02", "KH:04"],
        email="leakrestrictedsvcmailqz@example.org",
        email_visibility="restricted",
    )
    ServiceAtLocation.objects.create(service=safe_house, location=shelter)
    ServiceAtLocation.objects.create(service=safe_house, location=office_shelter)
    restricted_svc = make_service(org, "Legal accompaniment", terms=["LEGAL"], areas=["KH:12"])
    ServiceAtLocation.objects.create(service=restricted_svc, location=restricted_office)
    make_service(org, "LEAKDRAFTSERVICEQZ outreach", terms=["HELP"], areas=["KH:02"], live=False)

    draft_org = make_org("LEAKDRAFTORGQZ Foundation", slug="crawler-draft-org", live=False, area_key="KH:02")
    OrganizationPhone.objects.create(organization=draft_org, number="+85523470913", visibility="public")
    make_service(draft_org, "Draft counselling", terms=["HELP"], areas=["KH:02"])

    # -- library ----------------------------------------------------------------------------
    library = index_page()
    partners_file = _file("partners-review.txt", "Shelter capacity review. LEAKPARTNERFILETEXTQZ figures.")
    restricted_file = _file("restricted-log.txt", "Incident log. LEAKRESTRICTEDFILETEXTQZ entries.")
    shared_file = _file("shared-annex.txt", "Annex shared by two items. LEAKSHAREDFILETEXTQZ details.")
    public_file = _file("public-guide.txt", "Guide to safe migration for returning workers.")
    public_doc = _doc(
        library,
        slug="crawler-public-guide",
        title="Crawler public guide to safe migration",
        access_level="public",
        document_type="guideline",
        issuer_name="Crawler Shelter Network",
        year=2021,
        abstract="A public guide for returning migrant workers.",
        editor_notes="LEAKEDITORNOTEQZ check the figures with the provincial office",
        topics=["safe migration"],
        file=public_file,
    )
    shared_public = _doc(
        library,
        slug="crawler-public-annex",
        title="Crawler public annex",
        access_level="public",
        document_type="report",
        issuer_name="Crawler Shelter Network",
        year=2020,
        abstract="Public summary of an annex.",
        file=shared_file,
    )
    partners_doc = _doc(
        library,
        slug="leakpartnerslugqz",
        title="LEAKPARTNERTITLEQZ shelter capacity assessment",
        alternative_titles="LEAKPARTNERALTQZ review",
        access_level="partners",
        document_type="report",
        issuer_name="LEAKPARTNERISSUERQZ Coalition",
        authors="Leakpartnerauthorqz, Dara",
        year=2019,
        abstract="Confidential LEAKPARTNERABSTRACTQZ review of shelter capacity.",
        topics=["Leakpartnertopicqz casework"],
        file=partners_file,
    )
    restricted_doc = _doc(
        library,
        slug="leakrestrictedslugqz",
        title="LEAKRESTRICTEDTITLEQZ incident log",
        alternative_titles="LEAKRESTRICTEDALTQZ log",
        access_level="restricted",
        document_type="dataset",
        issuer_name="LEAKRESTRICTEDISSUERQZ Centre",
        authors="Leakrestrictedauthorqz, Sok",
        year=2018,
        abstract="LEAKRESTRICTEDABSTRACTQZ incident notes.",
        topics=["Leakrestrictedtopicqz intake"],
        file=restricted_file,
    )
    shared_restricted = _doc(
        library,
        slug="crawler-restricted-annex",
        title="LEAKRESTRICTEDANNEXTITLEQZ annex",
        access_level="restricted",
        document_type="report",
        year=2020,
        abstract="Restricted use of the shared annex.",
        file=shared_file,
    )
    draft_doc = _doc(
        library,
        slug="crawler-draft-doc",
        title="LEAKDRAFTDOCQZ unpublished study",
        access_level="public",
        document_type="report",
        year=2022,
        live=False,
    )

    phone = lambda label, tier, e164: Marker(label, tier, phone_forms(e164), word=phone_forms(e164)[0])  # noqa: E731

    def words(label, tier, *tokens):
        return [Marker(f"{label} ({t})", tier, [t], word=t) for t in tokens]

    partners = [
        phone("partners organization phone", "partners", phones["partners"]),
        phone("partners service phone", "partners", "+85512846027"),
        phone("partners contact phone", "partners", "+85597315862"),
        Marker(
            "partners organization e-mail", "partners", ["leakpartnerorgmailqz"], word="leakpartnerorgmailqz"
        ),
        Marker("partners contact e-mail", "partners", ["leakpartnermailqz"], word="leakpartnermailqz"),
        Marker("partners service contact e-mail", "partners", ["leakservicepartnermailqz"]),
        *words("partners named contact", "partners", "LEAKPARTNERNAMEQZ", "LEAKSERVICEPARTNERNAMEQZ"),
        *words("shelter", "partners", "LEAKSHELTERADDRQZ", "LEAKSHELTERNAMEQZ", "LEAKSHELTERDIRQZ"),
        *words("office where a shelter service is offered", "partners", "LEAKOFFICESHELTERADDRQZ"),
        *words("office where a shelter service is offered", "partners", "LEAKOFFICESHELTERNAMEQZ"),
        *words(
            "partners library item",
            "partners",
            "LEAKPARTNERTITLEQZ",
            "LEAKPARTNERALTQZ",
            "LEAKPARTNERABSTRACTQZ",
            "LEAKPARTNERISSUERQZ",
            "Leakpartnerauthorqz",
            "LEAKPARTNERFILETEXTQZ",
        ),
        Marker("partners library item (slug)", "partners", ["leakpartnerslugqz"]),
        *words("partners-only topic", "partners", "Leakpartnertopicqz"),
    ]
    restricted = [
        phone("restricted organization phone", "restricted", phones["restricted"]),
        phone("restricted service phone", "restricted", "+85516729438"),
        phone("restricted contact phone", "restricted", "+85517592640"),
        Marker(
            "restricted contact e-mail", "restricted", ["leakrestrictedmailqz"], word="leakrestrictedmailqz"
        ),
        Marker(
            "restricted service e-mail",
            "restricted",
            ["leakrestrictedsvcmailqz"],
            word="leakrestrictedsvcmailqz",
        ),
        *words("restricted named contact", "restricted", "LEAKRESTRICTEDNAMEQZ"),
        *words("restricted office", "restricted", "LEAKRESTRICTEDADDRQZ", "LEAKRESTRICTEDPLACEQZ"),
        point_marker("restricted office coordinates", "restricted", RESTRICTED_POINT),
        *words(
            "restricted library item",
            "restricted",
            "LEAKRESTRICTEDTITLEQZ",
            "LEAKRESTRICTEDALTQZ",
            "LEAKRESTRICTEDABSTRACTQZ",
            "LEAKRESTRICTEDISSUERQZ",
            "Leakrestrictedauthorqz",
            "LEAKRESTRICTEDFILETEXTQZ",
            "LEAKRESTRICTEDANNEXTITLEQZ",
        ),
        Marker("restricted library item (slug)", "restricted", ["leakrestrictedslugqz"]),
        *words("restricted-only topic", "restricted", "Leakrestrictedtopicqz"),
        *words(
            "text of a file shared by a public and a restricted item", "restricted", "LEAKSHAREDFILETEXTQZ"
        ),
    ]
    hidden = [
        *words("unpublished organization", "hidden", "LEAKDRAFTORGQZ"),
        phone("unpublished organization's phone", "hidden", "+85523470913"),
        *words("unpublished service", "hidden", "LEAKDRAFTSERVICEQZ"),
        *words("unpublished library item", "hidden", "LEAKDRAFTDOCQZ"),
        *words("editor's note", "hidden", "LEAKEDITORNOTEQZ"),
        # A recorded misspelling helps search find the organization, but is never shown.
        Marker("recorded misspelling", "hidden", ["Krawlor Sheltqz"]),
    ]
    places = [
        point_marker("shelter coordinates", "place", SHELTER_POINT),
        point_marker("office-with-shelter-service coordinates", "place", OFFICE_SHELTER_POINT),
        Marker("shelter's commune (English)", "place", [COMMUNE["en"]], word=COMMUNE["en"]),
        Marker("shelter's commune (Khmer)", "place", [COMMUNE["km"]], word=COMMUNE["km"]),
    ]
    # A partner must see these somewhere, or the crawl proves nothing.
    by_word = {m.word: m for m in partners if m.word}
    partner_must_see = [partners[0], by_word["LEAKSHELTERADDRQZ"], by_word["LEAKPARTNERTITLEQZ"]]
    return Seeded(
        markers={
            ANONYMOUS: partners + restricted + hidden + places,
            PARTNER: restricted + hidden,
        },
        must_show_partner=partner_must_see,
        org=org,
        draft_org=draft_org,
        public_doc=public_doc,
        hidden_docs=[partners_doc, restricted_doc, shared_restricted, draft_doc],
        documents=[public_file, partners_file, restricted_file, shared_file],
        contacts=[
            ("org", partner_contact.pk),
            ("org", restricted_contact.pk),
            ("org", OrganizationContact.objects.get(organization=org, visibility="public").pk),
            ("service", service_contact.pk),
        ],
        commune=commune,
        hidden_topics=[
            ("leakpartnertopicqz-casework", "partners"),
            ("leakrestrictedtopicqz-intake", "restricted"),
        ],
        hidden_issuers=[
            ("LEAKPARTNERISSUERQZ Coalition", "partners"),
            ("LEAKRESTRICTEDISSUERQZ Centre", "restricted"),
        ],
        points={
            "shelter": (SHELTER_POINT, "partners"),
            "office_shelter": (OFFICE_SHELTER_POINT, "partners"),
            "restricted": (RESTRICTED_POINT, "restricted"),
        },
        shared_public_doc=shared_public,
    )
