"""Integration: the clinic's window numbers, mood and symptom check-ins, the journal."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.models import ClinicSettingsBase, TimeStamped

# The clinic's integration numbers are read on every patient home page; they change a few
# times a year. Django's cache (Redis, shared by every process) holds them, clinic
# configuration only, no patient data. A save or delete forgets them at once and again
# when its transaction commits; the timeout bounds what a rolled-back edit could leave.
SETTINGS_CACHE_SECONDS = 300


class IntegrationSettings(ClinicSettingsBase):
    """Numbers the clinic may change in the admin; seeded by migration 0002."""

    window_opens_after_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours after discharge when integration therapy may start."
    )
    window_closes_after_hours = models.PositiveSmallIntegerField(
        default=48, help_text="Hours after discharge when the integration window closes."
    )
    closing_reminder_hours_before = models.PositiveSmallIntegerField(
        default=6, help_text="Remind the patient this many hours before the window closes."
    )
    relapse_rise_points = models.PositiveSmallIntegerField(
        default=5, help_text="A PHQ-9 this many points above the lowest since induction alerts."
    )
    relapse_threshold = models.PositiveSmallIntegerField(
        default=10, help_text="A PHQ-9 crossing back to this or more after being under alerts."
    )
    checkin_interval_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days between the weekly PHQ-9/GAD-7 reminders."
    )

    class Meta:
        verbose_name = "integration settings"
        verbose_name_plural = "integration settings"
        constraints = [
            models.CheckConstraint(
                name="integration_window_opens_before_close",
                condition=models.Q(
                    window_opens_after_hours__lt=models.F("window_closes_after_hours")
                ),
            ),
        ]

    @classmethod
    def _cache_key(cls) -> str:
        # The database's name: two databases sharing one Redis never share a row.
        return f"integration:settings:v1:{connection.settings_dict['NAME']}"

    @classmethod
    def load(cls) -> Self:
        """The settings row, through Django's cache (see SETTINGS_CACHE_SECONDS)."""
        names = [field.attname for field in cls._meta.concrete_fields]
        key = cls._cache_key()
        values: dict[str, Any] | None = cache.get(key)
        if values is not None and list(values) == names:
            return cls.from_db(connection.alias, names, [values[name] for name in names])
        obj = super().load()
        cache.set(key, {name: getattr(obj, name) for name in names}, SETTINGS_CACHE_SECONDS)
        return obj

    @classmethod
    def forget_cached(cls) -> None:
        key = cls._cache_key()
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    def __str__(self) -> str:
        return (
            f"Integration window {self.window_opens_after_hours}-"
            f"{self.window_closes_after_hours} h after discharge"
        )


@receiver(post_save, sender=IntegrationSettings)
@receiver(post_delete, sender=IntegrationSettings)
def _forget_cached_settings(**kwargs: Any) -> None:
    IntegrationSettings.forget_cached()


class MoodCheckin(TimeStamped):
    """A patient's mood on one day (0 = worst, 10 = best), editable that same day."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mood_checkins"
    )
    day = models.DateField(help_text="The clinic-local day this mood is for.")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="mood_one_per_patient_day"),
            models.CheckConstraint(name="mood_score_0_10", condition=models.Q(score__lte=10)),
        ]

    def __str__(self) -> str:
        return f"Mood {self.score}/10 on {self.day}"


class Instrument(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"


class SymptomCheckin(TimeStamped):
    """A weekly PHQ-9 or GAD-7, scored with intake's instruments module."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="symptom_checkins"
    )
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    day = models.DateField(help_text="The clinic-local day it was taken.")
    answers = models.JSONField(help_text="Item answers 0-3, in question order.")
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=30)
    safety_flag = models.BooleanField(default=False)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument", "day"], name="symptom_one_per_instrument_day"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "instrument", "day"], name="symptom_series"),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.total} on {self.day}"


class JournalEntry(TimeStamped):
    """The patient's own writing. Private unless they share the entry with their care team."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    title = models.CharField(max_length=120, blank=True)
    body = models.TextField(max_length=10000)
    shared_with_therapist = models.BooleanField(
        default=False, help_text="Shared entries can be read by your care team."
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "journal entries"
        constraints = [
            models.CheckConstraint(
                name="journal_shared_has_time",
                condition=models.Q(shared_with_therapist=False) | models.Q(shared_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Journal entry of {self.created_at:%Y-%m-%d}"
