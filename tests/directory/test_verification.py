"""Logging verifications: the date they set, drafts that must not roll it back, hotlines that
did not answer, and the full form in the admin."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry, Revision

from directory.models import Language, Organization, VerificationLog
from directory.stewardship import record_verification

TODAY = timezone.localdate


@pytest.fixture
def checker(db):
    return User.objects.create_superuser("checker", "checker@example.org", "pass-12345-pass")


@pytest.mark.django_db
def test_confirmed_sets_last_verified_and_unreachable_does_not(make_org, checker):
    old = TODAY() - datetime.timedelta(days=200)
    org = make_org(last_verified=old)

    record_verification(org, user=checker, method="call", outcome="unreachable", answered=False)
    org.refresh_from_db()
    assert org.last_verified == old  # nobody answered: nothing was verified

    record_verification(org, user=checker, method="call", outcome="confirmed")
    org.refresh_from_db()
    assert org.last_verified == TODAY()
    assert [log.outcome for log in org.verifications.all()] == ["confirmed", "unreachable"]


@pytest.mark.django_db
def test_a_backdated_log_never_moves_the_date_backwards(make_org, checker):
    org = make_org(last_verified=TODAY() - datetime.timedelta(days=3))
    record_verification(
        org,
        user=checker,
        method="visit",
        outcome="changed",
        verified_on=TODAY() - datetime.timedelta(days=30),
    )
    org.refresh_from_db()
    assert org.last_verified == TODAY() - datetime.timedelta(days=3)
    assert org.verifications.count() == 1


@pytest.mark.django_db
def test_future_dates_are_refused(make_org, checker):
    org = make_org()
    with pytest.raises(ValueError):
        record_verification(
            org,
            user=checker,
            method="call",
            outcome="confirmed",
            verified_on=TODAY() + datetime.timedelta(days=1),
        )
    assert not VerificationLog.objects.exists()


@pytest.mark.django_db
def test_a_log_belongs_to_exactly_one_entry(make_org, make_service):
    from django.db import IntegrityError, transaction

    org = make_org()
    service = make_service(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationLog.objects.create(organization=org, service=service, method="call", outcome="confirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationLog.objects.create(method="call", outcome="confirmed")


@pytest.mark.django_db
def test_publishing_a_pending_draft_keeps_the_new_verification_date(make_org, checker):
    """The draft was saved before the verification; publishing it must not restore its old date."""
    org = make_org(slug="drafty", last_verified=TODAY() - datetime.timedelta(days=300))
    org.save_revision(user=checker).publish(user=checker)
    org.refresh_from_db()
    org.description = "New description waiting for moderation."
    draft = org.save_revision(user=checker)
    assert Organization.objects.get(pk=org.pk).has_unpublished_changes

    record_verification(org, user=checker, method="email", outcome="confirmed")

    Revision.objects.get(pk=draft.pk).publish(user=checker)
    org = Organization.objects.get(pk=org.pk)
    assert org.description == "New description waiting for moderation."
    assert org.last_verified == TODAY()


@pytest.mark.django_db
def test_verification_applies_to_every_language_copy(make_org, checker):
    org = make_org(slug="bilingual")
    khmer = org.copy_for_translation(Locale.objects.get_or_create(language_code="km")[0])
    khmer.live = True
    khmer.save()
    record_verification(org, user=checker, method="call", outcome="confirmed")
    khmer.refresh_from_db()
    assert khmer.last_verified == TODAY()


@pytest.mark.django_db
def test_verification_is_in_the_audit_log(make_org, checker):
    org = make_org()
    record_verification(org, user=checker, method="call", outcome="confirmed")
    entry = ModelLogEntry.objects.get(action="directory.verify", object_id=str(org.pk))
    assert entry.user == checker
    assert entry.data["outcome"] == "confirmed"
    assert "Verification logged: confirmed by call" in entry.message


# --- the full form in the admin ---------------------------------------------------------------


@pytest.mark.django_db
def test_full_form_logs_a_hotline_call_with_languages(editor_client, editor_user, make_org, make_service):
    org = make_org()
    hotline = make_service(org, "Hotline 1288", terms=["HELP"])
    url = reverse("directory_reviews:verify", args=["service", hotline.pk])
    assert editor_client.get(url).status_code == 200
    khmer, thai = Language.objects.get(code="km"), Language.objects.get(code="th")
    response = editor_client.post(
        url,
        {
            "verified_on": TODAY().isoformat(),
            "method": "call",
            "outcome": "confirmed",
            "answered": "true",
            "languages_answered": [khmer.pk, thai.pk],
            "note": "Answered within 3 rings.",
        },
    )
    assert response.status_code == 302
    log = hotline.verifications.get()
    assert log.verified_by == editor_user and log.answered is True
    assert set(log.languages_answered.all()) == {khmer, thai}
    hotline.refresh_from_db()
    assert hotline.last_verified == TODAY()

    history = editor_client.get(reverse("directory_reviews:history", args=["service", hotline.pk]))
    assert "Answered within 3 rings." in history.content.decode()
    assert "Thai" in history.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"verified_on": "2999-01-01"}, "verified_on"),
        ({"method": "telepathy"}, "method"),
        ({"outcome": ""}, "outcome"),
        ({"answered": "false", "languages_answered": "LANG"}, "languages_answered"),
        ({"note": "<script>alert(1)</script>"}, "note"),
    ],
)
def test_full_form_rejects_bad_input_with_a_message(editor_client, make_org, fields, error_field):
    org = make_org()
    data = {
        "verified_on": TODAY().isoformat(),
        "method": "call",
        "outcome": "confirmed",
        "answered": "unknown",
    }
    data.update(fields)
    if data.get("languages_answered") == "LANG":
        data["languages_answered"] = [Language.objects.get(code="km").pk]
    response = editor_client.post(reverse("directory_reviews:verify", args=["organization", org.pk]), data)
    assert response.status_code == 400
    assert error_field in response.context["form"].errors
    assert not VerificationLog.objects.exists()


@pytest.mark.django_db
def test_hotline_that_did_not_answer_shows_to_editors(editor_client, make_org, make_service, checker):
    org = make_org()
    hotline = make_service(org, "Silent hotline", last_verified=TODAY() - datetime.timedelta(days=400))
    record_verification(hotline, user=checker, method="call", outcome="unreachable", answered=False)
    html = editor_client.get(reverse("directory_reviews:index")).content.decode()
    row = html[html.index(f'data-kind="service" data-pk="{hotline.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Hotline did not answer on" in row
    edit = editor_client.get(
        reverse("wagtailsnippets_directory_service:edit", args=[hotline.pk])
    ).content.decode()
    assert "hotline did not answer" in edit
