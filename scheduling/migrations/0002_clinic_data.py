"""The clinic's services, the payers it does not currently accept (Medi-Cal) and the
scheduling settings row. Clinic data: edited in the admin from here on."""

from django.db import migrations
from django.utils import timezone

# name, kind, modality, minutes, room kind, buffer before, buffer after
SERVICES = [
    ("Consultation / psychiatric evaluation", "consultation", "", 60, "therapy_room", 0, 10),
    ("IV ketamine infusion", "iv_infusion", "iv", 90, "infusion_chair", 15, 15),
    # Spravato: dosing plus at least 2 h of on-site monitoring (REMS).
    ("Spravato session", "spravato", "spravato", 135, "spravato_room", 10, 15),
    ("KAP session", "kap", "kap", 120, "therapy_room", 10, 10),
    ("Integration therapy", "integration", "", 50, "telehealth", 0, 10),
    ("Booster infusion", "booster", "iv", 90, "infusion_chair", 15, 15),
]

MEDI_CAL_ALIASES = "\n".join(
    [
        "medi-cal",
        "medi cal",
        # A lone "MEDICAL" is Medi-Cal written without its hyphen; inside a longer plan
        # name ("Aetna Medical PPO") it is not, so it matches only the whole answer.
        "=medical",
        "california medicaid",
        "medicaid california",
        "medicaid of california",
    ]
)

MEDI_CAL_MESSAGE = (
    "We're sorry: our clinic does not currently accept Medi-Cal, so we cannot book this "
    "request with Medi-Cal as the payer. If you have other coverage, please choose "
    "another insurer, or choose self-pay. With Medi-Cal you can also get mental-health "
    "care through your county's behavioral health services (in Sacramento County, the "
    "Behavioral Health Services access line) or from a provider in your Medi-Cal "
    "managed-care plan's directory (call the member services number on your plan card). "
    "If you are in crisis, call or text 988, or call 911."
)


def seed(apps, schema_editor):
    Service = apps.get_model("scheduling", "Service")
    PayerRule = apps.get_model("scheduling", "PayerRule")
    SchedulingSettings = apps.get_model("scheduling", "SchedulingSettings")
    Location = apps.get_model("portal", "Location")
    locations = list(Location.objects.all())
    for name, kind, modality, minutes, room_kind, before, after in SERVICES:
        service, created = Service.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "modality": modality,
                "duration_minutes": minutes,
                "room_kind": room_kind,
                "buffer_before_minutes": before,
                "buffer_after_minutes": after,
            },
        )
        if created:
            service.locations.set(locations)
    PayerRule.objects.get_or_create(
        name="Medi-Cal",
        defaults={
            "aliases": MEDI_CAL_ALIASES,
            "not_accepted_from": timezone.localdate(),
            "message": MEDI_CAL_MESSAGE,
        },
    )
    SchedulingSettings.objects.get_or_create(singleton_id=1)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("portal", "0003_clinic_locations"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
