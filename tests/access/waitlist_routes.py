"""Who may open the waitlist's pages (scheduling/waitlist_urls.py). Patient A waits for
a consultation at Folsom and has been offered a freed time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from scheduling.services import appointment_cancel
from scheduling.waitlist_models import FreedSlot
from tests.access.spec import FRONT_DESK_PAGE, PATIENT_PAGE, Route, World, expect
from tests.scheduling.waitlist_setup import a_chair, waiting


def build(world: World) -> None:
    chair = a_chair(day=4)
    _patient, entry = waiting(chair, patient=world.patient_a)
    appointment_cancel(appointment=chair.visit, by=world.users["front_desk"], reason="Unwell")
    world.objects["waitlist_entry"] = entry
    world.objects["waitlist_offer"] = FreedSlot.objects.get(freed_from=chair.visit).offers.get()
    world.objects["waitlist_chair"] = chair


def _entry(w: World) -> dict[str, int]:
    return {"entry_id": w.objects["waitlist_entry"].pk}


def _offer(w: World) -> dict[str, int]:
    return {"offer_id": w.objects["waitlist_offer"].pk}


def _patient(w: World) -> dict[str, int]:
    return {"patient_id": w.patient_a.pk}


def _join(w: World) -> dict[str, object]:
    chair = w.objects["waitlist_chair"]
    today = timezone.localdate()
    return {
        "service": chair.service.pk,
        "locations": [chair.location.pk],
        "earliest": today.isoformat(),
        "latest": (today + dt.timedelta(days=14)).isoformat(),
    }


ROUTES = [
    Route("scheduling:waitlist", PATIENT_PAGE),
    # Patient A already waits for this visit (the form says so); patient B joins.
    Route("scheduling:waitlist", expect(patient_a=200, patient_b=302), method="post", data=_join),
    # Patient B's guess at A's entry or offer is a 404 and changes nothing.
    Route(
        "scheduling:waitlist-leave",
        expect(patient_a=302, patient_b=404),
        kwargs=_entry,
        method="post",
    ),
    Route(
        "scheduling:waitlist-offer-claim",
        expect(patient_a=302, patient_b=404),
        kwargs=_offer,
        method="post",
    ),
    Route("scheduling:waitlist-desk", FRONT_DESK_PAGE),
    Route("scheduling:waitlist-patient", FRONT_DESK_PAGE, kwargs=_patient),
    Route(
        "scheduling:waitlist-patient",
        expect(front_desk=200, clinic_admin=200),  # already waiting: the form says so
        kwargs=_patient,
        method="post",
        data=_join,
    ),
    Route(
        "scheduling:waitlist-desk-leave",
        expect(front_desk=302, clinic_admin=302),
        kwargs=_entry,
        method="post",
    ),
]
