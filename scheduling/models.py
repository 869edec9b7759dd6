"""What the clinic offers (services, rooms, clinician hours), what patients ask for
(appointment requests) and what the front desk books (appointments).

The database itself refuses double bookings: each appointment keeps the time it blocks
(its visit plus the service's buffers) as a range, and two exclusion constraints refuse
an overlap on one room or one clinician. They use an `int8range(id, id, '[]')`
expression beside the time range so that plain GiST suffices (no btree_gist, which the
embedded PostgreSQL lacks).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateTimeRangeField,
    RangeOperators,
)
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from psycopg2.extras import DateTimeTZRange

from intake.modalities import Modality
from portal.i18n import in_language
from portal.models import ClinicianKind, ClinicSettingsBase, Location, TimeStamped

# Where a video visit is, in the reader's language: lazy, so a module-level import reads
# in whichever language is active when it is shown. Messages written for later store
# the place as data instead (portal.notifications.services.visit_place).
TELEHEALTH_PLACE = _("Telehealth (video)")


class ServiceKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation / psychiatric evaluation"
    IV_INFUSION = "iv_infusion", "IV ketamine infusion"
    SPRAVATO = "spravato", "Spravato session"
    KAP = "kap", "KAP session"
    INTEGRATION = "integration", "Integration therapy"
    BOOSTER = "booster", "Booster"


class RoomKind(models.TextChoices):
    INFUSION_CHAIR = "infusion_chair", "Infusion chair"
    SPRAVATO_ROOM = "spravato_room", "Spravato monitoring room"
    THERAPY_ROOM = "therapy_room", "Therapy room"
    TELEHEALTH = "telehealth", "Telehealth"


class Service(TimeStamped):
    """A kind of visit the clinic offers. Clinic data: seeded, then edited in the admin."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    modality = models.CharField(
        max_length=20,
        choices=Modality.choices,
        blank=True,
        help_text="The treatment given at this visit; empty for visits without a dose. "
        "A dosing visit is confirmed only when the patient's intake approves it.",
    )
    duration_minutes = models.PositiveSmallIntegerField()
    room_kind = models.CharField(max_length=20, choices=RoomKind.choices)
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    # Who may deliver it: the slot finder offers only these clinicians and the booking
    # service refuses others (an evaluation is a prescriber's, never a nurse's).
    clinician_kinds = ArrayField(
        models.CharField(max_length=20, choices=ClinicianKind.choices),
        default=list,
        blank=True,
        help_text="The kinds of clinician who may deliver this service. Empty: nobody "
        "can be booked for it.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="service_duration_positive", condition=Q(duration_minutes__gt=0)
            ),
            models.CheckConstraint(
                name="service_clinician_kinds_known",
                condition=Q(clinician_kinds__contained_by=list(ClinicianKind.values)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dosing(self) -> bool:
        return bool(self.modality)

    @property
    def is_telehealth(self) -> bool:
        return self.room_kind == RoomKind.TELEHEALTH

    def may_be_delivered_by(self, clinician_kind: str) -> bool:
        return bool(clinician_kind) and clinician_kind in self.clinician_kinds

    @property
    def clinician_kinds_display(self) -> str:
        labels = dict(ClinicianKind.choices)
        names = [str(labels.get(k, k)).lower() + "s" for k in self.clinician_kinds]
        return " and ".join(names) if names else "nobody (no clinician kind is set)"

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_after_minutes)

    def blocked_range(self, starts_at: dt.datetime, ends_at: dt.datetime) -> DateTimeTZRange:
        """The clinician's and room's time a visit of this service then takes, buffers
        included: what a booking stores as `blocked` and the overlap checks compare."""
        return DateTimeTZRange(
            starts_at - self.buffer_before, ends_at + self.buffer_after, bounds="[)"
        )


class Room(TimeStamped):
    """A chair or room at a location. Telehealth visits need no room."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=RoomKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="room_unique_name_per_location"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class ClinicianHours(TimeStamped):
    """When a clinician works where: a weekly block. No location means telehealth."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinician_hours",
        limit_choices_to={"role": "clinician"},
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="clinician_hours",
        help_text="Empty for telehealth hours.",
    )
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ]
    )
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["clinician_id", "weekday", "starts"]
        verbose_name_plural = "clinician hours"
        constraints = [
            models.CheckConstraint(
                name="clinicianhours_starts_before_ends", condition=Q(starts__lt=F("ends"))
            ),
            models.CheckConstraint(name="clinicianhours_weekday_0_6", condition=Q(weekday__lte=6)),
        ]

    def __str__(self) -> str:
        where = self.location or "Telehealth"
        day = self.get_weekday_display()
        return f"{self.clinician} {day} {self.starts:%H:%M}-{self.ends:%H:%M} {where}"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class LocationHours(TimeStamped):
    """When a location is open: a weekly block. Clinic data, edited in the admin.

    A location with opening hours is closed outside them (and on clinic holidays): no
    visit is offered or booked there then, whatever a clinician's hours say. A location
    with no opening hours at all is open whenever its clinicians work.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location_id", "weekday", "opens"]
        verbose_name_plural = "location hours"
        constraints = [
            models.CheckConstraint(
                name="locationhours_opens_before_closes", condition=Q(opens__lt=F("closes"))
            ),
            models.CheckConstraint(name="locationhours_weekday_0_6", condition=Q(weekday__lte=6)),
        ]

    def __str__(self) -> str:
        day = self.get_weekday_display()
        return f"{self.location} {day} {self.opens:%H:%M}-{self.closes:%H:%M}"


class DosingSpacing(TimeStamped):
    """How far apart one patient's dosing visits of a modality must be. Clinic data."""

    modality = models.CharField(max_length=20, choices=Modality.choices, unique=True)
    min_hours_between = models.PositiveSmallIntegerField(
        help_text="Fewest hours from the start of one dosing visit of this modality to the "
        "start of the patient's next (or previous) one; 0 for no minimum."
    )
    is_dissociative = models.BooleanField(
        default=True,
        help_text="Counts toward the clinic's limit of dissociative doses per patient per "
        "day (Scheduling settings).",
    )

    class Meta:
        ordering = ["modality"]
        verbose_name_plural = "dosing spacing"

    def __str__(self) -> str:
        return f"{self.get_modality_display()}: {self.min_hours_between} h apart"


