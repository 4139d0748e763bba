from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0005_tiered_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="synonymgroup",
            name="seed_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=80),
        ),
    ]
