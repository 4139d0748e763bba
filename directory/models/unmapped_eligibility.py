"""Eligibility values the three-state migration could not map (listed in an admin report)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnmappedEligibility(models.Model):
    """One attribute of one service that the migration left "not stated" because the old value
    cannot be told from the old default (or was not a yes/no at all). An editor states it; the
    report stops listing it as soon as the service's attribute is yes or no."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=40)
    draft = models.BooleanField(default=False, help_text=_("Found in an unpublished draft."))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_id", "field"]
        unique_together = [("service", "field", "draft")]
        verbose_name = _("unmapped eligibility value")

    def __str__(self):
        return f"{self.service_id}.{self.field} (was {self.old_value})"