class PayerKind(models.TextChoices):
    SELF_PAY = "self_pay", _("Self-pay")
    COMMERCIAL = "commercial", _("Commercial insurance")
    MEDICARE = "medicare", _("Medicare")
    MEDI_CAL = "medi_cal", _("Medi-Cal")
    OTHER = "other", _("Other")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning (8 am - 12 pm)")
    AFTERNOON = "afternoon", _("Afternoon (12 - 4 pm)")
    EVENING = "evening", _("Late afternoon (4 - 7 pm)")
    ANY = "any", _("Any time that day")


class PayerRule(TimeStamped):
    """A payer the clinic does not accept from a date on, and what to tell the patient.

    Clinic data: "does not currently accept" changes, so it lives here, not in code.
    """

    name = models.CharField(max_length=80, unique=True)
    aliases = models.TextField(
        help_text="One way of writing the payer per line (case, spaces and hyphens do "
        "not matter). A line starting with '=' matches only the whole answer."
    )
    not_accepted_from = models.DateField()
    message = models.TextField(
        help_text="Shown next to the payer field. Be kind; say where else to get care."
    )
    message_es = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="The same message in Spanish, for patients who use the portal in Spanish. "
        "Empty: they read the English one.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (not accepted from {self.not_accepted_from:%Y-%m-%d})"

    def message_in(self, language: str | None) -> str:
        """The message in `language` where the clinic wrote one, else the English one."""
        return in_language(self.message, self.message_es, language)


