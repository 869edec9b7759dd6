"""Seeds of the booking rules (clinic data, edited in the admin from here on):

- who may deliver each service: evaluations by prescribers only; IV, Spravato, KAP and
  boosters by prescribers and nurses; integration therapy by therapists and prescribers;
- the clinic's opening hours, Monday to Friday 07:00-19:00 at each location (closed at
  weekends: a nurse's Saturday hours no longer open a closed clinic);
- dosing spacing: IV and Spravato visits at least 36 hours apart (never on two days
  running within clinic hours), KAP 24 hours; all three count as dissociative, and the
  scheduling settings allow one dissociative dose per patient per day.
"""

import datetime as dt

from django.db import migrations

KINDS_BY_SERVICE_KIND = {
    "consultation": ["prescriber"],
    "iv_infusion": ["prescriber", "nurse"],
    "spravato": ["prescriber", "nurse"],
    "kap": ["prescriber", "nurse"],
    "booster": ["prescriber", "nurse"],
    "integration": ["therapist", "prescriber"],
}

SPACING = [("iv", 36), ("spravato", 36), ("kap", 24)]

OPEN_WEEKDAYS = range(5)
OPENS, CLOSES = dt.time(7), dt.time(19)


def seed(apps, schema_editor):
    Service = apps.get_model("scheduling", "Service")
    LocationHours = apps.get_model("scheduling", "LocationHours")
    DosingSpacing = apps.get_model("scheduling", "DosingSpacing")
    Location = apps.get_model("portal", "Location")
    for service in Service.objects.all():
        if not service.clinician_kinds:
            service.clinician_kinds = KINDS_BY_SERVICE_KIND.get(service.kind, ["prescriber"])
            service.save(update_fields=["clinician_kinds"])
    for location in Location.objects.all():
        if LocationHours.objects.filter(location=location).exists():
            continue
        for weekday in OPEN_WEEKDAYS:
            LocationHours.objects.create(
                location=location, weekday=weekday, opens=OPENS, closes=CLOSES
            )
    for modality, hours in SPACING:
        DosingSpacing.objects.get_or_create(
            modality=modality, defaults={"min_hours_between": hours, "is_dissociative": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0007_booking_rules"),
        ("portal", "0003_clinic_locations"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
