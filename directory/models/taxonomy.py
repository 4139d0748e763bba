"""Service-type taxonomy and languages (reference data with bilingual labels)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TaxonomyTerm(models.Model):
    """A service type (HSDS taxonomy_term). Codes are hierarchical: SHELTER > SHELTER.SHORT."""

    code = models.CharField(max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_lo = models.CharField(_("name (Lao)"), max_length=200, blank=True)
    description = models.TextField(blank=True)
    taxonomy = models.CharField(max_length=60, default="mekong-protection-services")

    class Meta:
        ordering = ["code"]
        verbose_name = _("service type")

    def __str__(self):
        return f"{self.name_en} ({self.code})"

    @property
    def name(self):
        """The name in the active interface language, falling back to English (never blank)."""
        return self.label()

    def label(self, locale=None):
        return _localized(self, locale) or self.name_en

    @property
    def top_code(self):
        return self.code.split(".", 1)[0]


class Language(models.Model):
    """A language a service works in (HSDS language), keyed by ISO 639 code."""

    code = models.CharField(max_length=12, unique=True, help_text=_("ISO 639 code, e.g. km, th, vi, shn."))
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_native = models.CharField(_("name in the language itself"), max_length=100, blank=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=100, blank=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100, blank=True)
    name_lo = models.CharField(_("name (Lao)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        """The language's name in the active interface language, falling back to English."""
        return self.label()

    def label(self, locale=None):
        return _localized(self, locale) or self.name_en

    @property
    def native_aside(self):
        """The name in the language itself when it adds something to `name` (else "")."""
        native, name = self.name_native, self.name
        return native if native and native != self.name_en and native not in name else ""


#: Interface languages that have a name_<code> column on the reference-data models.
NAME_LOCALES = ("km", "th", "vi", "lo")


def _localized(obj, locale=None):
    code = (locale or get_language() or "en").split("-")[0].split("_")[0].lower()
    return getattr(obj, f"name_{code}", "") if code in NAME_LOCALES else ""
