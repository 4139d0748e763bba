"""The directory listing's result cards and filter boxes are rendered in Python
(directory/templatetags/listing_tags.py, issue 13); their markup must stay what the templates
gave, to the byte: the browser and accessibility tests, the stylesheet and the other tests read it.

The cards' template (components/result.html) is kept below as it was, and rendered for the
organizations the listing showed as the listing once read them: model instances from the ORM
with their country, area, province and successor, acronyms and services' types from their
relations, and translations applied here field by field, independently of the listing's own rows
(directory/listing_rows.py, plain values from three SQL statements). The filter boxes are
compared with components/facet.html, which the search, map and library pages still use.
"""

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from directory.best_contact import best_reach
from directory.models import Organization, OrganizationName, OrganizationPhone, Service, ServicePhone
from directory.templatetags.listing_tags import facet_boxes, result_cards
from tests.conftest import build_tiered_org
from tests.search.conftest import make_live_copy_in

RESULT_TEMPLATE = """{% load i18n %}<li class="result{% if org.is_closed %} closed{% endif %}" data-testid="result" data-slug="{{ org.slug }}">
  <h3 class="result-title">
    <a href="{{ org.get_absolute_url }}">{{ org.name }}</a>{% with acronyms=org.listed_acronyms %}{% if acronyms %} <span class="acronyms">({{ acronyms|join:", " }})</span>{% endif %}{% endwith %}
    {% if org.is_demo %}<span class="badge demo" data-testid="demo-badge">{% trans "Demo" %}</span>{% endif %}
    {% if org.untranslated %}{% include "includes/untranslated_note.html" %}{% endif %}
  </h3>
  <p class="result-meta">
    <span class="org-type">{{ org.get_org_type_display }}</span> ·
    <span class="place">{% if org.area and org.area.province %}{{ org.area.province.name }}, {% endif %}{{ org.country.name }}</span>
  </p>
  {% with reach=org.reach %}{% if reach %}<div class="result-reach" data-testid="result-reach">{% with call=reach.call %}{% if call %}<a class="call button" href="{{ call.tel_uri }}" data-testid="call-link">{% trans "Call" %} <span class="number">{{ call.display }}</span></a>{% if not call.verified_on %} <span class="badge warn unverified">{% trans "number not yet verified" %}</span>{% endif %}{% if call.hours %} <span class="hours small">{% trans "Hours:" %} {{ call.hours }}</span>{% endif %}{% endif %}{% endwith %}{% for phone, uri in reach.messages %}{% if uri %} <a class="message" href="{{ uri }}" rel="noopener noreferrer" data-testid="message-link">{{ phone.get_channel_display }}</a>{% else %} <span class="message">{{ phone.get_channel_display }}: {{ phone.display }}</span>{% endif %}{% endfor %}</div>
  {% endif %}{% endwith %}{% if org.status != "active" %}
  <p class="status status-{{ org.status }}" data-testid="result-status">
    <span class="badge{% if org.is_closed %} warn{% endif %}">{{ org.get_status_display }}</span>
    {% if org.successor and org.successor.live %}{% trans "Now:" %} <a href="{{ org.successor.get_absolute_url }}" data-testid="successor-link">{{ org.successor.name }}</a>{% endif %}
  </p>
  {% endif %}
  {% if org.description %}<p class="result-description">{{ org.description|truncatechars:220 }}</p>{% endif %}
  {% with services=org.matching_services %}
  {% if services %}
  <ul class="result-services" aria-label="{% trans 'Services' %}">
    {% for service in services|slice:":5" %}
    <li><a href="{{ org.get_absolute_url }}#service-{{ service.pk }}">{{ service.name }}</a>{% if service.untranslated and not org.untranslated %} {% include "includes/untranslated_note.html" %}{% endif %}
      {% for term in service.listed_terms %}{% with term_name=term.name %}{% if term_name != service.name %}<span class="badge type">{{ term_name }}</span> {% endif %}{% endwith %}{% endfor %}
    </li>
    {% endfor %}
  </ul>
  {% if services|length > 5 %}<p class="more muted small"><a href="{{ org.get_absolute_url }}#services">{% blocktrans count counter=services|length|add:"-5" %}and {{ counter }} more service{% plural %}and {{ counter }} more services{% endblocktrans %}</a></p>{% endif %}
  {% endif %}
  <p class="result-actions"><button type="button" class="list-add" data-list-add="o:{{ org.translation_key }}" hidden>{% trans "Add to referral list" %}</button></p>
  {% endwith %}
</li>
"""  # noqa: E501


HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture
def listing(make_org, make_service):
    """Organizations covering every branch of a card: acronyms and user text with markup
    characters, demo, closed with a live successor, renamed with a draft one, inactive, no
    province, a long description, more than five services, a type named as its service, no
    services at all, hostile text in every field a card shows, Khmer and Thai titles (whole,
    and with a blank field), and an organization with content of every tier."""
    heir = make_org("Heir & Sons <Foundation>", slug="heir", area_key="KH:02")
    make_service(heir, "Shelter", terms=["SHELTER"], serves_children=True)  # type named as the service
    draft_heir = make_org("Draft heir", slug="draft-heir", live=False)
    closed = make_org(
        'Closed "Quotes" Org',
        slug="closed",
        status="merged",
        successor=heir,
        is_demo=True,
        description="<b>Bold</b> & " + "long text " * 40,
    )
    make_service(closed, "Old <hotline>", terms=["HELP.TIP", "LEGAL.ADVICE"], languages=["km"])
    make_org(
        "Renamed Org", slug="renamed", status="renamed", successor=draft_heir, country="TH", area_key=None
    )
    make_org("Sleeping Org", slug="sleeping", status="inactive", area_key=None)
    many = make_org("Many Services", slug="many", area_key="KH:12", description="Seven services.")
    for n in range(7):
        make_service(
            many, f"Service {n} <{n}>", terms=["SHELTER.SHORT"] if n % 2 else [], serves_children=True
        )
    OrganizationName.objects.create(organization=many, name="M&S", kind="acronym")
    OrganizationName.objects.create(organization=many, name="<MS>", kind="acronym")
    make_live_copy_in("km", many, name="សេវាច្រើន", description="")  # a blank field: noted
    make_org("Quiet Org Without Services", slug="quiet", area_key="KH:02", description="No services yet.")
    hostile = make_org(HOSTILE, slug="hostile", area_key="KH:02", description=HOSTILE, status="closed")
    OrganizationName.objects.create(organization=hostile, name=HOSTILE, kind="acronym")
    hostile_service = make_service(hostile, HOSTILE, terms=["SHELTER.SHORT"], serves_children=True)
    make_live_copy_in("km", hostile, name=f"ខ្មែរ {HOSTILE}", description=f"ពិពណ៌នា {HOSTILE}")
    make_live_copy_in("th", hostile, name=f"ไทย {HOSTILE}", description="")
    make_live_copy_in("km", hostile_service, name=f"សេវា {HOSTILE}", description="")
    titled = make_org("Reception Centre", slug="titled", area_key="KH:02", description="Receives migrants.")
    titled_service = make_service(titled, "Emergency shelter", terms=["SHELTER"], description="Short stays.")
    make_service(titled, "Legal advice", terms=["LEGAL"], description="Free advice.")  # no translation
    make_live_copy_in("km", titled, name="មណ្ឌលទទួល", description="ទទួលជនចំណាកស្រុក។")
    make_live_copy_in("th", titled, name="ศูนย์รับตัว", description="รับแรงงาน")
    make_live_copy_in("km", titled_service, name="ជម្រកបន្ទាន់", description="ស្នាក់នៅខ្លី។")
    make_live_copy_in("th", titled_service, name="ที่พักฉุกเฉิน", description="")
    build_tiered_org(make_org, make_service)
    return Organization.objects.filter(live=True)


def _in_order(rows):
    """Orderable rows in the editor's order (a row without a sort order last), then by id."""
    return sorted(rows, key=lambda row: (row.sort_order is None, row.sort_order or 0, row.pk))


def _localized(record, language, model):
    """`record` with the name and description of its live translation in `language`, field by
    field (a blank translated field, or no translation, keeps the original and is noted)."""
    record.untranslated = False
    locale = Locale.objects.filter(language_code=language).first()
    if language == settings.LANGUAGE_CODE or locale is None:
        return record
    copy = model.objects.filter(live=True, locale=locale, translation_key=record.translation_key).first()
    if copy is None:
        record.untranslated = True
        return record
    for field in ("name", "description"):
        if getattr(copy, field):
            setattr(record, field, getattr(copy, field))
        elif getattr(record, field):
            record.untranslated = True
    return record


def _as_once_read(listed, language, filtered):
    """The organizations of a listing page as the listing read them before issue 13's rows:
    model instances and their relations (the services shown: those the page shows, which must
    be every live one when nothing filters them)."""
    orgs = []
    for shown in listed:
        org = Organization.objects.select_related("country", "area", "area__province", "successor").get(
            pk=shown.pk
        )
        org.listed_acronyms = [n.name for n in _in_order(org.names.filter(kind="acronym"))]
        live = Service.objects.filter(organization=org, live=True).order_by("name", "pk")
        pks = {s.pk for s in shown.matching_services}
        if not filtered:
            assert pks == {s.pk for s in live}
        services = [s for s in live if s.pk in pks]
        for service in services:
            service.listed_terms = [link.term for link in _in_order(service.term_links.all())]
            _localized(service, language, Service)
        org.matching_services = services
        # The call button: the best of the organization's and its live services' phones that an
        # anonymous visitor may see (directory.best_contact).
        phones = list(org.phones.filter(visibility="public").exclude(number=""))
        phones += list(ServicePhone.objects.filter(service__in=live, visibility="public").exclude(number=""))
        org.reach = best_reach(phones)
        orgs.append(_localized(org, language, Organization))
    return orgs