class SchedulingSettings(ClinicSettingsBase):
    """Numbers and switches of scheduling the clinic may change in the admin."""

    medi_cal_self_pay_allowed = models.BooleanField(
        default=False,
        help_text="May a patient whose payer the clinic does not accept book as self-pay? "
        "A legal question for the clinic: off until the clinic decides.",
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(default=24)
    # Two kinds of appointment reminder (portal.notifications.timing computes both):
    # "N hours before" is N real hours, whatever the clock does; "the day before at"
    # is a local clock time in settings.TIME_ZONE, the same on daylight-saving days.
    first_reminder_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours before the visit (elapsed time); 0 for none."
    )
    second_reminder_hours = models.PositiveSmallIntegerField(
        default=2, help_text="Hours before the visit (elapsed time); 0 for none."
    )
    day_before_reminder_at = models.TimeField(
        null=True,
        blank=True,
        help_text="A reminder the day before the visit at this local clock time "
        "(e.g. 09:00); empty for none.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(default=15)
    telehealth_join_minutes_before = models.PositiveSmallIntegerField(
        default=15,
        help_text="The patient's Join button for a video visit shows this many minutes "
        "before the start, until the visit's end.",
    )
    max_dissociative_doses_per_day = models.PositiveSmallIntegerField(
        default=1,
        help_text="Most dissociative doses (IV, Spravato, KAP: see Dosing spacing) one "
        "patient may be booked for on one clinic day; 0 for no limit.",
    )
    # The waitlist (scheduling/waitlist.py): how a freed chair is offered.
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        default=120,
        help_text="Minutes a waitlist offer of a freed time stays open (never past the "
        "visit's start).",
    )
    waitlist_notice_minutes = models.PositiveSmallIntegerField(
        default=120,
        help_text="A freed time is offered to the waitlist only if it starts at least this "
        "many minutes later.",
    )
    waitlist_max_offers = models.PositiveSmallIntegerField(
        default=10,
        help_text="Most waiting patients one freed time is offered to at once (first "
        "joined first).",
    )

    class Meta:
        verbose_name = "scheduling settings"
        verbose_name_plural = "scheduling settings"

    def __str__(self) -> str:
        return "Scheduling settings"

    @property
    def reminder_hours(self) -> tuple[int, ...]:
        return tuple(h for h in (self.first_reminder_hours, self.second_reminder_hours) if h)


class AppointmentRequest(TimeStamped):
    """What a patient asked for. Only a request: the front desk confirms date and time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointment_requests"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    preferred_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preferred_date_1 = models.DateField()
    preferred_time_1 = models.CharField(max_length=10, choices=DayPart.choices)
    preferred_date_2 = models.DateField()
    preferred_time_2 = models.CharField(max_length=10, choices=DayPart.choices)
    preferred_date_3 = models.DateField(null=True, blank=True)
    preferred_time_3 = models.CharField(max_length=10, choices=DayPart.choices, blank=True)
    contact_preference = models.CharField(max_length=10, choices=ContactPreference.choices)
    payer_kind = models.CharField(max_length=12, choices=PayerKind.choices, blank=True)
    plan_name = models.CharField(max_length=120, blank=True)
    pays_privately = models.BooleanField(
        default=False,
        help_text="Pays for the visit themselves although their plan is not accepted.",
    )
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Set when the patient asks to move a confirmed appointment: confirming moves it.
    reschedule_of = models.ForeignKey(
        "Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reschedule_requests",
    )
    decline_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="apptrequest_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                name="apptrequest_payer_given_for_new_visits",
                condition=~Q(payer_kind="") | Q(reschedule_of__isnull=False),
            ),
            models.CheckConstraint(
                name="apptrequest_declined_has_reason",
                condition=~Q(status="declined") | ~Q(decline_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: {self.service} ({self.get_status_display()})"

    @property
    def windows(self) -> list[tuple[dt.date, str]]:
        pairs = [
            (self.preferred_date_1, self.preferred_time_1),
            (self.preferred_date_2, self.preferred_time_2),
            (self.preferred_date_3, self.preferred_time_3),
        ]
        return [(d, t) for d, t in pairs if d is not None]

    def get_windows_display(self) -> list[str]:
        return windows_display(self.windows)

    @property
    def payer_display(self) -> str:
        return payer_display(self.payer_kind, self.plan_name)


_DAY_PART_LABELS = dict(DayPart.choices)
_PAYER_LABELS = dict(PayerKind.choices)


def windows_display(windows: list[tuple[dt.date, str]]) -> list[str]:
    """A request's preferred days and times as the office reads them."""
    # Django's date format names the day and month in the active language ("Sat 5 Dec
    # 2026" in English, as before).
    return [f"{date_format(d, 'D j M Y')}, {_DAY_PART_LABELS.get(t, t)}" for d, t in windows]


