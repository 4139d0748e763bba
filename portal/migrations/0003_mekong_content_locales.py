"""Content locales for the five portal languages (English, Khmer, Thai, Vietnamese, Lao).

Wagtail translates organizations, services, library items and the home page into a locale only
when its row exists; a fresh install gets all five here (0002 made English and Khmer).
"""

from django.db import migrations

LANGUAGES = ("en", "km", "th", "vi", "lo")


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_initial_site")]
    # Reversing keeps the rows: content may already be filed under them.
    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
