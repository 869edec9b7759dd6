"""The clinic's three locations. Clinic data: edited in the admin from here on."""

from django.db import migrations

LOCATIONS = [
    ("Sacramento", "sacramento", "2801 K Street, Suite 200, Sacramento, CA 95816", "(916) 555-0101"),
    ("Folsom", "folsom", "1700 Prairie City Road, Suite 110, Folsom, CA 95630", "(916) 555-0102"),
    ("Roseville", "roseville", "1 Sierra Gate Plaza, Suite 300, Roseville, CA 95678", "(916) 555-0103"),
]


def add_locations(apps, schema_editor):
    Location = apps.get_model("portal", "Location")
    for name, slug, address, phone in LOCATIONS:
        Location.objects.get_or_create(
            slug=slug, defaults={"name": name, "address": address, "phone": phone}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_audit_append_only")]

    operations = [migrations.RunPython(add_locations, migrations.RunPython.noop)]