def payer_display(payer_kind: str, plan_name: str) -> str:
    """How a request will be paid; a reschedule request keeps the first visit's payer."""
    if not payer_kind:
        return "As before"
    label = _PAYER_LABELS.get(payer_kind, payer_kind)
    return f"{label}: {plan_name}" if plan_name else label


LIVE_STATUSES = ("scheduled", "checked_in", "completed")


class Appointment(TimeStamped):
    """A confirmed visit: a patient, a service, a clinician and (unless telehealth) a room."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinician_appointments"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The visit plus the service's buffers: what the exclusion constraints compare.
    blocked = DateTimeRangeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    request = models.ForeignKey(
        AppointmentRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    # The clinic's video meeting for a telehealth visit: shown to the patient only in the
    # portal, and only around the visit (scheduling/telehealth.py).
    video_link = models.URLField(max_length=500, blank=True, default="", db_default="")
    cancelled_by_patient = models.BooleanField(default=False)
    late_cancellation = models.BooleanField(
        default=False, help_text="Cancelled inside the clinic's late-cancellation window."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["location", "starts_at"], name="appointment_day_view"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                name="appointment_starts_before_ends", condition=Q(starts_at__lt=F("ends_at"))
            ),
            ExclusionConstraint(
                name="appointment_room_no_overlap",
                index_type="gist",
                expressions=[
                    (
                        Func(
                            F("room_id"),
                            F("room_id"),
                            Value("[]"),
                            function="int8range",
                            output_field=BigIntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("blocked", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES, room__isnull=False),
            ),
            ExclusionConstraint(
                name="appointment_clinician_no_overlap",
                index_type="gist",
                expressions=[
                    (
                        Func(
                            F("clinician_id"),
                            F("clinician_id"),
                            Value("[]"),
                            function="int8range",
                            output_field=BigIntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("blocked", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
            # One patient, one place: a patient is never booked into two visits whose
            # blocked times (buffers included) overlap, whatever the clinician or room.
            ExclusionConstraint(
                name="appointment_patient_no_overlap",
                index_type="gist",
                expressions=[
                    (
                        Func(
                            F("patient_id"),
                            F("patient_id"),
                            Value("[]"),
                            function="int8range",
                            output_field=BigIntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("blocked", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} for {self.patient_id} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def where(self) -> str:
        return self.location.name if self.location_id else str(TELEHEALTH_PLACE)


# Billing's models live beside these (prices, estimates, charges, payments); imported
# here so Django finds them as scheduling's.
from scheduling.billing_models import (  # noqa: E402
    BillingSettings,
    Charge,
    ClinicHoliday,
    ClinicianBillingProfile,
    DiagnosisCode,
    EstimateDue,
    EstimateLine,
    GoodFaithEstimate,
    Payment,
    PaymentMethod,
    ServicePackage,
    ServicePrice,
)
from scheduling.waitlist_models import FreedSlot, WaitlistEntry, WaitlistOffer  # noqa: E402

__all__ = [
    "BillingSettings",
    "Charge",
    "ClinicHoliday",
    "ClinicianBillingProfile",
    "DiagnosisCode",
    "EstimateDue",
    "EstimateLine",
    "FreedSlot",
    "GoodFaithEstimate",
    "Payment",
    "PaymentMethod",
    "ServicePackage",
    "ServicePrice",
    "WaitlistEntry",
    "WaitlistOffer",
]
