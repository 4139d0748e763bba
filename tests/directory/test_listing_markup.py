"""The directory listing's result cards and filter boxes are rendered in Python
(directory/templatetags/listing_tags.py, issue 13); their markup must stay what the templates
gave, to the byte: the browser and accessibility tests, the stylesheet and the other tests read it.

The cards' template (components/result.html) is kept below as it was, and rendered beside the
listing for the very objects the listing showed, in English and in Khmer; the filter boxes are
compared with components/facet.html, which the search, map and library pages still use.
"""

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from directory.models import Organization, OrganizationName
from directory.templatetags.listing_tags import facet_boxes, result_cards
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
  {% if org.status != "active" %}
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
  {% endwith %}
</li>
"""  # noqa: E501


@pytest.fixture
def listing(make_org, make_service):
    """Organizations covering every branch of a card: acronyms and user text with markup
    characters, demo, closed with a live successor, renamed with a draft one, inactive, no
    province, a long description, more than five services, a type named as its service."""
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
    return Organization.objects.filter(live=True)


def _shown(client, language, params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("directory:index"), params, follow=True)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("language", ["en", "km"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "SHELTER"},
        {"type": "SHELTER.SHORT", "group": "children"},
        {"q": "org"},
        {"country": "th"},
    ],
)
def test_cards_and_filter_boxes_are_the_templates_markup(client, listing, language, params):
    response = _shown(client, language, params)
    html = response.content.decode()
    page = response.context["page_obj"]
    facets = response.context["shown_facets"]
    with translation.override(language):
        old = engines["django"].from_string(RESULT_TEMPLATE)
        cards = "".join(old.render({"org": org}) for org in page.object_list)
        boxes = "".join(render_to_string("components/facet.html", {"facet": facet}) for facet in facets)
        assert result_cards(page.object_list) == cards
        assert facet_boxes(facets) == boxes
    translation.activate(settings.LANGUAGE_CODE)
    assert cards and cards in html
    assert boxes and boxes in html


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
