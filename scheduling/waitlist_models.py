"""The waitlist for freed chairs: who waits for what (entries), the times a cancellation
or a move frees (freed slots) and each waiting patient's offer of one.

The database holds the race: one freed slot has at most one claimed offer (a partial
unique constraint) and at most one booking (a one-to-one), and the claim service locks
the freed slot's row before it books, so fifty patients pressing Claim at once queue up
and exactly one gets the visit.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from psycopg2.extras import DateTimeTZRange

from portal.models import Location, TimeStamped


class WaitlistEntry(TimeStamped):
    """A patient waits for an earlier visit of a service at some locations and times."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    locations = models.ManyToManyField(Location, blank=True, related_name="+")
    earliest = models.DateField(help_text="The first day the patient could come.")
    latest = models.DateField(help_text="The last day the patient wants to hear of.")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        help_text="Days of the week (0 Monday .. 6 Sunday); empty for any day.",
    )
    day_parts = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        help_text="morning, afternoon, evening; empty for any time of day.",
    )
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(
                fields=["service", "created_at"],
                condition=Q(is_active=True),
                name="waitlist_active_by_service",
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="waitlist_entry_earliest_not_after_latest",
                condition=Q(earliest__lte=F("latest")),
            ),
            models.CheckConstraint(
                name="waitlist_entry_weekdays_0_6",
                condition=Q(weekdays__contained_by=[0, 1, 2, 3, 4, 5, 6]),
            ),
            # One open wish per patient and service: a second join edits nothing twice.
            models.UniqueConstraint(
                fields=["patient", "service"],
                condition=Q(is_active=True),
                name="waitlist_one_active_entry_per_service",
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.is_active else "left"
        return f"Waitlist {self.pk}: patient {self.patient_id}, {self.service_id} ({state})"


class FreedSlot(TimeStamped):
    """The time a cancelled or moved visit freed, offered to the waitlist as it was booked
    (the clinician, room and place it had then)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A visit frees a time when it is cancelled, and each time it is moved: one freed slot
    # per visit and time (a unique constraint), so a hook that runs twice offers once.
    freed_from = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="freed_slots"
    )
    service = models.ForeignKey("scheduling.Service", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        "scheduling.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The visit booked from it: one booking per freed slot, whatever the race.
    booked = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booked_from_waitlist",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="freedslot_status")]
        constraints = [
            models.CheckConstraint(
                name="freedslot_starts_before_ends", condition=Q(starts_at__lt=F("ends_at"))
            ),
            models.CheckConstraint(
                name="freedslot_claimed_has_booking",
                condition=~Q(status="claimed") | Q(booked__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["freed_from", "starts_at"], name="freedslot_once_per_visit_and_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Freed slot {self.pk} at {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def where(self) -> str:
        from scheduling.models import TELEHEALTH_PLACE  # scheduling.models imports this module

        return self.location.name if self.location_id else str(TELEHEALTH_PLACE)

    @property
    def blocked(self) -> DateTimeTZRange:
        """The clinician's and room's time this slot needs, buffers included, as a booking
        of the service then would block it (load `service` with the slot)."""
        return self.service.blocked_range(self.starts_at, self.ends_at)


class WaitlistOffer(TimeStamped):
    """One waiting patient's offer of a freed slot."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        CLAIMED = "claimed", "Claimed"
        GONE = "gone", "Gone to someone else"
        EXPIRED = "expired", "Expired"

    slot = models.ForeignKey(FreedSlot, on_delete=models.CASCADE, related_name="offers")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_offers"
    )
    entry = models.ForeignKey(
        WaitlistEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "status"], name="waitlistoffer_patient"),
            models.Index(
                fields=["expires_at"],
                condition=Q(status="offered"),
                name="waitlistoffer_open_expiry",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slot", "patient"], name="waitlistoffer_once_each"),
            # The database's word on the race: a freed slot is claimed once.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="claimed"),
                name="waitlistoffer_one_claim_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} of slot {self.slot_id} to {self.patient_id} ({self.status})"
