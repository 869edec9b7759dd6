"""Intake pages in the access matrix. Patient A has sent an intake; patient B has none.

Answers and scores (review, REMS) are for clinicians only: patients get 403 before any
lookup, the front desk gets 403. The front desk sees the status board only.
"""

from __future__ import annotations

from tests.access.spec import (
    CLINICIAN_PAGE,
    PATIENT_PAGE,
    PRESCRIBER_PAGE,
    STAFF_PAGE,
    Route,
    World,
    expect,
)
from tests.intake.factories import submitted_intake


def build(world: World) -> None:
    world.objects["intake"] = submitted_intake(world.patient_a)


def _intake(world: World) -> dict[str, int]:
    return {"intake_id": world.objects["intake"].pk}


ROUTES = [
    # A sent intake sends patient A to its status; patient B starts their own.
    Route("intake:intake-start", expect(patient_a=302, patient_b=302)),
    Route(
        "intake:intake-step",
        expect(patient_a=302, patient_b=200),
        kwargs=lambda w: {"step": "contact"},
    ),
    Route("intake:intake-support", PATIENT_PAGE),
    Route("intake:intake-status", PATIENT_PAGE),
    Route("intake:review-queue", CLINICIAN_PAGE),
    Route("intake:review-detail", CLINICIAN_PAGE, kwargs=_intake),
    Route(
        "intake:review-decide",
        expect(clinician=302, nurse=403),
        kwargs=_intake,
        method="post",
        data=lambda w: {"outcome": "evaluation_needed", "note": "See in clinic first."},
    ),
    Route("intake:rems-record", PRESCRIBER_PAGE, kwargs=_intake),
    Route("intake:status-board", STAFF_PAGE),
]
