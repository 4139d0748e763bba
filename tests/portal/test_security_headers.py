"""Every response carries the browser security policies: a strict Content-Security-Policy on every
public URL (scripts from our own origin only), the admin's documented variant, a Permissions-Policy,
Referrer-Policy and nosniff; and the admin asks no other host for anything."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from directory.models import OrganizationContact
from library.demo.loader import index_page
from library.models import LibraryDocumentPage
from portal.security_policy import (
    ADMIN_CSP_OVERRIDES,
    admin_csp_directives,
    public_csp_directives,
    url_origin,
)

# Not public pages: the admin has its own policy (tested below); uploaded files are answered by
# Wagtail's document view with its own sandboxing policy; /i18n/ only redirects.
NOT_PUBLIC = ("admin/", "documents/", "i18n/")


def policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_public_policy(response):
    path = response.request["PATH_INFO"]
    csp = policy(response)
    assert csp["script-src"] == ["'self'"], path
    assert "'unsafe-inline'" not in " ".join(csp.get("script-src-elem", []) + csp.get("script-src-attr", []))
    assert csp["object-src"] == ["'none'"], path
    assert csp["base-uri"] == ["'self'"], path
    assert csp["frame-ancestors"] == ["'none'"], path
    assert csp["form-action"] == ["'self'"], path
    assert csp["default-src"] == ["'self'"], path
    assert "'unsafe-inline'" not in csp["style-src"], path
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=(self)", "payment=()", "usb=()"):
        assert feature in permissions, (path, feature)
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path


def _patterns(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route, entry, name


@pytest.fixture
def public_urls(tiered_org):
    """One concrete URL for every route Django knows outside the admin, and the Wagtail pages."""
    contact = OrganizationContact.objects.filter(organization=tiered_org, visibility="public").first()
    library = index_page()
    document = LibraryDocumentPage(title="Security header check", slug="security-header-check", live=True)
    library.add_child(instance=document)
    samples = {  # routes that take arguments: sample values from the fixture data
        "directory:hsds_organization": {"id": tiered_org.translation_key},
        "directory:organization": {"slug": tiered_org.slug},
        "directory:organization_suggest": {"slug": tiered_org.slug},
        "directory:organization_vcard": {"slug": tiered_org.slug},
        "directory:organization_hsds": {"slug": tiered_org.slug},
        "directory:contact_vcard": {"slug": tiered_org.slug, "kind": "org", "pk": contact.pk},
        "services_map:coverage_area": {"slug": "battambang"},
        "services_map:pack": {"slug": "battambang"},
        "hsds:organization": {"organization_id": tiered_org.translation_key},
        "hsds:service": {"service_id": tiered_org.services.first().translation_key},
        "hsds:service_at_location": {"service_at_location_id": "00000000-0000-0000-0000-000000000000"},
        "hsds:taxonomy": {"taxonomy_id": "00000000-0000-0000-0000-000000000000"},
        "hsds:taxonomy_term": {"taxonomy_term_id": "00000000-0000-0000-0000-000000000000"},
        "hsds:unknown": {"unknown_path": "no-such-endpoint"},
    }
    urls = {"/", document.url, "/library/", "/library/?q=report", "/no-such-page/", "/directory/?q=shelter",
            "/search/?q=shelter", "/search/suggest/?q=she", "/map/?type=SHELTER"}
    missing = []
    for route, entry, name in _patterns(get_resolver()):
        if route.startswith(NOT_PUBLIC) or entry.callback.__module__.startswith("wagtail"):
            continue  # Wagtail's page route is covered by the pages above
        if entry.pattern.regex.groups:
            if name not in samples:
                missing.append(route)
                continue
            urls.add(reverse(name, kwargs=samples[name]))
        else:
            urls.add(reverse(name) if name else "/" + route)
    assert not missing, f"add sample arguments for the new route(s) {missing} to this test"
    return sorted(urls)


@pytest.mark.django_db
def test_every_public_url_sends_the_strict_policy_and_permissions_policy(client, public_urls):
    assert len(public_urls) > 20
    for url in public_urls:
        assert_public_policy(client.get(url))


@pytest.mark.django_db
def test_a_partner_gets_the_same_strict_policy(partner_client, tiered_org):
    for url in ("/directory/", f"/directory/{tiered_org.slug}/", "/map/", "/search/?q=shelter"):
        assert_public_policy(partner_client.get(url))


def test_images_may_come_only_from_the_configured_tile_host():
    assert url_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert url_origin("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png") == "https://*.tile.example.org"
    assert url_origin("https://tiles.example.org:8443/a/{z}/{x}/{y}.png") == "https://tiles.example.org:8443"
    assert url_origin("") is None
    assert url_origin("/tiles/{z}/{x}/{y}.png") is None  # our own server: 'self' covers it
    assert public_csp_directives("")["img-src"] == ["'self'", "data:"]
    assert public_csp_directives("https://tile.openstreetmap.org/{z}/{x}/{y}.png")["img-src"] == [
        "'self'", "data:", "https://tile.openstreetmap.org"]
    # The running settings follow MAP_TILE_URL.
    expected = url_origin(settings.MAP_TILE_URL)
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:"] + (
        [expected] if expected else [])


@pytest.mark.django_db
def test_the_admin_policy_differs_only_where_wagtail_needs_it(client):
    csp = policy(client.get("/admin/login/"))
    public = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    differs = {name for name in public if list(public[name]) != csp.get(name)}
    assert differs == set(ADMIN_CSP_OVERRIDES) == {"frame-ancestors"}
    assert csp["script-src"] == ["'self'"]  # Wagtail's widgets start from JSON (portal/admin_scripts.py)
    assert "'unsafe-eval'" not in " ".join(sum(csp.values(), []))
    assert csp["style-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]  # the editor's preview iframe
    assert admin_csp_directives("")["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_a_page_preview_keeps_the_public_script_policy_and_may_be_framed_by_the_admin(editor_user):
    library = index_page()
    document = LibraryDocumentPage(title="Preview check", slug="preview-check", live=True)
    library.add_child(instance=document)
    original = RequestFactory().get(reverse("wagtailadmin_pages:edit", args=[document.pk]))
    original.user = editor_user
    response = document.make_preview_request(original_request=original)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_the_admin_asks_no_other_host(editor_client, editor_user):
    """No Gravatar picture of the editor, no update check against releases.wagtail.org."""
    assert editor_user.email
    html = editor_client.get("/admin/").content.decode()
    assert "Dashboard" in html
    assert "gravatar" not in html.lower()
    assert "w-upgrade" not in html  # the update check's controller fetches releases.wagtail.org
    account = editor_client.get("/admin/account/").content.decode()
    assert "gravatar" not in account.lower()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


@pytest.mark.django_db
def test_admin_editors_have_no_inline_script_to_run(editor_client, tiered_org):
    """Choosers, date inputs and inline panels start from JSON data (portal/admin_scripts.py), so the
    admin's script-src needs no 'unsafe-inline'."""
    library = index_page()
    document = LibraryDocumentPage(title="Editor check", slug="editor-check", live=True)
    library.add_child(instance=document)
    service = tiered_org.services.first()
    for url in (
        f"/admin/pages/{document.pk}/edit/",
        f"/admin/snippets/directory/organization/edit/{tiered_org.pk}/",
        f"/admin/snippets/directory/service/edit/{service.pk}/",
        "/admin/reports/aging-pages/",
        "/admin/documents/chooser/",
    ):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "data-portal-init" in html or url.endswith("chooser/"), url
        assert not INLINE_SCRIPT.findall(html), (url, INLINE_SCRIPT.findall(html)[:3])
