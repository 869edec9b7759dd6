"""Every kind of message the portal sends, and what each may say.

Messages are read by whoever sees the phone or the inbox, so none carries a diagnosis,
drug, modality, dose or score: only a time, a location and "details in your portal".
Each kind has templates `templates/notifications/<kind>/subject.txt`, `body.txt` and
`body.html`, rendered with the row's `context` (plain, non-clinical values).
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    REQUEST_CONFIRMED = "request_confirmed", "Appointment request confirmed"
    REQUEST_DECLINED = "request_declined", "Appointment request declined"
    APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
    INTAKE_DECISION = "intake_decision", "Intake reviewed"
    INTEGRATION_WINDOW_OPEN = "integration_window_open", "Integration window open"
    INTEGRATION_WINDOW_CLOSING = "integration_window_closing", "Integration window closing"
    BOOSTER_DUE = "booster_due", "Follow-up visit due"
    BOOSTER_OVERDUE = "booster_overdue", "Follow-up visit overdue"
    SYMPTOM_CHECKIN = "symptom_checkin", "Weekly check-in"
    AFTERCARE_CHECKIN = "aftercare_checkin", "Next-day check-in"
    CLINICIAN_ALERT = "clinician_alert", "Clinician alert"
    DOCUMENT_READY = "document_ready", "Document ready"
    MESSAGE_WAITING = "message_waiting", "Secure message waiting"
    STAFF_INVITATION = "staff_invitation", "Staff invitation"
    ACCOUNT_CONFIRM_EMAIL = "account_confirm_email", "Confirm your email"
    ACCOUNT_ALREADY_EXISTS = "account_already_exists", "Sign-up with an existing account"
    READINESS_CHECK = "readiness_check", "Evening-before readiness check"
    ESCORT_PICKUP = "escort_pickup", "Pickup text to the patient's escort"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist: an earlier time is free"
    WAITLIST_GONE = "waitlist_gone", "Waitlist: the offered time has gone"


# Keys a kind may carry beyond the common contract. The escort's text names the patient
# by first name (the escort knows who they collect), and nothing else about them.
KIND_EXTRA_KEYS: dict[str, frozenset[str]] = {
    Kind.ESCORT_PICKUP: frozenset({"first_name"}),
}


# Kinds that reach staff about patient safety: they ignore quiet hours.
URGENT_KINDS = frozenset({Kind.CLINICIAN_ALERT})
