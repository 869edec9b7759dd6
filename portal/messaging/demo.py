"""Demo data for `make run`: the demo patient asked the desk about parking and was
answered, so the inbox, the unread badge and the staff inbox have something to show."""

from __future__ import annotations

from portal.messaging.models import MessageThread
from portal.messaging.services import message_post, thread_start
from portal.models import Role, User


def seed() -> None:
    patient = User.objects.filter(email="patient@demo.clinic", role=Role.PATIENT).first()
    desk = User.objects.filter(email="frontdesk@demo.clinic", role=Role.FRONT_DESK).first()
    if patient is None or MessageThread.objects.filter(patient=patient).exists():
        return
    thread = thread_start(
        patient=patient,
        topic="scheduling",
        subject="Parking at Folsom",
        body="Hi, is there parking at the Folsom office? Thanks!",
    )
    if desk is not None:
        message_post(
            thread=thread,
            author=desk,
            body="Yes: free parking behind the building; the entrance is on the left.",
        )