def _shown(client, language, params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("directory:index"), params, follow=True)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("language", ["en", "km", "th"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "SHELTER"},
        {"type": "SHELTER.SHORT", "group": "children"},
        {"q": "org"},
        {"country": "th"},
        {"page": "2"},
    ],
)
def test_cards_and_filter_boxes_are_the_templates_markup(client, listing, language, params, settings):
    settings.DIRECTORY_PAGE_SIZE = 8  # two pages of the listing's 14 organizations
    response = _shown(client, language, params)
    html = response.content.decode()
    page = response.context["page_obj"]
    facets = response.context["shown_facets"]
    with translation.override(language):
        old = engines["django"].from_string(RESULT_TEMPLATE)
        orgs = _as_once_read(page.object_list, language, filtered=any(k != "page" for k in params))
        cards = "".join(old.render({"org": org}) for org in orgs)
        boxes = "".join(render_to_string("components/facet.html", {"facet": facet}) for facet in facets)
        assert result_cards(page.object_list) == cards
        assert facet_boxes(facets) == boxes
    translation.activate(settings.LANGUAGE_CODE)
    assert cards and cards in html
    assert boxes and boxes in html


def test_every_shape_of_card_is_compared(client, listing, settings):
    """The comparison above meets every branch: an organization without services, with more
    than five, hostile text, translated titles and the tiered organization all reach a page."""
    settings.DIRECTORY_PAGE_SIZE = 8
    slugs = set()
    for page in ("1", "2"):
        response = _shown(client, "km", {"page": page})
        slugs |= {org.slug for org in response.context["page_obj"].object_list}
    translation.activate(settings.LANGUAGE_CODE)
    assert {"quiet", "many", "hostile", "titled", "tiered-shelter-network", "closed", "renamed"} <= slugs


def test_every_branch_of_a_card_is_shown(client, listing):
    html = _shown(client, "km", {}).content.decode()
    assert "Heir &amp; Sons &lt;Foundation&gt;" in html and "<Foundation>" not in html
    assert "(M&amp;S, &lt;MS&gt;)" in html
    assert 'data-testid="demo-badge"' in html and 'data-testid="successor-link"' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp;" in html and "<b>Bold" not in html
    assert "Old &lt;hotline&gt;" in html and "Service 0 &lt;0&gt;" in html
    assert 'href="/km/directory/many/#services"' in html or 'href="/directory/many/#services"' in html
    assert "សេវាច្រើន" in html and 'data-testid="untranslated-note"' in html
    assert "status-renamed" in html and "status-inactive" in html
    assert "មណ្ឌលទទួល" in html and "ជម្រកបន្ទាន់" in html and "Legal advice" in html


ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"


@pytest.mark.parametrize("language", ["en", "km", "th"])
def test_hostile_text_in_a_card_is_escaped(client, listing, language):
    """Markup typed into a name, acronym, description or service name (and their translations)
    is shown as text: it never opens an element on the listing."""
    html = _shown(client, language, {"q": "alert"}).content.decode()
    translation.activate(settings.LANGUAGE_CODE)
    results = html[html.index('<ol class="results"') :]
    results = results[: results.index("</ol>")]
    card = results[results.index('data-slug="hostile"') :]
    assert "<script" not in results and "<img" not in results and "alert(1)>" not in results
    assert ESCAPED in card
    assert card.count(ESCAPED) >= 4  # name, acronym, description, service


def test_a_card_shows_no_phone_above_the_viewers_tier_and_never_an_address_email_or_contact(
    listing, partner_user, editor_user
):
    """A card shows public fields and, since issue 16, the call button of the best phone the
    viewer may see: the public line for everyone; never a phone above the viewer's tier, and
    never an address, email, contact or location name, for anyone."""
    tiered = Organization.objects.get(slug="tiered-shelter-network")
    numbers = {p.visibility: p.number for p in OrganizationPhone.objects.filter(organization=tiered)}
    never = ["SECRET-SHELTER-ADDRESS", "PUBLIC-OFFICE-ADDRESS", "desk@example.org"]
    never += ["info@example.org", "Recovery shelter", "Head office"]
    partner, editor = Client(), Client()
    partner.force_login(partner_user)
    editor.force_login(editor_user)
    above = {
        "public": [numbers["partners"], numbers["restricted"], "+85512000404"],
        "partners": [numbers["restricted"], "+85512000404"],
        "restricted": [],
    }
    for tier, viewer in (("public", Client()), ("partners", partner), ("restricted", editor)):
        html = viewer.get(reverse("directory:index"), {"q": "tiered"}).content.decode()
        assert 'data-slug="tiered-shelter-network"' in html
        assert "Emergency shelter for women and girls" in html
        assert f'href="tel:{numbers["public"]}"' in html or tier != "public"
        for secret in never + above[tier]:
            assert secret not in html, (tier, secret)
