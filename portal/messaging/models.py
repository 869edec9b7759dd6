"""Secure messages between a patient and the clinic.

A patient writes about scheduling (the front desk answers) or about their care (the
clinicians answer). A thread belongs to one patient and one topic; staff may take a
thread ("handled by"), and the clinic's reply-time target (MessagingSettings) marks the
threads that have waited too long. Message words never leave the portal: the outbox
only says that a message is waiting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import ClinicSettingsBase, TimeStamped


class Topic(models.TextChoices):
    SCHEDULING = "scheduling", _("Scheduling, billing or paperwork")
    CARE = "care", _("My care or how I feel")


class MessagingSettings(ClinicSettingsBase):
    reply_target_business_days = models.PositiveSmallIntegerField(
        default=1,
        help_text="The clinic answers a patient's message within this many business days "
        "(Monday to Friday); staff see threads past it as overdue.",
    )

    class Meta:
        verbose_name = "messaging settings"
        verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return "Messaging settings"


class MessageThread(TimeStamped):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="message_threads"
    )
    topic = models.CharField(max_length=12, choices=Topic.choices)
    subject = models.CharField(max_length=120)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_closed = models.BooleanField(default=False)
    last_message_at = models.DateTimeField()
    last_patient_message_at = models.DateTimeField(null=True, blank=True)
    last_staff_message_at = models.DateTimeField(null=True, blank=True)
    # When the oldest patient message that no staff reply has answered arrived.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-last_message_at"], name="thread_patient"),
            models.Index(
                fields=["topic", "awaiting_reply_since"],
                name="thread_awaiting",
                condition=Q(is_closed=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Thread {self.pk} ({self.get_topic_display()})"


class Message(models.Model):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_patient = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="message_thread")]
        constraints = [models.CheckConstraint(name="message_body_not_empty", condition=~Q(body=""))]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"


class ThreadRead(models.Model):
    """How far one person has read one thread: what makes a thread unread for them."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="threadread_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read thread {self.thread_id} to {self.last_read_at}"
