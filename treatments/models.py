"""Treatment courses, their planned sessions, dosing sessions as charted, Spravato REMS
monitoring forms, aftercare checklists and the patient's acknowledgements and check-ins.

Clinic data (protocol templates, aftercare items, the numbers in TreatmentSettings) is
seeded by data migrations and edited in the admin.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from intake.modalities import Modality
from portal.i18n import in_language
from portal.models import ClinicSettingsBase, TimeStamped
from treatments import protocols


class TreatmentSettings(ClinicSettingsBase):
    """The clinic's treatment numbers. Starting defaults from the domain brief."""

    iv_min_spacing_days = models.PositiveSmallIntegerField(
        default=2, help_text="Fewest days between two IV infusions of a course."
    )
    pre_dose_max_systolic = models.PositiveSmallIntegerField(
        default=160, help_text="A pre-dose systolic pressure above this needs a recorded reason."
    )
    pre_dose_max_diastolic = models.PositiveSmallIntegerField(
        default=100, help_text="A pre-dose diastolic pressure above this needs a recorded reason."
    )
    spravato_observation_minutes = models.PositiveSmallIntegerField(
        default=120, help_text="Minutes from the first Spravato device before discharge (REMS)."
    )
    spravato_bp40_window_start_minutes = models.PositiveSmallIntegerField(
        default=30,
        help_text="Spravato REMS: the 'about 40 minutes' blood pressure is taken no earlier "
        "than this many minutes after the first device.",
    )
    spravato_bp40_window_end_minutes = models.PositiveSmallIntegerField(
        default=50,
        help_text="Spravato REMS: a reading later than this many minutes after the first "
        "device is taken only with a recorded reason.",
    )
    rems_form_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days to submit the REMS Patient Monitoring Form after a session."
    )
    default_booster_interval_days = models.PositiveSmallIntegerField(default=21)
    booster_reminder_days_before = models.PositiveSmallIntegerField(default=3)
    booster_overdue_days_after = models.PositiveSmallIntegerField(default=2)
    aftercare_checkin_hour = models.PositiveSmallIntegerField(
        default=10, help_text="Local hour on the next day when the aftercare check-in is sent."
    )
    readiness_check_time = models.TimeField(
        default=dt.time(18, 0),
        help_text="Local time on the evening before a dosing visit when the readiness check "
        "is sent (texts still wait for the patient's quiet hours to end).",
    )
    readiness_answer_by = models.TimeField(
        default=dt.time(21, 0),
        help_text="Local time on the evening before: a readiness check not answered by then "
        "puts the patient on the front desk's call list for the morning.",
    )
    series_search_days = models.PositiveSmallIntegerField(
        default=3,
        help_text="When scheduling a series, how many days after a target date to look "
        "for a free slot before reporting the session as not placed.",
    )

    class Meta:
        verbose_name = "treatment settings"
        verbose_name_plural = "treatment settings"
        constraints = [
            models.CheckConstraint(
                name="treatmentsettings_hour_valid", condition=Q(aftercare_checkin_hour__lte=23)
            ),
            models.CheckConstraint(
                name="treatmentsettings_bp40_window_valid",
                condition=Q(
                    spravato_bp40_window_start_minutes__lt=F("spravato_bp40_window_end_minutes")
                ),
            ),
        ]

    def __str__(self) -> str:
        return "Treatment settings"


