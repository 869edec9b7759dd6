"""Access to treatments pages: only clinicians chart; the front desk sees the schedule
and discharge status, never vitals; a patient sees only their own sessions."""

from __future__ import annotations

from intake.modalities import Modality
from tests.access.spec import (
    CLINICIAN_PAGE,
    PATIENT_PAGE,
    PRESCRIBER_PAGE,
    Route,
    World,
    expect,
)
from tests.treatments.factories import course_started, session_discharged, session_opened


def build(world: World) -> None:
    doctor = world.users["clinician"]
    course = course_started(
        world.patient_a,
        Modality.SPRAVATO,
        clinician=doctor,
        concurrent_reason="Access-matrix world: every app's course for one patient.",
    )
    done = session_discharged(course, by=doctor)
    world.objects["course"] = course
    world.objects["session"] = done
    world.objects["rems_form"] = done.rems_form
    open_session = session_opened(course, by=doctor)
    world.objects["open_session"] = open_session
    world.objects["visit"] = open_session.appointment
    world.objects["planned"] = course.planned.filter(session__isnull=True, kind="dosing").first()


def _course(w: World) -> dict[str, int]:
    return {"course_id": w.objects["course"].pk}


def _session(w: World) -> dict[str, int]:
    return {"session_id": w.objects["session"].pk}


STAFF_VIEW = expect(front_desk=200, clinician=200, therapist=200, clinic_admin=200)
DESK_MANAGE = expect(front_desk=200, clinic_admin=200)

ROUTES = [
    Route("treatments:course-list", STAFF_VIEW),
    Route(
        "treatments:course-start",
        PRESCRIBER_PAGE,
        kwargs=lambda w: {"patient_id": w.patient_a.pk},
    ),
    Route("treatments:course-detail", CLINICIAN_PAGE, kwargs=_course),
    Route(
        "treatments:course-booster",
        expect(clinician=302, nurse=403),
        kwargs=_course,
        method="post",
        data=lambda w: {"interval_days": 21},
    ),
    Route(
        "treatments:course-stop",
        expect(clinician=302, nurse=403),
        kwargs=_course,
        method="post",
        data=lambda w: {"reason": ""},  # refused by the form: nothing changes for others
    ),
    Route("treatments:course-schedule", DESK_MANAGE, kwargs=_course),
    Route(
        "treatments:planned-place",
        DESK_MANAGE,
        kwargs=lambda w: {
            "course_id": w.objects["course"].pk,
            "planned_id": w.objects["planned"].pk,
        },
    ),
    Route("treatments:session-board", STAFF_VIEW),
    Route(
        "treatments:session-start",
        expect(clinician=302),
        kwargs=lambda w: {"appointment_id": w.objects["visit"].pk},
        method="post",
    ),
    Route(
        "treatments:visit-check-in",
        expect(clinician=302),
        kwargs=lambda w: {"appointment_id": w.objects["visit"].pk},
        method="post",
    ),
    Route("treatments:session-chart", CLINICIAN_PAGE, kwargs=_session),
    Route(
        "treatments:session-discharge",
        expect(clinician=302),
        kwargs=lambda w: {"session_id": w.objects["open_session"].pk},
        method="post",
    ),
    Route("treatments:rems-forms", CLINICIAN_PAGE),
    Route(
        "treatments:rems-form-print",
        CLINICIAN_PAGE,
        kwargs=lambda w: {"form_id": w.objects["rems_form"].pk},
    ),
    Route(
        "treatments:rems-form-submit",
        expect(clinician=302),
        kwargs=lambda w: {"form_id": w.objects["rems_form"].pk},
        method="post",
    ),
    Route("treatments:my-courses", PATIENT_PAGE),
    Route(
        "treatments:aftercare",
        expect(patient_a=200, patient_b=404),
        kwargs=_session,
    ),
    Route(
        "treatments:checkin",
        expect(patient_a=200, patient_b=404),
        kwargs=_session,
    ),
]
