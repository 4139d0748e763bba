"""The access log: one row per view of data above the public tier (see audit/__init__.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    ORGANIZATION_PAGE = "organization_page", _("Organization page")
    ORGANIZATION_VCARD = "organization_vcard", _("Organization vCard")
    CONTACT_VCARD = "contact_vcard", _("Contact vCard")
    HSDS = "hsds", _("HSDS (JSON)")
    MAP_GEOJSON = "map_geojson", _("Map data (GeoJSON)")
    DIRECTORY_LISTING = "directory_listing", _("Directory listing (a card's phone)")
    REFERRAL_LIST = "referral_list", _("Referral list")
    LIBRARY_ITEM = "library_item", _("Library item")
    LIBRARY_FILE = "library_file", _("Library file")


class AccessLogEntry(models.Model):
    """Who saw what, when, at which tier. Rows are only added (by the middleware) and deleted
    (by the purge after PORTAL_ACCESS_LOG_DAYS); nothing edits them."""

    viewed_at = models.DateTimeField(_("when"), db_index=True)
    # The user row may go; the name they had stays with the entry.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("who"), max_length=150)
    kind = models.CharField(_("what"), max_length=32, choices=AccessKind.choices)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    label = models.CharField(_("record name"), max_length=255, blank=True)
    tier = models.CharField(_("tier"), max_length=12)
    # The organization's translation key: the entry belongs to the organization in every
    # language (membership follows it too), and survives the organization's deletion.
    organization_key = models.UUIDField(null=True, blank=True, db_index=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-viewed_at", "-pk"]

    def __str__(self):
        return f"{self.username} {self.kind} {self.object_id} {self.viewed_at:%Y-%m-%d %H:%M}"
