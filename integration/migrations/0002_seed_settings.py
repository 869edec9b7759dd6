"""The clinic's integration numbers: window 24-48 h after discharge, relapse rule 5 / 10."""

from django.db import migrations


def seed(apps, schema_editor):
    IntegrationSettings = apps.get_model("integration", "IntegrationSettings")
    IntegrationSettings.objects.get_or_create(
        singleton_id=1,
        defaults={
            "window_opens_after_hours": 24,
            "window_closes_after_hours": 48,
            "closing_reminder_hours_before": 6,
            "relapse_rise_points": 5,
            "relapse_threshold": 10,
            "checkin_interval_days": 7,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("integration", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