class ProtocolTemplate(TimeStamped):
    """A course's plan: a list of steps (day offset, phase, kind). Clinic data."""

    name = models.CharField(max_length=100, unique=True)
    modality = models.CharField(max_length=20, choices=Modality.choices)
    description = models.TextField(blank=True)
    steps = models.JSONField(
        help_text='A list like [{"day": 0, "phase": "induction", "kind": "dosing"}, ...]; '
        'kind is "dosing" or "preparation", phase "induction" or "maintenance".'
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["modality", "name"]

    def __str__(self) -> str:
        return self.name

    def step_list(self) -> list[protocols.Step]:
        return [protocols.Step.from_dict(s) for s in self.steps]


TEXT_ES_HELP = (
    "The same line in Spanish, for patients who use the portal in Spanish. "
    "Empty: they read the English one."
)


class AftercareItem(TimeStamped):
    """One line of a modality's aftercare checklist, shown to the patient. Clinic data."""

    modality = models.CharField(max_length=20, choices=Modality.choices)
    text = models.CharField(max_length=300)
    text_es = models.CharField(
        max_length=300, blank=True, default="", db_default="", help_text=TEXT_ES_HELP
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["modality", "order", "id"]

    @property
    def shown_text(self) -> str:
        return in_language(self.text, self.text_es)

    def __str__(self) -> str:
        return f"{self.get_modality_display()}: {self.text[:60]}"


class Course(TimeStamped):
    class Phase(models.TextChoices):
        INDUCTION = "induction", _("Induction")
        MAINTENANCE = "maintenance", _("Maintenance")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="treatment_courses"
    )
    modality = models.CharField(max_length=20, choices=Modality.choices)
    protocol = models.ForeignKey(ProtocolTemplate, on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.INDUCTION)
    start_date = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        "portal.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booster_interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    next_booster_due = models.DateField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=300, blank=True)
    # A second open dosing course runs only on a prescriber's explicit confirmation.
    concurrent_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concurrent_reason = models.CharField(max_length=300, blank=True)
    concurrent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="course_booster_interval_positive",
                condition=Q(booster_interval_days__isnull=True) | Q(booster_interval_days__gt=0),
            ),
            models.UniqueConstraint(
                fields=["patient", "modality"],
                condition=Q(phase__in=["induction", "maintenance"]),
                name="course_one_open_per_modality",
            ),
            models.CheckConstraint(
                name="course_concurrent_has_reason",
                condition=Q(concurrent_with__isnull=True)
                | (~Q(concurrent_reason="") & Q(concurrent_confirmed_by__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} course {self.pk} ({self.get_phase_display()})"

    @property
    def is_open(self) -> bool:
        return self.phase in (self.Phase.INDUCTION, self.Phase.MAINTENANCE)

    @property
    def session_noun(self) -> str:
        return protocols.SESSION_NOUNS.get(self.modality, "session")


class PlannedSession(TimeStamped):
    """A session the course intends, with its target date and, once booked, its visit."""

    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        DOSING = "dosing", _("Dosing")
        BOOSTER = "booster", _("Booster")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="planned")
    sequence = models.PositiveSmallIntegerField()
    target_date = models.DateField()
    phase = models.CharField(max_length=12, choices=Course.Phase.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DOSING)
    paired_integration = models.BooleanField(default=False)
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_sessions",
    )

    class Meta:
        ordering = ["course_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "sequence"], name="plannedsession_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} #{self.sequence} on {self.target_date}"

    @property
    def is_dose(self) -> bool:
        return self.kind in (self.Kind.DOSING, self.Kind.BOOSTER)


