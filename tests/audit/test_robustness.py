"""The log never fails a page, is purged after its period, and never reaches public output or
search."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.search.index import Indexed

from audit.models import AccessLogEntry
from audit.purge import purge
from background import scheduler
from search import api, registry
from search.engines import database_engine
from tests.audit.conftest import entries


def test_page_renders_when_the_log_cannot_be_written_and_the_error_is_logged(
    client, tiered_org, partner_user, monkeypatch, caplog
):
    def unwritable(*args, **kwargs):  # stands for a database failure on the log table
        raise RuntimeError("access log table is not writable")

    monkeypatch.setattr(AccessLogEntry.objects, "bulk_create", unwritable)
    client.force_login(partner_user)
    with caplog.at_level(logging.ERROR, logger="audit"):
        response = client.get(reverse("directory:organization", kwargs={"slug": tiered_org.slug}))
    assert response.status_code == 200
    assert b"+85523000202" in response.content  # the partners' phone is still shown
    assert any(
        "could not be written" in r.getMessage() and r.exc_info and "not writable" in str(r.exc_info[1])
        for r in caplog.records
    )
    monkeypatch.undo()
    assert entries() == []
    # The next request writes again (nothing was left half-done in the transaction).
    client.get(reverse("directory:organization", kwargs={"slug": tiered_org.slug}))
    assert len(entries()) == 1


def _entry(days_ago):
    return AccessLogEntry.objects.create(
        viewed_at=timezone.now() - datetime.timedelta(days=days_ago),
        username="someone",
        kind="organization_page",
        object_id="1",
        tier="partners",
    )


@pytest.mark.django_db
def test_purge_deletes_entries_older_than_the_period_and_keeps_newer(settings):
    settings.PORTAL_ACCESS_LOG_DAYS = 30
    old, edge_kept, new = _entry(31), _entry(29), _entry(0)
    assert purge() == 1
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) == {edge_kept.pk, new.pk}
    assert old.pk not in AccessLogEntry.objects.values_list("pk", flat=True)


@pytest.mark.django_db
def test_purge_command_and_the_daily_scheduler_job(settings, capsys):
    settings.PORTAL_ACCESS_LOG_DAYS = 365
    old, new = _entry(400), _entry(10)
    call_command("purge_access_log")
    assert "Deleted 1 access-log entries older than 365 days." in capsys.readouterr().out
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [new.pk]
    _entry(400)
    [run] = scheduler.tick(now=timezone.now(), only=["purge_access_log"])
    assert run.message.startswith("Deleted 1 access-log entries")
    assert AccessLogEntry.objects.count() == 1
    assert old.pk != new.pk


def test_access_log_is_in_no_public_output_nor_search(client, tiered_org, db):
    viewer = User.objects.create_user("zq-watcher", "watcher@example.org", "watcher-pass-123")
    viewer.groups.add(Group.objects.get_or_create(name="Partners")[0])
    client.force_login(viewer)
    page = reverse("directory:organization", kwargs={"slug": tiered_org.slug})
    client.get(page)
    assert entries(username="zq-watcher")
    client.logout()
    # Not a search kind, not a Wagtail-indexed model, and never in a search answer.
    assert not issubclass(AccessLogEntry, Indexed)
    assert all("access" not in name for name in registry.kinds())
    api.rebuild(database_engine())
    for url in (
        page,
        reverse("directory:organization_hsds", kwargs={"slug": tiered_org.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert b"zq-watcher" not in response.content, url
    search = client.get("/search/?q=zq-watcher").content.decode()  # the page repeats the query
    assert 'data-testid="hit"' not in search
    assert client.get("/accounts/access-log/").status_code == 302  # sign in first
