"""Shared fixtures: reference data once per test database, small factories, viewer clients."""

import itertools
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale

from directory.models import (
    Area,
    Language,
    Location,
    Organization,
    OrganizationContact,
    OrganizationPhone,
    Service,
    ServiceArea,
    ServiceLanguage,
    ServicePhone,
    ServiceTerm,
    TaxonomyTerm,
)

_counter = itertools.count(1)

# tests/deploy drive the production stack that scripts/ci-production starts (PRODUCTION_URL);
# anywhere else there is nothing for them to test, so they are not collected at all.
collect_ignore_glob = [] if os.environ.get("PRODUCTION_URL") else ["deploy/*"]


def pytest_collection_modifyitems(config, items):
    """`sqlite_only` tests exercise what only the SQLite set-up does (`make run`); the
    PostgreSQL pass deselects them (reported as deselected, never as skipped or passed).

    It deselects the `browser` tests too: they drive a portal server started on its own fresh
    SQLite database (tests/browser/conftest.py), whatever DATABASE_URL says, so a second run on
    the PostgreSQL pass repeated the SQLite pass's run (about a third of CI's time)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    kept = [
        item for item in items
        if item.get_closest_marker("sqlite_only") is None and item.get_closest_marker("browser") is None
    ]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept



@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """LocaleMiddleware leaves the last request's language active in the thread; reset it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load gazetteer areas, taxonomy and languages once for the whole session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", "--no-communes", verbosity=0)


def area(key):
    return Area.objects.get(key=key)


def term(code):
    return TaxonomyTerm.objects.get(code=code)


@pytest.fixture
def make_org(db):
    def _make(name=None, *, live=True, country="KH", area_key="KH:12", org_type="national_ngo", **fields):
        n = next(_counter)
        name = name or f"Test Organization {n}"
        org = Organization(
            name=name,
            slug=fields.pop("slug", f"test-org-{n}"),
            org_type=org_type,
            country=Area.objects.get(key=country),
            area=Area.objects.get(key=area_key) if area_key else None,
            locale=Locale.get_default(),
            live=live,
            **fields,
        )
        org.save()
        return org

    return _make


@pytest.fixture
def make_service(db):
    def _make(org, name=None, *, terms=(), areas=(), languages=(), live=True, **fields):
        n = next(_counter)
        service = Service(
            organization=org, name=name or f"Test Service {n}", locale=org.locale, live=live, **fields
        )
        service.save()
        for code in terms:
            ServiceTerm.objects.create(service=service, term=term(code))
        for key in areas:
            ServiceArea.objects.create(service=service, area=area(key))
        for code in languages:
            ServiceLanguage.objects.create(service=service, language=Language.objects.get(code=code))
        return service

    return _make


def build_tiered_org(
    make_org,
    make_service,
    *,
    numbers=("+85523000101", "+85523000202", "+85523000303"),
    hotline="+85512000404",
    shelter_area_key=None,
):
    """An organization with one item of each tier on every kind of record that carries a tier:
    an organization phone and contact of each tier (`numbers`: public, partners, restricted), a
    shelter for partners (in `shelter_area_key`, by default district KH:0203 where districts
    are loaded), a public office, and a service with a restricted hotline (`hotline`)."""
    org = make_org(
        "Tiered Shelter Network",
        slug="tiered-shelter-network",
        email="info@example.org",
        email_visibility="public",
        area_key="KH:02",
    )
    for tier, number in zip(("public", "partners", "restricted"), numbers, strict=True):
        OrganizationPhone.objects.create(
            organization=org, number=number, channel="voice", visibility=tier, description=f"{tier} line"
        )
        OrganizationContact.objects.create(
            organization=org,
            role=f"{tier.title()} desk",
            email=f"{tier}-desk@example.org",
            visibility=tier,
        )
    Location.objects.create(
        organization=org,
        name="Recovery shelter",
        location_type="shelter",
        area=area(
            shelter_area_key or ("KH:0203" if Area.objects.filter(key="KH:0203").exists() else "KH:02")
        ),
        address="SECRET-SHELTER-ADDRESS 42 Street",
        latitude=13.0951,
        longitude=103.2022,
        visibility="partners",
    )
    Location.objects.create(
        organization=org,
        name="Head office",
        location_type="office",
        area=area("KH:02"),
        address="PUBLIC-OFFICE-ADDRESS 7 Road",
        latitude=13.1000,
        longitude=103.2000,
        visibility="public",
    )
    service = make_service(
        org, "Emergency shelter for women and girls", terms=["SHELTER.SHORT"], areas=["KH:02"]
    )
    ServicePhone.objects.create(
        service=service, number=hotline, channel="hotline", visibility="restricted", description="after hours"
    )
    return org


@pytest.fixture
def tiered_org(make_org, make_service):
    """An organization with one item of each tier on every kind of record that carries a tier."""
    return build_tiered_org(make_org, make_service)


@pytest.fixture
def partner_user(db):
    group, _ = Group.objects.get_or_create(name="Partners")
    user = User.objects.create_user("partner", "partner@example.org", "partner-pass-123")
    user.groups.add(group)
    return user


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def editor_user(db):
    return User.objects.create_superuser("editor", "editor@example.org", "editor-pass-123")


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client
