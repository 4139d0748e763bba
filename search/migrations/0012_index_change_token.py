from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0011_field_vectors"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexchange",
            name="token",
            field=models.CharField(blank=True, max_length=32),
        ),
    ]
