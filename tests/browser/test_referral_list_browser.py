"""A social worker on a phone collects an organization and one of its services into a referral
list, opens it, takes one off, and sends the link to a colleague whose browser has no list."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

ORG = "ministry-of-labour-and-vocational-training"


def stored(page):
    return page.evaluate("JSON.parse(localStorage.getItem('mpp-referral-list') || '[]')")


def entry_names(page):
    return [n.strip() for n in page.get_by_test_id("list-entry").locator("h2 a").all_inner_texts()]


@pytest.mark.parametrize("prefix", ["", "/km"])
def test_add_open_remove_and_share_a_list_on_a_phone(portal_server, browser, phone_page, prefix):
    page = phone_page
    page.goto(f"{portal_server}{prefix}/directory/{ORG}/")
    org_name = page.get_by_test_id("org-name").inner_text().split("(")[0].strip()
    add_org = page.get_by_test_id("list-add-org")
    assert add_org.is_visible() and add_org.get_attribute("aria-pressed") == "false"
    add_org.click()
    assert add_org.get_attribute("aria-pressed") == "true"
    service = page.get_by_test_id("service").first
    service_name = service.locator("h3").inner_text().split("\n")[0].strip()
    service.get_by_test_id("list-add-service").click()
    assert service.get_by_test_id("list-add-service").get_attribute("aria-pressed") == "true"
    assert [e["k"] for e in stored(page)] == ["o", "s"]

    count = page.get_by_test_id("list-count")
    assert "2" in count.inner_text()
    count.click()
    page.wait_for_load_state("load")
    assert re.search(rf"{prefix}/directory/list/\?o=[0-9a-f-]{{36}}&s=[0-9a-f-]{{36}}$", page.url)
    names = entry_names(page)
    assert len(names) == 2 and names[0] == org_name and service_name.startswith(names[1])
    assert page.get_by_test_id("list-privacy").is_visible()
    assert page.get_by_test_id("list-qr").count() == 2
    if prefix == "/km":
        assert "បញ្ជីបញ្ជូនករណី" in page.get_by_test_id("list-heading").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(page, f"referral-list-phone{prefix.replace('/', '-')}")

    # Take the service off: the stored list and the address follow, and a reload keeps it.
    page.get_by_test_id("list-remove").nth(1).click()
    page.wait_for_url(re.compile(r"/directory/list/\?o=[0-9a-f-]{36}$"))
    page.reload()
    assert entry_names(page) == [org_name]
    assert [e["k"] for e in stored(page)] == ["o"]
    assert "1" in page.get_by_test_id("list-count").inner_text()

    # The share link opens the same list in a browser that has never seen it.
    share_url = page.get_by_test_id("share-url").input_value()
    assert re.search(r"/directory/list/\?o=[0-9a-f-]{36}$", share_url)
    sms = page.get_by_test_id("share-sms").get_attribute("href")
    assert sms.startswith("sms:?body=") and org_name not in sms
    colleague = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    other = colleague.new_page()
    other.goto(share_url)
    assert entry_names(other) == [org_name]
    assert other.get_by_test_id("list-save").is_visible()  # not on their list yet
    other.get_by_test_id("list-save").click()
    other.wait_for_load_state("load")
    assert [e["k"] for e in stored(other)] == ["o"]
    colleague.close()


def test_without_javascript_a_shared_list_works_and_no_dead_button_shows(portal_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{portal_server}/directory/{ORG}/")
    assert not page.get_by_test_id("list-add-org").is_visible()
    assert not page.get_by_test_id("list-add-service").first.is_visible()
    org_id = page.get_by_test_id("list-add-org").get_attribute("data-list-add").split(":")[1]
    page.goto(f"{portal_server}/directory/list/?o={org_id}&s=00000000-0000-0000-0000-000000000000")
    assert page.get_by_test_id("list-entry").count() == 1
    assert "1 entry of this list is not available" in page.get_by_test_id("list-unavailable").inner_text()
    assert not page.get_by_test_id("list-remove").is_visible()
    assert not page.get_by_test_id("list-print").is_visible()
    page.goto(f"{portal_server}/directory/list/")
    assert page.get_by_test_id("list-empty").is_visible()
    context.close()


def test_a_list_of_thirty_prints_on_one_a4_page(portal_server, page):
    orgs = page.request.get(f"{portal_server}/api/hsds/v3/organizations/?per_page=15").json()["contents"]
    services = page.request.get(f"{portal_server}/api/hsds/v3/services/?per_page=15").json()["contents"]
    query = "&".join([f"o={o['id']}" for o in orgs] + [f"s={s['id']}" for s in services])
    page.goto(f"{portal_server}/directory/list/?{query}")
    assert page.get_by_test_id("list-entry").count() == 30
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_test_id("list-share").is_visible()
    assert page.get_by_text(re.compile(r"Referral list — printed \d+ \w+ \d{4}")).is_visible()
    screenshot(page, "referral-list-print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the list printed on {pages} pages"
