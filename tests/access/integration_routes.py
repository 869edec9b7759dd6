from __future__ import annotations

import datetime as dt

from integration.models import Instrument, JournalEntry, SymptomCheckin
from tests.access.spec import PATIENT_PAGE, STAFF_PAGE, Route, World, expect
from tests.treatments.factories import course_started, session_discharged


def build(world: World) -> None:
    a = world.patient_a
    world.objects["journal_private"] = JournalEntry.objects.create(patient=a, body="private")
    world.objects["checkin"] = SymptomCheckin.objects.create(
        patient=a,
        instrument=Instrument.PHQ9,
        day=dt.date(2026, 3, 2),
        answers=[1] * 8 + [0],
        total=8,
        band="mild",
    )
    world.objects["session"] = session_discharged(
        course_started(
            a, concurrent_reason="Access-matrix world: every app's course for one patient."
        )
    )


ROUTES = [
    Route("integration:trends", PATIENT_PAGE),
    Route("integration:mood-edit", PATIENT_PAGE),
    Route("integration:checkin-create", PATIENT_PAGE, kwargs=lambda w: {"instrument": "phq9"}),
    # A patient's own result; a clinician may read it (audited); front desk never.
    Route(
        "integration:checkin-detail",
        expect(patient_a=200, patient_b=404, clinician=200, therapist=200),
        kwargs=lambda w: {"checkin_id": w.objects["checkin"].pk},
    ),
    Route("integration:journal-list", PATIENT_PAGE),
    Route("integration:journal-create", PATIENT_PAGE),
    # A journal entry is its writer's alone: no staff role opens it, shared or not
    # (shared entries are read on the clinician's trends page, audited).
    Route(
        "integration:journal-edit",
        expect(patient_a=200, patient_b=404),
        kwargs=lambda w: {"entry_id": w.objects["journal_private"].pk},
    ),
    Route(
        "integration:journal-edit",
        expect(patient_a=302, patient_b=404),
        kwargs=lambda w: {"entry_id": w.objects["journal_private"].pk},
        method="post",
        data=lambda w: {"body": "changed"},
    ),
    Route(
        "integration:patient-trends",
        expect(clinician=200),
        kwargs=lambda w: {"patient_id": w.patient_a.pk},
    ),
    # A discharged session's integration slots: its patient and the front desk (who book
    # for patients); clinicians chart, they do not book.
    Route(
        "integration:slot-list",
        expect(patient_a=200, patient_b=404, front_desk=200, therapist=200, clinic_admin=200),
        kwargs=lambda w: {"session_id": w.objects["session"].pk},
    ),
    # An empty POST is refused (400) by those who may book; the rest never get that far.
    Route(
        "integration:booking-create",
        expect(patient_a=400, patient_b=404, front_desk=400, therapist=400, clinic_admin=400),
        kwargs=lambda w: {"session_id": w.objects["session"].pk},
        method="post",
    ),
    Route("integration:window-list", STAFF_PAGE),
]