class Level(models.TextChoices):
    NONE = "none", _("None")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class DosingSession(TimeStamped):
    """One dose as charted by a clinician or nurse: vitals, dose, monitoring, discharge.

    A session "ends" at discharge (`discharged_at`).
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DISCHARGED = "discharged", "Discharged"
        ABANDONED = "abandoned", "Not given"

    class KapRoute(models.TextChoices):
        SUBLINGUAL = "sublingual", "Sublingual (lozenge/troche)"
        INTRAMUSCULAR = "intramuscular", "Intramuscular"
        ORAL = "oral", "Oral"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dosing_sessions"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    planned = models.OneToOneField(
        PlannedSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="session"
    )
    modality = models.CharField(max_length=20, choices=Modality.choices)
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dosing_sessions",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    charted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # When the visit was checked in (copied from the appointment as the chart opened):
    # no dose time may be earlier.
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # What the intake's medication list names, by class, as the chart opened (REMS form).
    intake_medications = models.TextField(blank=True)

    # Before the dose
    pre_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    pre_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    pre_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    pre_spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    fasted = models.BooleanField(null=True, blank=True)
    no_alcohol_or_substances = models.BooleanField(null=True, blank=True)
    nasal_spray_timing_ok = models.BooleanField(
        null=True, blank=True, help_text="Spravato: decongestant/steroid at least 1 h before."
    )
    high_bp_reason = models.TextField(blank=True)
    pre_dose_recorded_at = models.DateTimeField(null=True, blank=True)
    # The evening check said "no ride", "not fasting" or a new sedating medicine: the dose
    # is given only after a clinician records why they proceed (audited).
    readiness_override_reason = models.CharField(max_length=300, blank=True)
    readiness_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    readiness_override_at = models.DateTimeField(null=True, blank=True)

    # The dose
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    dose_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    total_mg = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    spravato_dose_mg = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(56, "56 mg"), (84, "84 mg")]
    )
    device_count = models.PositiveSmallIntegerField(null=True, blank=True)
    lot_number = models.CharField(max_length=40, blank=True)
    first_device_at = models.DateTimeField(null=True, blank=True)
    kap_route = models.CharField(max_length=15, choices=KapRoute.choices, blank=True)
    # Stamped by the server ("Dose given now"; for Spravato also first_device_at). A
    # correction moves it back only, with a reason, and is audited; dose_stamped_at keeps
    # the server's original stamp.
    dose_given_at = models.DateTimeField(null=True, blank=True)
    dose_stamped_at = models.DateTimeField(null=True, blank=True)
    dose_time_correction_reason = models.CharField(max_length=300, blank=True)

    # During and after
    bp40_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    bp40_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    bp40_recorded_at = models.DateTimeField(null=True, blank=True)
    bp40_late_reason = models.CharField(max_length=300, blank=True)
    sedation = models.CharField(max_length=10, choices=Level.choices, blank=True)
    dissociation = models.CharField(max_length=10, choices=Level.choices, blank=True)
    respiratory_depression = models.BooleanField(default=False)
    adverse_events = models.TextField(blank=True)
    serious_adverse_event = models.BooleanField(default=False)
    # REMS form: concomitant medicines
    benzodiazepine = models.BooleanField(default=False)
    opioid = models.BooleanField(default=False)
    non_benzo_hypnotic = models.BooleanField(default=False)
    psychostimulant = models.BooleanField(default=False)
    maoi = models.BooleanField(default=False)

    # Discharge
    dis_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    dis_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    dis_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    dis_spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    escort_name = models.CharField(max_length=150, blank=True)
    escort_phone = models.CharField(max_length=30, blank=True)
    escort_confirmed = models.BooleanField(default=False)
    aftercare_reviewed = models.BooleanField(default=False)
    ready_to_leave_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="dosingsession_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                name="dosingsession_discharged_has_time",
                condition=~Q(status="discharged") | Q(discharged_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False),
                name="dosingsession_one_per_appointment",
            ),
            models.CheckConstraint(
                name="dosingsession_dose_not_before_check_in",
                condition=Q(checked_in_at__isnull=True)
                | Q(dose_given_at__isnull=True)
                | Q(dose_given_at__gte=F("checked_in_at")),
            ),
            models.CheckConstraint(
                name="dosingsession_spravato_dose_56_or_84",
                condition=Q(spravato_dose_mg__isnull=True) | Q(spravato_dose_mg__in=[56, 84]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} session {self.pk} ({self.get_status_display()})"

    @property
    def pre_dose_recorded(self) -> bool:
        return self.pre_systolic is not None and self.pre_diastolic is not None

    @property
    def discharge_vitals_recorded(self) -> bool:
        return all(
            v is not None
            for v in (self.dis_systolic, self.dis_diastolic, self.dis_heart_rate, self.dis_spo2)
        )

    @property
    def dose_recorded(self) -> bool:
        if self.modality == Modality.IV:
            return self.total_mg is not None
        if self.modality == Modality.SPRAVATO:
            return self.spravato_dose_mg is not None
        return self.total_mg is not None and bool(self.kap_route)

    @property
    def is_discharged(self) -> bool:
        return self.status == self.Status.DISCHARGED

    @property
    def monitoring_minutes(self) -> int | None:
        if self.first_device_at is None or self.discharged_at is None:
            return None
        return int((self.discharged_at - self.first_device_at) / dt.timedelta(minutes=1))


class RemsMonitoringForm(TimeStamped):
    """A Spravato session's Patient Monitoring Form, due within the REMS window."""

    session = models.OneToOneField(
        DosingSession, on_delete=models.CASCADE, related_name="rems_form"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rems_forms"
    )
    due_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="remsform_due",
                condition=Q(submitted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"REMS monitoring form for session {self.session_id} (due {self.due_on})"


class AftercareAcknowledgement(TimeStamped):
    """The patient read and accepted one aftercare item after one session."""

    session = models.ForeignKey(
        DosingSession, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(AftercareItem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="aftercareack_once_per_item")
        ]

    def __str__(self) -> str:
        return f"Session {self.session_id} item {self.item_id} acknowledged"


class SleepQuality(models.TextChoices):
    WELL = "well", _("I slept well")
    POORLY = "poorly", _("I slept poorly")
    NOT_AT_ALL = "not_at_all", _("I hardly slept")


class AftercareCheckin(TimeStamped):
    """How the patient feels the morning after a session."""

    session = models.OneToOneField(DosingSession, on_delete=models.CASCADE, related_name="checkin")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    nausea = models.CharField(max_length=10, choices=Level.choices)
    dizziness = models.CharField(max_length=10, choices=Level.choices)
    bp_concern = models.BooleanField()
    self_harm_thoughts = models.BooleanField()
    # Asked from the next-morning check-in on (blank on older check-ins).
    sleep = models.CharField(max_length=10, choices=SleepQuality.choices, blank=True)
    lingering_effects = models.BooleanField(null=True, blank=True)
    concerning = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Check-in after session {self.session_id}"


class Preparation(TimeStamped):
    """One line of how to get ready for a dosing visit, shown to the patient from the
    moment the visit is booked. Clinic data; a blank modality applies to every visit."""

    modality = models.CharField(max_length=20, choices=Modality.choices, blank=True)
    text = models.CharField(max_length=300)
    text_es = models.CharField(
        max_length=300, blank=True, default="", db_default="", help_text=TEXT_ES_HELP
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.get_modality_display() or 'Every visit'}: {self.text[:60]}"


class Escort(TimeStamped):
    """The adult who takes the patient home: the patient's default (no visit) or for one
    visit. The clinic texts them about pickup only with the patient's consent."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="escorts"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escorts",
    )
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=30)
    relationship = models.CharField(max_length=60)
    consent_to_text = models.BooleanField(default=False)
    consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(appointment__isnull=True),
                name="escort_one_default_per_patient",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False),
                name="escort_one_per_visit",
            ),
            models.CheckConstraint(
                name="escort_consent_has_time",
                condition=Q(consent_to_text=False) | Q(consented_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Escort for {self.patient_id}" + (
            f" (visit {self.appointment_id})" if self.appointment_id else ""
        )


class ReadinessCheck(TimeStamped):
    """The patient's answers the evening before a dosing visit."""

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="readiness_check"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_checks"
    )
    ride_confirmed = models.BooleanField()
    fasting_understood = models.BooleanField()
    new_benzodiazepine = models.BooleanField(default=False)
    new_opioid = models.BooleanField(default=False)
    new_stimulant = models.BooleanField(default=False)
    feeling_unwell = models.BooleanField(default=False)
    nasal_spray_timing_understood = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Readiness check for visit {self.appointment_id}"
