"""Integration therapy in person, beside scheduling's telehealth integration service:
integration therapists keep weekly hours at the locations as well as by video."""

from django.db import migrations


def add_service(apps, schema_editor):
    Service = apps.get_model("scheduling", "Service")
    Location = apps.get_model("portal", "Location")
    service, created = Service.objects.get_or_create(
        name="Integration therapy (in person)",
        defaults={
            "kind": "integration",
            "modality": "",
            "duration_minutes": 50,
            "room_kind": "therapy_room",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 10,
        },
    )
    if created:
        service.locations.set(Location.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0002_seed_settings"),
        ("scheduling", "0002_clinic_data"),
        ("portal", "0003_clinic_locations"),
    ]

    operations = [migrations.RunPython(add_service, migrations.RunPython.noop)]
