"""Identifiers an organization is known by in other registers (HSDS organization_identifier):
a company or charity number, a ministry's registration number, another directory's id. An
HSDS import matches organizations by these (``directory.hsds.imports``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from ..validators import validate_plain_text


class OrganizationIdentifier(Orderable):
    organization = ParentalKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="identifiers"
    )
    identifier_scheme = models.CharField(
        _("scheme"),
        max_length=60,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("org-id.guide scheme code, e.g. KH-MOI, GB-COH; or another directory's name."),
    )
    identifier_type = models.CharField(
        _("type"), max_length=120, validators=[validate_plain_text], help_text=_("e.g. NGO registration")
    )
    identifier = models.CharField(max_length=120, validators=[validate_plain_text])

    class Meta(Orderable.Meta):
        verbose_name = _("identifier")

    def __str__(self):
        return f"{self.identifier_scheme or self.identifier_type}: {self.identifier}"
