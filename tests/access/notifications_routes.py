from __future__ import annotations

from django.utils import timezone

from portal.notifications.models import Notification
from tests.access.spec import FRONT_DESK_PAGE, PATIENT_PAGE, Route, World, expect


def build(world: World) -> None:
    world.objects["failed_notification"] = Notification.objects.create(
        recipient=world.patient_a,
        kind="appointment_reminder",
        send_at=timezone.now(),
        status=Notification.Status.FAILED,
        attempts=5,
        last_error="mail server: SMTPServerDisconnected",
        idempotency_key="matrix:failed",
    )


ROUTES = [
    # Each patient edits only their own reminder settings (there is no id to guess).
    Route("notifications:preference-edit", PATIENT_PAGE),
    Route("notifications:outbox-list", FRONT_DESK_PAGE),
    Route(
        "notifications:outbox-retry",
        expect(front_desk=302, clinic_admin=302),
        kwargs=lambda w: {"notification_id": w.objects["failed_notification"].pk},
        method="post",
    ),
]
