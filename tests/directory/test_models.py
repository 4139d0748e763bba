"""Model-level validation of the directory: what holds whichever way data comes in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import (
    Area,
    Location,
    OrganizationContact,
    OrganizationPhone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceContact,
    ServicePhone,
)
from directory.validators import (
    parse_phone,
    to_e164,
    validate_coordinates,
    validate_e164,
    validate_plain_text,
)


def _messages(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("012 345 678", "+85512345678"),
        ("012-345-678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("(023) 212 345", "+85523212345"),
        ("023 880 123", "+85523880123"),
        ("097 765 4321", "+855977654321"),
        ("+66 81 234 5678", "+66812345678"),
    ],
)
def test_phone_is_normalised_to_e164(typed, stored):
    assert to_e164(typed) == stored
    phone = OrganizationPhone(number=typed)
    phone.clean()
    assert phone.number == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("123", "not a hotline or emergency short code known for Cambodia"),
        ("abc", "contains letters"),
        ("+855 12", "wrong number of digits"),
        ("12ab34", "contains letters"),
        ("+855 21 123 456", "not a valid number"),
    ],
)
def test_invalid_phone_is_rejected_on_the_number_field(typed, message):
    phone = ServicePhone(number=typed)
    with pytest.raises(ValidationError) as exc:
        phone.clean()
    assert message in _messages(exc, "number")
    assert phone.number == typed  # not half-normalised


def test_phone_may_be_empty_until_verified():
    phone = OrganizationPhone(number="", channel="hotline")
    phone.clean()
    assert phone.number == ""
    assert phone.display == ""
    assert phone.tel_uri == ""
    assert not phone.is_verified
    assert str(phone) == "number not yet verified"


def test_phone_display_and_tel_uri():
    local = OrganizationPhone(number="+85512345678")
    assert local.display == "012 345 678"
    assert local.tel_uri == "tel:+85512345678"
    landline = OrganizationPhone(number="+85523212345", extension="12")
    assert landline.display == "023 212 345"
    assert landline.tel_uri == "tel:+85523212345;ext=12"
    abroad = OrganizationPhone(number="+66812345678")
    assert abroad.display == "+66 81 234 5678"
    assert str(local) == "012 345 678"


def test_phone_is_verified_needs_number_and_date():
    assert OrganizationPhone(number="+85512345678", verified_on=datetime.date(2025, 1, 2)).is_verified
    assert not OrganizationPhone(number="+85512345678").is_verified


def test_validate_e164_accepts_only_canonical_form():
    validate_e164("+85512345678")
    with pytest.raises(ValidationError, match=r"\+85512345678"):
        validate_e164("012345678")


def test_parse_phone_reads_numbers_without_prefix_as_cambodian():
    assert parse_phone("012 345 678").country_code == 855
    assert parse_phone("+66 81 234 5678").country_code == 66


def test_contact_phone_is_normalised_and_validated():
    contact = OrganizationContact(role="Intake desk", phone="012 345 678", visibility="public")
    contact.clean()
    assert contact.phone == "+85512345678"
    assert contact.phone_display == "+855 12 345 678"
    bad = ServiceContact(role="Intake desk", phone="abc")
    with pytest.raises(ValidationError) as exc:
        bad.clean()
    assert "letters" in _messages(exc, "phone")


# --- plain text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "<b>x</b>",
        "</p>",
        "<!-- hidden -->",
        "&lt;script&gt;",
        "&#60;",
        "javascript:alert(1)",
        "JavaScript : void(0)",
        "< img src=x onerror=alert(1)>",
    ],
)
def test_plain_text_rejects_markup(value):
    with pytest.raises(ValidationError) as exc:
        validate_plain_text(value)
    assert exc.value.code == "markup"


def test_plain_text_rejects_control_characters():
    with pytest.raises(ValidationError) as exc:
        validate_plain_text("Intake\x00desk")
    assert exc.value.code == "control"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "Cambodian Women's Crisis Center (CWCC)",
        "Ages 5 < 18 and > 3",
        "Shelter & reintegration",
        "ជំនួយផ្នែកច្បាប់",
        "Line 1\nLine 2\ttabbed",
        "Call 1288 – 24 h",
    ],
)
def test_plain_text_accepts_ordinary_text(value):
    validate_plain_text(value)


@pytest.mark.django_db
def test_markup_in_organization_fields_fails_full_clean(make_org):
    org = make_org()
    org.name = "<b>x</b>"
    org.description = "<script>alert(1)</script>"
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert set(exc.value.message_dict) >= {"name", "description"}


# --- coordinates -------------------------------------------------------------------------------


def test_coordinates_inside_country_are_fine():
    assert validate_coordinates(11.5564, 104.9282, "KH") == {}
    assert validate_coordinates(None, None, "KH") == {}
    assert validate_coordinates(48.8, 2.3, None) == {}  # no bounds known: only ranges are checked


def test_coordinates_outside_country_are_rejected():
    errors = validate_coordinates(48.8, 2.3, "KH")
    assert "outside KH" in str(errors["latitude"])
    assert "swapped" not in str(errors["latitude"])


def test_coordinates_swapped_get_a_hint():
    # Riyadh is 24.7 N, 46.7 E.
    errors = validate_coordinates(46.7, 24.7, "SA")
    assert "swapped" in str(errors["latitude"])


def test_coordinates_swapped_in_cambodia_get_a_hint_not_a_range_error():
    # Phnom Penh typed the wrong way round: 104.9 is not a latitude at all.
    errors = validate_coordinates(104.9282, 11.5564, "KH")
    assert "swapped" in str(errors["latitude"])


def test_coordinates_out_of_range():
    assert "between -90 and 90" in str(validate_coordinates(95.0, 100.0, "KH")["latitude"])
    assert "between -180 and 180" in str(validate_coordinates(11.5, 204.9, "KH")["longitude"])


def test_coordinates_need_both_halves():
    assert "both" in str(validate_coordinates(11.5, None, "KH")["longitude"])
    assert "both" in str(validate_coordinates(None, 104.9, "KH")["latitude"])


@pytest.mark.django_db
def test_location_clean_checks_the_point_against_its_area(make_org):
    org = make_org()
    location = Location(
        organization=org, name="Office", area=Area.objects.get(key="KH:12"), latitude=48.8, longitude=2.3
    )
    with pytest.raises(ValidationError) as exc:
        location.clean()
    assert "outside KH" in _messages(exc, "latitude")
    location.latitude, location.longitude = 11.5564, 104.9282
    location.clean()


# --- privacy rules -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_shelter_cannot_be_public_in_clean(make_org):
    shelter = Location(
        organization=make_org(),
        name="Safe house",
        location_type="shelter",
        area=Area.objects.get(key="KH:12"),
        visibility="public",
    )
    with pytest.raises(ValidationError) as exc:
        shelter.clean()
    assert "never public" in _messages(exc, "visibility")


@pytest.mark.django_db
def test_shelter_never_public_even_via_save(make_org):
    shelter = Location.objects.create(
        organization=make_org(),
        name="Safe house",
        location_type="shelter",
        area=Area.objects.get(key="KH:12"),
        visibility="public",
    )
    shelter.refresh_from_db()
    assert shelter.visibility == "partners"
    shelter.visibility = "restricted"
    shelter.save()
    shelter.refresh_from_db()
    assert shelter.visibility == "restricted"


@pytest.mark.django_db
def test_public_office_stays_public(make_org):
    office = Location.objects.create(
        organization=make_org(), name="Office", area=Area.objects.get(key="KH:12"), visibility="public"
    )
    office.refresh_from_db()
    assert office.visibility == "public"


def test_named_contact_cannot_be_public():
    contact = OrganizationContact(
        role="Director", name="Sok Dara", visibility="public", consent_review_date=datetime.date(2030, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        contact.clean()
    assert "cannot be public" in _messages(exc, "visibility")
    contact.visibility = "partners"
    contact.clean()


def test_named_contact_needs_consent_review_date():
    contact = ServiceContact(role="Caseworker", name="Sok Dara", visibility="restricted")
    with pytest.raises(ValidationError) as exc:
        contact.clean()
    assert "consent" in _messages(exc, "consent_review_date")


def test_role_only_contact_may_be_public():
    OrganizationContact(role="Intake desk", visibility="public").clean()


# --- schedules ---------------------------------------------------------------------------------


def test_schedule_needs_times_or_24h():
    with pytest.raises(ValidationError) as exc:
        Schedule(weekday="MO").clean()
    assert "24 hours" in _messages(exc, "opens_at")
    with pytest.raises(ValidationError):
        Schedule(opens_at=datetime.time(8)).clean()
    Schedule(open_24h=True).clean()


def test_schedule_span_may_run_overnight_but_not_be_empty():
    """22:00-06:00 is a night span (issue 16: directory.opening reads it into the next day); the
    same time twice says nothing and is refused."""
    with pytest.raises(ValidationError) as exc:
        Schedule(opens_at=datetime.time(8), closes_at=datetime.time(8)).clean()
    assert "the same" in _messages(exc, "closes_at")
    Schedule(opens_at=datetime.time(22), closes_at=datetime.time(6)).clean()
    Schedule(opens_at=datetime.time(8), closes_at=datetime.time(17)).clean()


# --- services: eligibility and capacity --------------------------------------------------------


def _service(**fields):
    return Service(name="Test", **fields)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"minimum_age": 121}, "minimum_age", "0 to 120"),
        ({"maximum_age": 200}, "maximum_age", "0 to 120"),
        ({"minimum_age": 18, "maximum_age": 12}, "maximum_age", "below the minimum"),
        (
            {"beds_total": 4, "beds_available": 5, "capacity_as_of": datetime.date(2025, 1, 1)},
            "beds_available",
            "More beds",
        ),
        ({"beds_total": 4}, "capacity_as_of", "date it was true"),
        ({"accepting_referrals": "full"}, "capacity_as_of", "date it was true"),
        ({"serves_women": False, "serves_men": False}, "serves_men", "women, men or both"),
    ],
)
def test_service_clean_rejects(fields, field, message):
    with pytest.raises(ValidationError) as exc:
        _service(**fields).clean()
    assert message in _messages(exc, field)


def test_capacity_date_cannot_be_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _service(accepting_referrals="yes", capacity_as_of=tomorrow).clean()
    assert "future" in _messages(exc, "capacity_as_of")


def test_valid_service_passes_clean():
    _service(
        minimum_age=0,
        maximum_age=120,
        beds_total=10,
        beds_available=10,
        accepting_referrals="yes",
        capacity_as_of=timezone.localdate(),
    ).clean()
    _service(minimum_age=18, maximum_age=18).clean()
    _service(serves_women=False, serves_men=True).clean()


def test_capacity_is_stale_after_configured_days(settings):
    settings.DIRECTORY_CAPACITY_STALE_DAYS = 30
    today = timezone.localdate()
    assert _service().capacity_is_stale
    assert not _service(capacity_as_of=today - datetime.timedelta(days=30)).capacity_is_stale
    assert _service(capacity_as_of=today - datetime.timedelta(days=31)).capacity_is_stale


def test_trafficking_types_lists_labels():
    service = _service(trafficking_labour=True, trafficking_marriage=True)
    assert [str(label) for label in service.trafficking_types] == [
        "labour trafficking (incl. fishing, domestic work)",
        "forced or brokered marriage",
    ]


@pytest.mark.django_db
def test_service_at_location_must_belong_to_the_same_organization(make_org, make_service):
    org, other = make_org(), make_org()
    service = make_service(org)
    foreign = Location.objects.create(organization=other, name="Far", area=Area.objects.get(key="KH:02"))
    with pytest.raises(ValidationError) as exc:
        ServiceAtLocation(service=service, location=foreign).clean()
    assert "location" in exc.value.message_dict
    own = Location.objects.create(organization=org, name="Near", area=Area.objects.get(key="KH:12"))
    ServiceAtLocation(service=service, location=own).clean()


# --- organizations -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_organization_area_must_be_in_its_country(make_org):
    org = make_org(country="KH", area_key="KH:12")
    org.clean()
    org.country = Area.objects.get(key="TH")
    with pytest.raises(ValidationError) as exc:
        org.clean()
    assert "area" in exc.value.message_dict


@pytest.mark.django_db
def test_organization_cannot_succeed_itself(make_org):
    org = make_org()
    org.successor = org
    with pytest.raises(ValidationError) as exc:
        org.clean()
    assert "successor" in exc.value.message_dict


@pytest.mark.django_db
def test_acronyms_and_former_names(make_org):
    from directory.models import OrganizationName

    org = make_org("Ministry of Social Affairs, Veterans and Youth Rehabilitation")
    OrganizationName.objects.create(organization=org, name="MoSVY", kind="acronym")
    OrganizationName.objects.create(organization=org, name="MOSALVY", kind="former", note="until 2004")
    assert org.acronyms == ["MoSVY"]
    assert [n.name for n in org.former_names] == ["MOSALVY"]
    org.status = "merged"
    assert org.is_closed


def test_service_at_location_row_without_service_validates_without_crashing(make_org):
    from directory.models import Location, ServiceAtLocation

    org = make_org()
    location = Location.objects.create(
        organization=org, name="Office", area=Area.objects.get(key="KH:12"), visibility="public"
    )
    ServiceAtLocation(location=location).clean()  # no service attached yet: nothing to compare
