"""Who may open secure messages (portal/messaging/urls.py). Patient A owns a scheduling
thread and a care thread: the desk answers the first, clinicians of every kind the second;
patient B's guesses are 404s."""

from __future__ import annotations

from portal.messaging.services import thread_start
from tests.access.spec import PATIENT_PAGE, Route, World, expect


def build(world: World) -> None:
    world.objects["desk_thread"] = thread_start(
        patient=world.patient_a, topic="scheduling", subject="Parking", body="Where do I park?"
    )
    world.objects["care_thread"] = thread_start(
        patient=world.patient_a, topic="care", subject="After my visit", body="A headache."
    )


def _desk(w: World) -> dict[str, int]:
    return {"thread_id": w.objects["desk_thread"].pk}


def _care(w: World) -> dict[str, int]:
    return {"thread_id": w.objects["care_thread"].pk}


CARE_TEAM = {"clinician": 200, "nurse": 200, "therapist": 200}
CARE_TEAM_POST = {"clinician": 302, "nurse": 302, "therapist": 302}

ROUTES = [
    Route("messaging:inbox", PATIENT_PAGE),
    Route("messaging:thread-new", PATIENT_PAGE),
    Route("messaging:thread", expect(patient_a=200, patient_b=404), kwargs=_desk),
    Route("messaging:thread", expect(patient_a=200, patient_b=404), kwargs=_care),
    # The inbox is for those who answer: the desk (scheduling) and clinicians (care).
    Route("messaging:staff-inbox", expect(front_desk=200, **CARE_TEAM)),
    # The desk never opens a care thread; clinicians never a scheduling one.
    Route("messaging:staff-thread", expect(front_desk=200), kwargs=_desk),
    Route("messaging:staff-thread", expect(**CARE_TEAM), kwargs=_care),
    Route("messaging:thread-take", expect(front_desk=302), kwargs=_desk, method="post"),
    Route("messaging:thread-take", expect(**CARE_TEAM_POST), kwargs=_care, method="post"),
    Route("messaging:thread-close", expect(front_desk=302), kwargs=_desk, method="post"),
    Route("messaging:thread-close", expect(**CARE_TEAM_POST), kwargs=_care, method="post"),
]
