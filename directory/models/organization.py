"""Organizations (HSDS organization) with names over time, phones, contacts and locations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
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

from ..publish_guard import PlainTextPublishMixin
from ..validators import validate_plain_text
from .choices import NameKind, OrganizationStatus, OrganizationType, Visibility
from .contact import ContactBase, PhoneBase
from .stewarded import Stewarded

# Paths under /directory/ that are not organizations.
RESERVED_SLUGS = {"hsds", "list"}


class PublishedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)


class Organization(
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
    name = models.CharField(max_length=255, validators=[validate_plain_text])
    slug = models.SlugField(max_length=120, help_text=_("Used in the address /directory/<slug>/."))
    org_type = models.CharField(_("type"), max_length=30, choices=OrganizationType.choices)
    status = models.CharField(
        max_length=12, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    description = models.TextField(blank=True, validators=[validate_plain_text])
    website = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    email_visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    country = models.ForeignKey(
        "directory.Area",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "country"},
        help_text=_("Where the office sits."),
    )
    area = models.ForeignKey(
        "directory.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("Province, city, district or commune of the main office."),
    )
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("When this organization merged, was renamed or closed: where its work went."),
    )
    successor_note = models.CharField(max_length=300, blank=True, validators=[validate_plain_text])
    is_demo = models.BooleanField(default=False, help_text=_("Demonstration entry: not for real referrals."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("live"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("organization")
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="directory_org_unique_slug_per_locale")
        ]
        # The demo banner asks on every page whether any published record is a demo: with
        # none, an unindexed column is a scan of every row; this index holds only demo rows.
        indexes = [
            models.Index(fields=["is_demo"], condition=models.Q(is_demo=True), name="directory_org_demo_idx")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organization", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            message = _("“%(slug)s” is used by the portal itself.") % {"slug": self.slug}
            raise ValidationError({"slug": message})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("An organization cannot be its own successor.")})
        if self.area_id and self.country_id and self.area.country_id != self.country_id:
            raise ValidationError({"area": _("This area is not in the chosen country.")})

    @property
    def acronyms(self):
        return [n.name for n in self.names.all() if n.kind == NameKind.ACRONYM]

    @property
    def former_names(self):
        return [n for n in self.names.all() if n.kind == NameKind.FORMER]

    @property
    def is_closed(self):
        return self.status in {
            OrganizationStatus.MERGED,
            OrganizationStatus.RENAMED,
            OrganizationStatus.CLOSED,
        }


class OrganizationName(Orderable):
    """Acronyms, aliases and former names: MOSALVY is a former name of MoSVY."""

    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=255, validators=[validate_plain_text])
    kind = models.CharField(max_length=12, choices=NameKind.choices, default=NameKind.ALIAS)
    note = models.CharField(
        max_length=300, blank=True, validators=[validate_plain_text], help_text=_("e.g. until 2004")
    )

    def __str__(self):
        return self.name


class OrganizationPhone(PhoneBase):
    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="phones")


class OrganizationContact(ContactBase):
    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="contacts")


class OrganizationMember(Orderable):
    """A user who works for the organization: they see its `restricted` details (and only its
    own), like an editor does. Kept on the organization so changes are reviewed and dated."""

    organization = ParentalKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_memberships"
    )
    role = models.CharField(max_length=120, blank=True, validators=[validate_plain_text])
    # Lets a user of the "Organization editors" group draft changes to this organization and
    # its services, and to nothing else (``directory.permissions``).
    can_edit = models.BooleanField(
        _("can edit"),
        default=False,
        help_text=_("An organization editor may draft changes to this organization and its services."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("member")
        unique_together = [("organization", "user")]

    def __str__(self):
        return f"{self.user} – {self.organization}"
