"""The index follows publishing: publish, unpublish and delete reach it after commit, through
django-tasks (the immediate backend in tests); drafts never do. Run with the database engine
alone, and with Elasticsearch configured beside it (both must follow)."""

import uuid

import pytest
from django.test import override_settings
from wagtail.models import Locale

from directory.models import Area, Organization
from search import api
from search.contract import Query
from search.engines import database_engine, elasticsearch_engine


@pytest.fixture(params=["database", "elasticsearch"])
def configured(request, db):
    """Settings as a deployment has them: no ELASTICSEARCH_URL, or one (then both engines)."""
    if request.param == "database":
        yield "database"
        return
    url = request.getfixturevalue("elasticsearch_url")
    with override_settings(ELASTICSEARCH_URL=url, SEARCH_INDEX_PREFIX=f"sync-{uuid.uuid4().hex[:8]}"):
        yield "elasticsearch"
        elasticsearch_engine().drop(["organization", "service"])


def found(text):
    """Titles found by the page's engine, and by the database engine (the fallback)."""
    page = api.run(Query(text=text))
    fallback = database_engine().search(Query(text=text))
    return [h.title for h in page.hits], [h.title for h in fallback.hits], page.engine


def new_draft_org(name):
    org = Organization(
        name=name,
        slug=f"sync-{uuid.uuid4().hex[:8]}",
        org_type="national_ngo",
        country=Area.objects.get(key="KH"),
        area=Area.objects.get(key="KH:02"),
        locale=Locale.get_default(),
        live=False,
    )
    org.save()
    return org


def plain(titles):
    return [t.replace("<mark>", "").replace("</mark>", "") for t in titles]


def test_publish_indexes_after_commit(configured, django_capture_on_commit_callbacks):
    org = new_draft_org("Kampot Safe Migration Desk")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        org.save_revision().publish()
    # Nothing reaches the index until the transaction commits ...
    assert plain(found("Kampot Safe Migration Desk")[0]) == []
    for callback in callbacks:
        callback()
    page, fallback, engine = found("Kampot Safe Migration Desk")
    assert engine == configured
    assert plain(page) == plain(fallback) == ["Kampot Safe Migration Desk"]


def test_a_draft_never_reaches_the_index(configured, django_capture_on_commit_callbacks):
    org = new_draft_org("Takeo Reintegration Office")
    with django_capture_on_commit_callbacks(execute=True):
        org.save_revision()  # a draft of a never-published record
    assert found("Takeo Reintegration")[:2] == ([], [])
    with django_capture_on_commit_callbacks(execute=True):
        org.save_revision().publish()
        org.refresh_from_db()
        org.name = "Takeo Secret Draft Rename"
        org.save_revision()  # a draft change of a published record
    assert plain(found("Takeo Reintegration")[0]) == ["Takeo Reintegration Office"]
    assert found("Secret Draft Rename")[:2] == ([], [])


def test_unpublish_and_delete_remove_from_the_index(configured, django_capture_on_commit_callbacks):
    org = new_draft_org("Svay Rieng Transit Point")
    with django_capture_on_commit_callbacks(execute=True):
        org.save_revision().publish()
    assert plain(found("Svay Rieng Transit")[0]) == ["Svay Rieng Transit Point"]
    org.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        org.unpublish()
    assert found("Svay Rieng Transit")[:2] == ([], [])
    with django_capture_on_commit_callbacks(execute=True):
        org.save_revision().publish()
    assert plain(found("Svay Rieng Transit")[1]) == ["Svay Rieng Transit Point"]
    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert found("Svay Rieng Transit")[:2] == ([], [])


def test_publishing_a_service_refreshes_its_organization(
    configured, make_service, django_capture_on_commit_callbacks
):
    org = new_draft_org("Pursat Community Network")
    with django_capture_on_commit_callbacks(execute=True):
        org.save_revision().publish()
    service = make_service(org, "Mobile legal clinic", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    # The organization's document lists its services, so it is found by the service's name too.
    result = api.run(Query(text="mobile legal clinic", filters={"kind": ["organization"]}))
    assert plain([h.title for h in result.hits]) == ["Pursat Community Network"]


def test_search_server_down_during_publish_still_updates_the_database_index(
    db, django_capture_on_commit_callbacks, caplog
):
    org = new_draft_org("Kep Fishermen Support")
    with override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", SEARCH_INDEX_PREFIX="down"):
        with django_capture_on_commit_callbacks(execute=True):
            org.save_revision().publish()  # must not raise
        result = api.run(Query(text="Kep Fishermen"))
    assert result.engine == "database"
    assert plain([h.title for h in result.hits]) == ["Kep Fishermen Support"]
    assert "failed in the elasticsearch engine" in caplog.text
