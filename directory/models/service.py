"""Services (HSDS service) with eligibility, capacity, schedules and where they are offered."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from ..eligibility import TRAFFICKING_FIELDS, Summary
from ..publish_guard import PlainTextPublishMixin
from ..validators import validate_plain_text
from .choices import AcceptingReferrals, ServiceStatus, Visibility, Weekday
from .contact import ContactBase, PhoneBase
from .organization import PublishedQuerySet
from .stewarded import Stewarded


class Service(
    PlainTextPublishMixin,  # no revision with legacy markup is published
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    Stewarded,
    ClusterableModel,
):
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=255, validators=[validate_plain_text])
    description = models.TextField(blank=True, validators=[validate_plain_text])
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    email_visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    application_process = models.TextField(
        blank=True, validators=[validate_plain_text], help_text=_("How to refer someone: steps, forms.")
    )
    referral_form_url = models.URLField(blank=True, max_length=500, help_text=_("A blank form only."))
    fees_description = models.CharField(max_length=300, blank=True, validators=[validate_plain_text])
    interpretation_services = models.CharField(max_length=300, blank=True, validators=[validate_plain_text])
    alert = models.CharField(
        max_length=300, blank=True, validators=[validate_plain_text], help_text=_("Short-term notice.")
    )

    # Eligibility: kept apart from service type and population (domain brief).
    eligibility_description = models.TextField(blank=True, validators=[validate_plain_text])
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Each is yes / no / not stated (None): see directory/eligibility.py.
    serves_women = models.BooleanField(_("serves women and girls"), null=True, blank=True, default=None)
    serves_men = models.BooleanField(
        _("serves men and boys (male survivors)"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Accepts male survivors."),
    )
    serves_children = models.BooleanField(
        _("serves children (under 18)"), null=True, blank=True, default=None
    )
    serves_adults = models.BooleanField(_("serves adults"), null=True, blank=True, default=None)
    trafficking_labour = models.BooleanField(
        _("labour trafficking (incl. fishing, domestic work)"), null=True, blank=True, default=None
    )
    trafficking_sexual = models.BooleanField(_("sexual exploitation"), null=True, blank=True, default=None)
    trafficking_marriage = models.BooleanField(
        _("forced or brokered marriage"), null=True, blank=True, default=None
    )
    trafficking_begging = models.BooleanField(_("child begging"), null=True, blank=True, default=None)
    serves_migrants = models.BooleanField(
        _("serves migrant workers and deportees"), null=True, blank=True, default=None
    )

    # Capacity: only meaningful with its date.
    accepting_referrals = models.CharField(
        max_length=10, choices=AcceptingReferrals.choices, default=AcceptingReferrals.UNKNOWN
    )
    beds_total = models.PositiveSmallIntegerField(null=True, blank=True)
    beds_available = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity_as_of = models.DateField(null=True, blank=True)

    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("live"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["organization__name", "name"]
        verbose_name = _("service")
        # The demo banner's question (see Organization.Meta): only demo rows are indexed.
        indexes = [
            models.Index(
                fields=["is_demo"], condition=models.Q(is_demo=True), name="directory_service_demo_idx"
            )
        ]

    def __str__(self):
        return f"{self.name} – {self.organization.name}" if self.organization_id else self.name

    def get_absolute_url(self):
        return f"{self.organization.get_absolute_url()}#service-{self.pk}"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("minimum_age", "maximum_age"):
            value = getattr(self, field)
            if value is not None and value > 120:
                errors[field] = _("Ages run from 0 to 120.")
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
            and not errors
        ):
            errors["maximum_age"] = _("The maximum age is below the minimum age.")
        beds_known = self.beds_available is not None and self.beds_total is not None
        if beds_known and self.beds_available > self.beds_total:
            errors["beds_available"] = _("More beds available than beds in total.")
        if (self.beds_total is not None or self.accepting_referrals != AcceptingReferrals.UNKNOWN) and not (
            self.capacity_as_of
        ):
            errors["capacity_as_of"] = _("Capacity needs the date it was true.")
        if self.capacity_as_of and self.capacity_as_of > timezone.localdate():
            errors["capacity_as_of"] = _("This date is in the future.")
        if self.serves_women is False and self.serves_men is False:
            errors["serves_men"] = _("A service serves women, men or both.")
        if errors:
            raise ValidationError(errors)

    @property
    def capacity_is_stale(self):
        if not self.capacity_as_of:
            return True
        age = (timezone.localdate() - self.capacity_as_of).days
        return age > settings.DIRECTORY_CAPACITY_STALE_DAYS

    @property
    def trafficking_types(self):
        """Exploitation types the record says "yes" to (never the unstated ones)."""
        return [self._meta.get_field(f).verbose_name for f in TRAFFICKING_FIELDS if getattr(self, f) is True]

    @property
    def eligibility(self):
        """Yes / no / not stated, in words (directory/eligibility.py)."""
        nationalities = [link.country.name for link in self.nationalities.all()] if self.pk else []
        return Summary(self, nationalities)


class ServiceTerm(Orderable):
    """Service type (HSDS service_attribute linking a taxonomy term)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="term_links")
    term = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.PROTECT, related_name="+")

    class Meta(Orderable.Meta):
        unique_together = [("service", "term")]


class ServiceArea(Orderable):
    """Where a service is available (HSDS service_area), as gazetteer areas."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])

    class Meta(Orderable.Meta):
        unique_together = [("service", "area")]


class ServiceLanguage(Orderable):
    """A language staff speak (HSDS language)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="language_links")
    language = models.ForeignKey("directory.Language", on_delete=models.PROTECT, related_name="+")

    class Meta(Orderable.Meta):
        unique_together = [("service", "language")]


class ServiceNationality(Orderable):
    """A nationality the service accepts (a country Area)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="nationalities")
    country = models.ForeignKey(
        "directory.Area", on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "country"}
    )

    class Meta(Orderable.Meta):
        unique_together = [("service", "country")]


class ServiceAtLocation(Orderable):
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="services_here")

    class Meta(Orderable.Meta):
        unique_together = [("service", "location")]

    def clean(self):
        super().clean()
        try:
            organization_id = self.service.organization_id
        except ObjectDoesNotExist:  # a new inline row before its service is attached
            organization_id = None
        if self.location_id and organization_id and self.location.organization_id != organization_id:
            raise ValidationError({"location": _("Choose a location of this service's organization.")})


class Schedule(Orderable):
    """Opening hours (HSDS schedule, weekly rule)."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.CharField(
        max_length=2, choices=Weekday.choices, blank=True, help_text=_("Leave empty for every day.")
    )
    open_24h = models.BooleanField(_("open 24 hours"), default=False)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(
        null=True, blank=True, help_text=_("Earlier than the opening time for a night span: 22:00 to 06:00.")
    )
    note = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")

    def clean(self):
        super().clean()
        if self.open_24h:
            return
        if not (self.opens_at and self.closes_at):
            raise ValidationError({"opens_at": _("Give opening and closing times, or tick “open 24 hours”.")})
        # A closing time before the opening time is an overnight span (22:00-06:00 runs into the
        # next morning: directory.opening reads it so); the same time twice says nothing.
        if self.closes_at == self.opens_at:
            raise ValidationError(
                {
                    "closes_at": _(
                        "Opening and closing times are the same. For a whole day, tick “open 24 hours”."
                    )
                }
            )


class ServicePhone(PhoneBase):
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="phones")


class ServiceContact(ContactBase):
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="contacts")
