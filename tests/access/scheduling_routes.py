"""Who may open scheduling's pages. Objects belong to patient A."""

from __future__ import annotations

from scheduling.models import RoomKind, ServiceKind
from tests.access.spec import FRONT_DESK_PAGE, PATIENT_PAGE, Route, World, expect
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    appointment_booked,
    next_local,
    service_of,
)


def build(world: World) -> None:
    world.objects["request"] = AppointmentRequestFactory(patient=world.patient_a)
    world.objects["appointment"] = appointment_booked(
        patient=world.patient_a,
        service=service_of(ServiceKind.CONSULTATION),
        starts_at=next_local(3, 10),
    )
    RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Matrix chair")


def _request(w: World) -> dict[str, int]:
    return {"request_id": w.objects["request"].pk}


def _appointment(w: World) -> dict[str, int]:
    return {"appointment_id": w.objects["appointment"].pk}


# A patient's own object: patient B gets 404 (it may as well not exist), staff 403.
PATIENT_A_OBJECT_PAGE = expect(patient_a=200, patient_b=404)

ROUTES = [
    Route("scheduling:request-create", PATIENT_PAGE),
    Route("scheduling:appointment-list", PATIENT_PAGE),
    # Patient B's attempt is a 404 and changes nothing; patient A's succeeds (redirect).
    Route(
        "scheduling:request-cancel",
        expect(patient_a=302, patient_b=404),
        kwargs=_request,
        method="post",
    ),
    Route("scheduling:appointment-cancel", PATIENT_A_OBJECT_PAGE, kwargs=_appointment),
    Route("scheduling:appointment-reschedule", PATIENT_A_OBJECT_PAGE, kwargs=_appointment),
    Route("scheduling:appointment-ics", PATIENT_A_OBJECT_PAGE, kwargs=_appointment),
    Route("scheduling:request-queue", FRONT_DESK_PAGE),
    Route("scheduling:request-confirm", FRONT_DESK_PAGE, kwargs=_request),
    # An empty decline bounces back to the request with a message.
    Route(
        "scheduling:request-decline",
        expect(front_desk=302, clinic_admin=302),
        kwargs=_request,
        method="post",
    ),
    # Clinicians may look at the day (without actions).
    Route(
        "scheduling:day-view",
        expect(front_desk=200, clinician=200, therapist=200, clinic_admin=200),
    ),
    Route(
        "scheduling:appointment-status",
        expect(front_desk=302, clinic_admin=302),
        kwargs=_appointment,
        method="post",
        data=lambda w: {"status": "checked_in"},
    ),
    # The desk's cancel page: only who manages the schedule may open it.
    Route(
        "scheduling:desk-appointment-cancel",
        expect(front_desk=200, clinic_admin=200),
        kwargs=_appointment,
    ),
]


def _video_visit(w: World) -> dict[str, int]:
    if "video_visit" not in w.objects:
        from scheduling.models import ServiceKind
        from tests.scheduling.factories import appointment_booked, service_of

        w.objects["video_visit"] = appointment_booked(
            patient=w.patient_a, service=service_of(ServiceKind.INTEGRATION)
        )
    return {"appointment_id": w.objects["video_visit"].pk}


ROUTES += [
    # Desk and clinicians of every kind attach video links; the admin does not.
    Route(
        "scheduling:telehealth-list",
        expect(front_desk=200, clinician=200, therapist=200),
    ),
    # Patient B's guess at A's video visit is a 404; before its time A sees when it opens.
    Route("scheduling:telehealth-join", expect(patient_a=200, patient_b=404), kwargs=_video_visit),
]
