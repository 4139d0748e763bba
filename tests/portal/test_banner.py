"""The "Demonstration data, not for referrals." banner follows the published demo entries."""

import pytest

pytestmark = pytest.mark.django_db

BANNER_MARK = 'data-testid="demo-banner"'
BANNER_TEXT = "Demonstration data, not for referrals."
PAGES = ["/", "/directory/"]


def has_banner(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert (BANNER_MARK in html) == (BANNER_TEXT in html), url
    return BANNER_MARK in html


@pytest.mark.parametrize("url", PAGES)
def test_banner_when_a_demo_organization_is_live(client, make_org, url):
    make_org("Demo Shelter Network", is_demo=True)
    assert has_banner(client, url)


@pytest.mark.parametrize("url", PAGES)
def test_no_banner_without_demo_entries(client, make_org, make_service, url):
    real = make_org("Real Legal Aid Office")
    make_service(real, "Legal advice", terms=["LEGAL.ADVICE"])
    assert not has_banner(client, url)


@pytest.mark.parametrize("url", PAGES)
def test_draft_demo_organization_does_not_count(client, make_org, make_service, url):
    draft = make_org("Draft Demo Organization", live=False, is_demo=True)
    make_service(draft, "Draft demo service", live=False, is_demo=True)
    make_org("Real Organization")
    assert not has_banner(client, url)


def test_live_demo_service_shows_banner(client, make_org, make_service):
    make_service(make_org("Real Organization"), "Demo hotline", is_demo=True, terms=["HELP.TIP"])
    assert has_banner(client, "/")


def test_banner_disappears_when_demo_entries_are_unpublished(client, make_org):
    demo = make_org("Demo Organization", is_demo=True)
    assert has_banner(client, "/")
    demo.live = False
    demo.save()
    assert not has_banner(client, "/")


def test_banner_shown_to_partners_too(partner_client, make_org):
    make_org("Demo Organization", is_demo=True)
    assert has_banner(partner_client, "/")
