"""Joins the patient-overlap constraint (0003) and billing (0003/0004), which landed
side by side; neither depends on the other."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_appointment_patient_no_overlap"),
        ("scheduling", "0004_billing_data"),
    ]

    operations: list = []
