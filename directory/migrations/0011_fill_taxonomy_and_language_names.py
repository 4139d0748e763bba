"""Fill the new Khmer/Thai/Vietnamese/Lao names of service types and languages on existing installs.

Only blank fields are filled: a name an editor has already typed is never overwritten. Service-type
names come from the repository's directory/reference/taxonomy.csv (matched by code); language names
are copied here so that the migration does not depend on later edits of directory/reference.
"""

import csv
from pathlib import Path

from django.db import migrations

TAXONOMY_CSV = Path(__file__).resolve().parent.parent / "reference" / "taxonomy.csv"
LOCALES = ("km", "th", "vi", "lo")

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


def _fill_blanks(obj, names):
    changed = []
    for code, value in names.items():
        field = f"name_{code}"
        if value and not getattr(obj, field):
            setattr(obj, field, value)
            changed.append(field)
    if changed:
        obj.save(update_fields=changed)


def fill_names(apps, schema_editor):
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    Language = apps.get_model("directory", "Language")
    if TAXONOMY_CSV.exists():
        with open(TAXONOMY_CSV, encoding="utf-8") as handle:
            rows = {row["code"]: row for row in csv.DictReader(handle)}
        for term in TaxonomyTerm.objects.filter(code__in=list(rows)):
            row = rows[term.code]
            _fill_blanks(term, {code: row.get(f"name_{code}", "") for code in LOCALES})
    for language in Language.objects.filter(code__in=list(LANGUAGE_NAMES)):
        _fill_blanks(language, dict(zip(LOCALES, LANGUAGE_NAMES[language.code], strict=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_taxonomy_names_th_vi_lo"),
    ]

    operations = [
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
