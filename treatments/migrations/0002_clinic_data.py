"""Treatment clinic data: the settings row, the standard protocols (IV induction,
Spravato label schedule, KAP) and the aftercare checklists. Edited in the admin from
here on; the values are the domain brief's starting defaults, written out so that this
migration never changes when the code's defaults do."""

from django.db import migrations


def steps(days, phase="induction", kind="dosing", paired=False):
    return [{"day": d, "phase": phase, "kind": kind, "paired_integration": paired} for d in days]


PROTOCOLS = [
    (
        "IV ketamine induction (6 infusions)",
        "iv",
        "Six infusions of about 0.5 mg/kg over about 40 minutes, over two weeks "
        "(Mon/Wed/Fri). The minimum spacing is in Treatment settings.",
        steps([0, 2, 4, 7, 9, 11]),
    ),
    (
        "Spravato (label schedule)",
        "spravato",
        "Weeks 1-4 twice weekly (induction), weeks 5-8 weekly, then from week 9 weekly "
        "or every two weeks (maintenance). Day 1 is 56 mg.",
        steps([0, 3, 7, 10, 14, 17, 21, 24])
        + steps([28, 35, 42, 49], phase="maintenance")
        + steps([56, 63], phase="maintenance"),
    ),
    (
        "Spravato (label schedule, every two weeks from week 9)",
        "spravato",
        "As the label schedule, with sessions every two weeks from week 9.",
        steps([0, 3, 7, 10, 14, 17, 21, 24])
        + steps([28, 35, 42, 49], phase="maintenance")
        + steps([56, 70], phase="maintenance"),
    ),
    (
        "Ketamine-assisted psychotherapy (KAP)",
        "kap",
        "A preparation session, then six weekly dosing sessions, each paired with "
        "integration therapy.",
        steps([0], kind="preparation") + steps([7, 14, 21, 28, 35, 42], paired=True),
    ),
]

COMMON_AFTER = [
    "A responsible adult drives you home; you arranged them before the session.",
    "No alcohol or cannabis for 24 hours.",
    "Rest and keep to calm activities for the rest of the day.",
    "Feeling dreamy, mild nausea, dizziness or a headache is common and usually passes "
    "within a few hours.",
    "Call the clinic if nausea, dizziness or a headache gets worse or lasts into the next "
    "day, or if you have chest pain or a pounding headache.",
    "If you have thoughts of harming yourself, call or text 988 at any time, or call 911.",
]

AFTERCARE = {
    "iv": ["No driving or operating heavy machinery for the rest of the day."]
    + COMMON_AFTER,
    "spravato": [
        "No driving or operating heavy machinery until the next day, after a restful "
        "night's sleep."
    ]
    + COMMON_AFTER,
    "kap": ["No driving or operating heavy machinery for the rest of the day."]
    + COMMON_AFTER,
}


def seed(apps, schema_editor):
    TreatmentSettings = apps.get_model("treatments", "TreatmentSettings")
    ProtocolTemplate = apps.get_model("treatments", "ProtocolTemplate")
    AftercareItem = apps.get_model("treatments", "AftercareItem")
    TreatmentSettings.objects.get_or_create(singleton_id=1)
    for name, modality, description, step_list in PROTOCOLS:
        ProtocolTemplate.objects.get_or_create(
            name=name,
            defaults={"modality": modality, "description": description, "steps": step_list},
        )
    for modality, texts in AFTERCARE.items():
        if AftercareItem.objects.filter(modality=modality).exists():
            continue
        AftercareItem.objects.bulk_create(
            [
                AftercareItem(modality=modality, text=text, order=i)
                for i, text in enumerate(texts, start=1)
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
