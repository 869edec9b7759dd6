"""The three kinds of ketamine treatment the clinic gives. Every layer above intake
(scheduling, treatments, integration) speaks of modalities in these words."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    IV = "iv", _("IV ketamine infusion")
    SPRAVATO = "spravato", _("Spravato (esketamine nasal spray)")
    KAP = "kap", _("Ketamine-assisted psychotherapy")
