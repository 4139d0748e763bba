"""Vietnamese synonym groups (issue 15: searchable in each of the five languages).

Diacritics need no group: `search.text` folds them at index and query time (Hà Nội = ha noi).
These are spellings that differ beyond diacritics: the words for trafficking and shelter, and
the short names of the Vietnamese partners. Seeded like 0008: once per `seed_key`, never over an
editor's change.
"""

from django.db import migrations

SEEDS = [
    ("vi-trafficking", "mua bán người\nbuôn bán người\nbuôn người", "Vietnamese: trafficking in persons"),
    ("vi-shelter", "nhà tạm lánh\nnhà an toàn\ncơ sở tạm lánh", "Vietnamese: shelter, safe house"),
    (
        "vi-molisa",
        "MOLISA\nBộ LĐTBXH\nBộ Lao động Thương binh",
        "Ministry of Labour, Invalids and Social Affairs (Viet Nam)",
    ),
    ("vi-womens-union", "VWU\nVietnam Women's Union\nHội Phụ nữ\nHội LHPN", "Hội Liên hiệp Phụ nữ Việt Nam"),
    ("vi-cambodia", "Campuchia\nCam Bốt", "Vietnamese names of Cambodia"),
    ("vi-phnom-penh", "Phnôm Pênh\nNam Vang", "Vietnamese names of Phnom Penh"),
]


def _spellings(variants):
    return frozenset(" ".join(v.split()).casefold() for v in variants.splitlines() if v.strip())


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    existing_keys = set(SynonymGroup.objects.exclude(seed_key="").values_list("seed_key", flat=True))
    existing_sets = {_spellings(v) for v in SynonymGroup.objects.values_list("variants", flat=True)}
    for key, variants, note in SEEDS:
        if key in existing_keys or _spellings(variants) in existing_sets:
            continue
        SynonymGroup.objects.create(variants=variants, note=note, seed_key=key, active=True)


def unseed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for key, variants, _note in SEEDS:
        SynonymGroup.objects.filter(seed_key=key, variants=variants).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0008_seed_language_synonyms")]
    operations = [migrations.RunPython(seed, unseed)]
