"""Seed the clinic's screening thresholds with the domain brief's starting defaults.

The clinic changes them in the admin (Intake > Screening settings).
"""

from django.db import migrations


def seed(apps, schema_editor):
    ScreeningSettings = apps.get_model("intake", "ScreeningSettings")
    ScreeningSettings.objects.get_or_create(
        singleton_id=1,
        defaults={"systolic_limit": 160, "diastolic_limit": 100, "minimum_age": 18},
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
