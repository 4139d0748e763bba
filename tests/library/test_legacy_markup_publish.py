"""A legacy library item whose stored text holds markup (saved before the plain-text rule) is
never published by any admin path other than the editor form either: workflow approval, bulk
publish, an older revision, the scheduled publishing command, moving and copying. Each path
answers with a message naming the field and asking to remove the markup first (never a server
error), publishes nothing, and keeps the draft revision and the live version as they were.
Unpublishing needs no check and still works."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, Revision, Workflow, WorkflowPage, WorkflowTask

from library.models import LibraryDocumentPage

DRAFT_TITLE = "<b>Legacy</b> report"
DRAFT_ABSTRACT = "Intro {{7*7}} text"
LIVE_ABSTRACT = "Live intro <i>old</i>"
REMOVE_FIRST = "remove the markup"


@pytest.fixture
def legacy(make_doc, editor_user):
    """A live item whose live row and latest draft revision hold markup, as rows saved before the
    rule exist: the revision content is written without validation, the row by update()."""
    page = make_doc("Legacy report", slug="legacy-report", abstract="Clean abstract")
    page.title, page.abstract = DRAFT_TITLE, DRAFT_ABSTRACT
    revision = page.save_revision(user=editor_user, clean=False)
    LibraryDocumentPage.objects.filter(pk=page.pk).update(abstract=LIVE_ABSTRACT)
    page.refresh_from_db()
    return page, revision


def snapshot(page):
    page = LibraryDocumentPage.objects.get(pk=page.pk)
    return {
        "title": page.title,
        "abstract": page.abstract,
        "live": page.live,
        "live_revision": page.live_revision_id,
        "last_published_at": page.last_published_at,
        "latest_revision": page.latest_revision_id,
        "draft": page.get_latest_revision().content if page.latest_revision_id else None,
        "revisions": page.revisions.count(),
    }


def assert_refused_clearly(response, *fields):
    assert response.status_code != 500
    html = response.content.decode()
    assert REMOVE_FIRST in html.lower(), html[:3000]
    for field in fields:
        assert f"{field} holds HTML, entities, script or template code" in html, (field, html[:3000])
    assert "<b>Legacy" not in html  # the item's own title is shown as text


def assert_unchanged(page, before):
    after = snapshot(page)
    assert after == before
    assert after["abstract"] == LIVE_ABSTRACT
    assert after["draft"]["title"] == DRAFT_TITLE and after["draft"]["abstract"] == DRAFT_ABSTRACT


@pytest.fixture
def in_moderation(legacy, editor_user, library):
    """The legacy draft was submitted for moderation before the rule existed."""
    page, revision = legacy
    task = GroupApprovalTask.objects.create(name="Library approval")
    task.groups.set([Group.objects.get_or_create(name="Moderators")[0]])
    workflow = Workflow.objects.create(name="Library workflow", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=library)
    state = workflow.start(page, editor_user)
    return page, state


def test_workflow_approval_refuses_with_a_message_and_keeps_the_workflow(editor_client, in_moderation):
    page, state = in_moderation
    before = snapshot(page)
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    response = editor_client.post(url, {"comment": ""}, follow=True)
    assert_refused_clearly(response, "Title", "Abstract")
    assert_unchanged(page, before)
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS and task_state.status == task_state.STATUS_IN_PROGRESS


def test_workflow_approval_from_the_dashboard_modal(editor_client, in_moderation):
    """The dashboard's 'Approve' posts the same view as XHR (the modal): still no 500."""
    page, state = in_moderation
    before = snapshot(page)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk]
    )
    response = editor_client.post(
        url + "?next=" + reverse("wagtailadmin_home"),
        {"comment": ""},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200 and response.json()["step"] == "success"  # modal redirects
    assert_unchanged(page, before)
    home = editor_client.get(reverse("wagtailadmin_home"))
    assert_refused_clearly(home, "Title")


def test_bulk_publish_refuses_before_anything_changes(editor_client, legacy, make_doc, library):
    page, _revision = legacy
    clean = make_doc("Clean draft item", slug="clean-draft", live=False)
    clean.save_revision()
    before = snapshot(page)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    query = f"?id={clean.pk}&id={page.pk}&next=" + reverse("wagtailadmin_explore", args=[library.pk])
    response = editor_client.post(url + query, {"include_descendants": ""}, follow=True)
    assert_refused_clearly(response, "Title")
    assert_unchanged(page, before)
    clean.refresh_from_db()
    assert not clean.live  # refused as a whole, before anything was published


def test_bulk_publish_of_the_index_with_descendants(editor_client, legacy, library, make_doc):
    page, _revision = legacy
    LibraryDocumentPage.objects.filter(pk=page.pk).update(live=False)
    before = snapshot(page)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    query = f"?id={library.pk}&next=" + reverse("wagtailadmin_explore", args=[library.pk])
    response = editor_client.post(url + query, {"include_descendants": "on"}, follow=True)
    assert_refused_clearly(response, "Title")
    assert_unchanged(page, before)


def test_publishing_an_older_revision_shows_field_errors(editor_client, legacy, editor_user):
    page, old = legacy
    # A newer clean draft after the legacy one: the editor reverts to the legacy revision.
    newer = LibraryDocumentPage.objects.get(pk=page.pk)
    newer.title, newer.abstract = "Newer clean title", "Newer clean abstract"
    newer.save_revision(user=editor_user, clean=False)
    before = snapshot(page)
    url = reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, old.pk])
    html = editor_client.get(url).content.decode()
    from tests.admin_forms import form_data

    data = dict(form_data(html), **{"action-publish": "action-publish"})
    response = editor_client.post(url, data)
    assert response.status_code == 200  # the form again, with the messages under the fields
    assert {"title", "abstract"} <= set(response.context["form"].errors)
    assert snapshot(page) == before


