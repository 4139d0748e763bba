"""Printable referral pack for one province: one A4 page a social worker can pin to a wall.

Sections: hotlines (national ones first), shelters, legal aid, medical care, reintegration. A
national hotline (directory/hotlines.py) that does not reach the province on the coverage
report (a short code filed under its head office's province) is printed above the sections.
Each entry: service, organization, the phones the viewer may see, the area (never a street
address: shelters are area-only, and the pack has no room for addresses anyway), the
last-verified date and a QR code back to the live entry. Verified entries come first; at most
`PER_SECTION` per section, so the page stays one page, with a count of the rest.

The pack shows what the viewer may see: printed by a partner it may carry partners-only
phones, and then says so at the top ("partners only: do not post publicly").
"""

from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from directory.hotlines import national_hotlines
from directory.models import Service, Visibility
from directory.models.choices import TIER_ORDER

from .entries import build_entries

SECTIONS = [
    ("HELP", _("Hotlines")),
    ("SHELTER", _("Shelters")),
    ("LEGAL", _("Legal aid")),
    ("MED", _("Medical care")),
    ("REINT", _("Reintegration")),
]
PER_SECTION = 4


@lru_cache(maxsize=4096)
def qr_svg(url, box_size=10):
    """An inline SVG QR code for `url` (generated here, no network; entries keep their URL,
    so each code is made once per process)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=1)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    # Drop the XML declaration: the SVG goes inline into HTML.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1].lstrip()
    return mark_safe(svg)  # noqa: S308 -- our own generator's output; the URL is encoded as modules


@dataclass
class PackEntry:
    item: object  # coverage.ServiceItem
    phones: list
    where: str
    qr: str
    absolute_url: str


@dataclass
class PackSection:
    code: str
    title: str
    entries: list = field(default_factory=list)
    more: int = 0


@dataclass
class Pack:
    province: object
    sections: list
    tier: str  # the most private tier of anything printed
    hotlines: list = field(default_factory=list)  # national hotlines not in the Hotlines section

    @property
    def is_public(self):
        return self.tier == Visibility.PUBLIC


def _tier_max(tiers):
    order = [t.value for t in TIER_ORDER]
    return max(tiers, key=order.index, default=Visibility.PUBLIC)


def build_pack(province, viewer, absolute, report, today=None):
    """The pack for `province` as `viewer` may see it. `report` is the coverage area report
    for the section codes (coverage.Coverage.area_report); `absolute(path)` makes a full URL."""
    report = {family.code: items for family, _cell, items in report}
    hotlines = national_hotlines(province.country_code)
    national = {h.phone.service_id for h in hotlines}
    sections = []
    chosen = []
    for code, title in SECTIONS:
        items = report.get(code, [])
        if code == "HELP":  # national hotlines first (a stable sort keeps the verified order)
            items = sorted(items, key=lambda i: not (i.nationwide or i.pk in national))
            hotlines = [h for h in hotlines if h.phone.service_id not in {i.pk for i in items}]
        section = PackSection(code, str(title), more=max(len(items) - PER_SECTION, 0))
        section.entries = items[:PER_SECTION]
        chosen += [i.pk for i in section.entries]
        sections.append(section)
    entries = {e.pk: e for e in build_entries(Service.objects.filter(pk__in=chosen), viewer, today)}
    tiers = []
    for section in sections:
        built = []
        for item in section.entries:
            entry = entries.get(item.pk)
            phones = entry.phones if entry else []
            places = entry.places if entry else []
            tiers += [p.visibility for p in phones] + [p.tier for p in places]
            if item.nationwide:
                where = str(_("Nationwide"))
            else:
                where = "; ".join(dict.fromkeys(p.where for p in places if p.where)) or province.name
            url = absolute(item.url)
            built.append(PackEntry(item=item, phones=phones, where=where, qr=qr_svg(url), absolute_url=url))
        section.entries = built
    return Pack(province=province, sections=sections, tier=_tier_max(tiers), hotlines=hotlines)
