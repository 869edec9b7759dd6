"""Seed how to get ready for a dosing visit (clinic data, edited in the admin)."""

from django.db import migrations

PREPARATION = {
    "spravato": [
        "Do not eat for 2 hours before your visit.",
        "Do not drink anything, water included, for 30 minutes before your visit.",
        "If you use a nasal corticosteroid or a decongestant spray, use it at least 1 hour "
        "before your visit.",
        "Do not drive or operate machinery until the next day, after a restful sleep.",
    ],
    "iv": [
        "Do not eat for 6 hours before your visit; clear liquids are fine until 2 hours before.",
        "Do not drive or operate machinery for the rest of the day.",
    ],
    "kap": [
        "Do not eat for 4 hours before your visit; clear liquids are fine until 2 hours before.",
        "Do not drive or operate machinery for the rest of the day.",
    ],
    "": [
        "Bring a list of every medicine and supplement you take.",
        "Arrange for an adult to take you home after your visit; you cannot drive yourself "
        "or leave alone.",
        "No alcohol or recreational drugs for 24 hours before your visit.",
    ],
}


def seed(apps, schema_editor):
    Preparation = apps.get_model("treatments", "Preparation")
    if Preparation.objects.exists():
        return
    rows = []
    for modality, texts in PREPARATION.items():
        offset = 100 if modality == "" else 0
        rows += [
            Preparation(modality=modality, text=text, order=offset + i)
            for i, text in enumerate(texts)
        ]
    Preparation.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0004_before_the_dose")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