def test_scheduled_publishing_skips_the_item_logs_it_and_publishes_the_others(
    legacy, make_doc, editor_user, caplog
):
    page, revision = legacy
    other = make_doc("Scheduled clean item", slug="scheduled-clean", live=False)
    other_revision = other.save_revision(user=editor_user)
    past = timezone.now() - datetime.timedelta(hours=1)
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past - datetime.timedelta(minutes=5))
    Revision.objects.filter(pk=other_revision.pk).update(approved_go_live_at=past)
    before = snapshot(page)
    call_command("publish_scheduled")
    other.refresh_from_db()
    assert other.live  # the command went on after the refused item
    assert_unchanged(page, before)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None  # still scheduled: published once fixed
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "legacy-report" in logged or str(page.pk) in logged
    assert "title" in logged.lower() and REMOVE_FIRST in logged.lower()


def test_revision_publish_in_code_raises_a_clear_validation_error(legacy, editor_user):
    from django.core.exceptions import ValidationError

    page, revision = legacy
    before = snapshot(page)
    with pytest.raises(ValidationError) as exc:
        revision.publish(user=editor_user)
    assert {"title", "abstract"} <= set(exc.value.message_dict)
    assert REMOVE_FIRST in str(exc.value).lower()
    assert_unchanged(page, before)


def test_unpublishing_a_legacy_item_works(editor_client, legacy):
    page, _revision = legacy
    response = editor_client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]), follow=True)
    assert response.status_code == 200
    after = LibraryDocumentPage.objects.get(pk=page.pk)
    assert not after.live
    assert after.abstract == LIVE_ABSTRACT
    assert after.get_latest_revision().content["title"] == DRAFT_TITLE


def test_moving_a_legacy_item_is_refused_with_a_message(editor_client, legacy, library):
    from library.models import LibraryIndexPage

    page, _revision = legacy
    other_index = LibraryIndexPage(title="Archive", slug="archive")
    library.get_parent().add_child(instance=other_index)
    before = snapshot(page)
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, other_index.pk])
    response = editor_client.post(url, follow=True)
    assert_refused_clearly(response, "Abstract")
    assert_unchanged(page, before)
    assert Page.objects.get(pk=page.pk).get_parent().pk == library.pk


def test_reordering_a_legacy_item_does_not_fail(editor_client, legacy, make_doc, library):
    page, _revision = legacy
    make_doc("Sibling", slug="sibling")
    before = snapshot(page)
    url = reverse("wagtailadmin_pages:set_page_position", args=[page.pk]) + "?position=1"
    response = editor_client.post(url)
    assert response.status_code != 500
    assert snapshot(page) == before


def test_copying_a_legacy_item_is_refused_with_a_message(editor_client, legacy, library):
    page, _revision = legacy
    before = snapshot(page)
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    data = {
        "new_title": "A plain copy",
        "new_slug": "plain-copy",
        "new_parent_page": library.pk,
        "publish_copies": "on",
    }
    response = editor_client.post(url, data, follow=True)
    assert_refused_clearly(response, "Abstract")
    assert not LibraryDocumentPage.objects.filter(slug="plain-copy").exists()
    assert_unchanged(page, before)


def test_the_report_lists_a_draft_revision_with_markup(editor_client, make_doc, editor_user):
    """A clean live row whose latest draft (saved before the rule) holds markup is listed too."""
    page = make_doc("Clean live", slug="clean-live")
    page.abstract = DRAFT_ABSTRACT
    page.save_revision(user=editor_user, clean=False)
    html = editor_client.get(reverse("library_markup_report")).content.decode()
    assert html.count('data-testid="markup-row"') == 1
    assert "{{7*7}}" in html
