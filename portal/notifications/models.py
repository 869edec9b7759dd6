"""Outbox rows (Notification) and in-portal staff alerts (StaffAlert)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStamped
from portal.notifications.kinds import Kind


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class Notification(TimeStamped):
    """One message to one person, sent at `send_at` by a worker that claims the row.

    The `idempotency_key` is unique, so writing the same reminder twice is harmless; the
    `topic` ties rows to what caused them ("appointment:42") so that cancelling or moving
    the cause cancels or moves its pending messages.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    topic = models.CharField(max_length=100, blank=True, db_index=True)
    # Plain values the templates need (a time, a location name, a link). Never clinical.
    context = models.JSONField(default=dict, blank=True)
    # A text to someone who is not a portal user (the patient's escort, with the
    # patient's consent): sent to this number by SMS only, never by email. The row still
    # belongs to the patient (`recipient`), whose record it is about.
    to_phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            # The workers' claim walks this in order (send_at, id) and stops at the first
            # unlocked row: no sort of everything that is due.
            models.Index(
                fields=["send_at", "id"],
                name="notification_due_order",
                condition=models.Q(status="pending"),
            ),
            # The outbox page: failed rows newest first, and the last day's sent count.
            models.Index(
                fields=["-updated_at", "-id"],
                name="notification_failed_recent",
                condition=models.Q(status="failed"),
            ),
            models.Index(
                fields=["sent_at"],
                name="notification_sent_at",
                condition=models.Q(status="sent"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_sent_has_time",
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
            ),
            models.CheckConstraint(
                name="notification_to_phone_is_sms",
                condition=models.Q(to_phone="") | models.Q(channel="sms"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} at {self.send_at:%Y-%m-%d %H:%M}"


class StaffAlert(TimeStamped):
    """Something a clinician must look at now (an urgent screen, a relapse signal).

    Shown on the clinician's home page until someone resolves it. The detail stays in
    the portal; any email about it says only that an alert is waiting.
    """

    class Kind(models.TextChoices):
        # Every safety episode (self-harm reported in an intake or any check-in) raises
        # one alert of this kind, whatever raised it (intake.services.safety_path_trigger).
        URGENT_SCREENING = "urgent_screening", "Safety concern"
        RELAPSE_SIGNAL = "relapse_signal", "Relapse signal"
        AFTERCARE_CONCERN = "aftercare_concern", "Aftercare concern"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_alerts"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    # One alert per cause: "intake:17:safety" is raised once however often it is seen.
    dedupe_key = models.CharField(max_length=200, unique=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-urgent", "-created_at"]
        constraints = [
            # One name per kind of alert: a safety episode cannot come back under a second
            # name (the retired "safety_checkin" raised a second alert for one answer).
            models.CheckConstraint(
                name="staffalert_kind_known",
                condition=models.Q(
                    kind__in=["urgent_screening", "relapse_signal", "aftercare_concern"]
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["-urgent", "-created_at"],
                name="staffalert_open",
                condition=models.Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class NotificationPreference(TimeStamped):
    """How a person wants to hear from the clinic: email or text, and when not to be texted.

    Quiet hours are local clock times in `time_zone` (the clinic's zone when blank); a
    span whose start is after its end runs over midnight (21:00-08:00). Texts due inside
    it wait for its end; emails do not (an inbox does not ring), nor do urgent staff alerts.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    quiet_hours_start = models.TimeField(default=dt.time(21, 0))
    quiet_hours_end = models.TimeField(default=dt.time(8, 0))
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="Blank: the clinic's time zone."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="notificationpreference_channel_known",
                condition=models.Q(channel__in=["email", "sms"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for {self.user_id}"
