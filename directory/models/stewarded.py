"""The stewardship fields that organizations and services share: who keeps the entry current,
who stands in, how often it must be verified and when it last was (``directory.freshness``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..freshness import default_review_interval


class Stewarded(models.Model):
    last_verified = models.DateField(null=True, blank=True)
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stewarded_%(class)ss",  # stewarded_organizations, stewarded_services
        help_text=_("The person who keeps this entry current and verifies it."),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_for_%(class)ss",
        help_text=_("Takes over reviews when the steward is away or has left."),
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        default=default_review_interval,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("How often this entry must be verified, 7 to 730 days."),
    )

    class Meta:
        abstract = True
