"""Organizations and services saved before the validator refused event handlers, encoded tags and
template code: the snippet editor publishes them only once the text is plain, with the message
under the field (never a 500, nothing changed), workflow approval and scheduled publishing never
publish that text, and the 'Directory records with markup' report lists them."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from directory.models import Organization, OrganizationName, Service
from tests.directory.test_admin import admin_url, edit_form, form_errors

LEGACY_DESCRIPTION = "Call us {{ today }} for help"
MESSAGE = "HTML tags, entities and scripts are not allowed here"


@pytest.fixture
def legacy_org(make_org):
    org = make_org("Legacy Helpline", slug="legacy-helpline", description="Plain")
    Organization.objects.filter(pk=org.pk).update(description=LEGACY_DESCRIPTION)
    org.refresh_from_db()
    return org


@pytest.mark.parametrize("model", ["organization", "service"])
def test_snippet_editor_publishes_a_legacy_record_once_the_field_is_fixed(
    admin_client, legacy_org, make_service, model
):
    if model == "service":
        record = make_service(legacy_org, "Legacy hotline", description="Plain")
        Service.objects.filter(pk=record.pk).update(description='Dial now" onmouseover="x')
        record.refresh_from_db()
        Organization.objects.filter(pk=legacy_org.pk).update(description="Plain")
    else:
        record = legacy_org
    stored = record.description
    revisions = Revision.objects.filter(object_id=str(record.pk), content_type__model=model).count()
    data = edit_form(admin_client, record)
    response = data.post(admin_client, action="publish")
    assert response.status_code == 200
    assert MESSAGE in " ".join(form_errors(response)["description"])
    record.refresh_from_db()
    assert record.description == stored  # nothing saved, nothing lost
    assert Revision.objects.filter(object_id=str(record.pk), content_type__model=model).count() == revisions
    response = data.set(description="Call us today for help").post(admin_client, action="publish")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.live and record.description == "Call us today for help"


def _legacy_draft(org, user, **fields):
    """A draft revision saved before the rule (its content holds markup)."""
    for name, value in fields.items():
        setattr(org, name, value)
    return org.save_revision(user=user, clean=False)


def test_workflow_approval_never_publishes_markup(admin_client, admin_user, legacy_org):
    Organization.objects.filter(pk=legacy_org.pk).update(description="Plain live text")
    org = Organization.objects.get(pk=legacy_org.pk)
    revision = _legacy_draft(org, admin_user, description=LEGACY_DESCRIPTION)

    workflow = org.get_workflow()
    state = workflow.start(org, admin_user)
    task_state = state.current_task_state
    url = admin_url("organization", "workflow_action", org.pk, "approve", task_state.pk)
    response = admin_client.post(url, {"comment": ""}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Description holds HTML, entities, script or template code" in html
    assert "remove the markup first" in html
    org.refresh_from_db()
    assert org.description == "Plain live text"  # not published
    assert org.latest_revision_id == revision.pk
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS


def test_scheduled_publishing_skips_a_record_with_markup(admin_user, legacy_org, make_org, caplog):
    Organization.objects.filter(pk=legacy_org.pk).update(description="Plain live text")
    org = Organization.objects.get(pk=legacy_org.pk)
    revision = _legacy_draft(org, admin_user, description=LEGACY_DESCRIPTION)
    other = make_org("Scheduled Clean Org", slug="scheduled-clean-org", live=False)
    other_revision = other.save_revision(user=admin_user)
    past = timezone.now() - datetime.timedelta(hours=1)
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past - datetime.timedelta(minutes=5))
    Revision.objects.filter(pk=other_revision.pk).update(approved_go_live_at=past)
    call_command("publish_scheduled")
    other.refresh_from_db()
    org.refresh_from_db()
    assert other.live
    assert org.description == "Plain live text"
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    assert "legacy-helpline" in caplog.text and "description" in caplog.text


def test_directory_markup_report_lists_records_and_rows(
    admin_client, legacy_org, make_service, partner_client
):
    service = make_service(legacy_org, "Hotline")
    Service.objects.filter(pk=service.pk).update(eligibility_description="Adults &#60;18")
    OrganizationName.objects.create(organization=legacy_org, name="Plain alias")
    OrganizationName.objects.filter(organization=legacy_org).update(name="Alias <svg onload=x>")
    response = admin_client.get(reverse("directory_markup_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="markup-row"') == 3
    assert "{{ today }}" in html and "&amp;#60;18" in html and "&lt;svg onload=x&gt;" in html
    assert "<svg onload" not in html
    assert admin_url("organization", "edit", legacy_org.pk) in html
    assert admin_url("service", "edit", service.pk) in html
    legacy_org.refresh_from_db()
    assert legacy_org.description == LEGACY_DESCRIPTION  # listed, not changed
    assert partner_client.get(reverse("directory_markup_report")).status_code in (302, 403)


def test_a_draft_whose_inline_row_holds_markup_is_not_published(admin_user, legacy_org):
    from django.core.exceptions import ValidationError

    Organization.objects.filter(pk=legacy_org.pk).update(description="Plain live text")
    org = Organization.objects.get(pk=legacy_org.pk)
    org.names.add(OrganizationName(name="Alias <svg onload=x>"))  # in the revision only
    revision = org.save_revision(user=admin_user, clean=False)
    with pytest.raises(ValidationError) as exc:
        revision.publish(user=admin_user)
    assert "names-0-name" in exc.value.message_dict
    assert "remove the markup first" in " ".join(exc.value.message_dict["names-0-name"])
    assert not OrganizationName.objects.filter(organization=org).exists()
    org.refresh_from_db()
    assert org.description == "Plain live text" and org.latest_revision_id == revision.pk
