"""The three kinds of ketamine treatment the clinic gives. Every layer above intake
(scheduling, treatments, integration) speaks of modalities in these words."""

from __future__ import annotations

from django.db import models


class Modality(models.TextChoices):
    IV = "iv", "IV ketamine infusion"
    SPRAVATO = "spravato", "Spravato (esketamine nasal spray)"
    KAP = "kap", "Ketamine-assisted psychotherapy"
