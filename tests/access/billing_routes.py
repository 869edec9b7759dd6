"""Who may open billing's pages (scheduling/billing_urls.py). Objects belong to patient A."""

from __future__ import annotations

from scheduling.billing_services import estimate_request
from tests.access.spec import (
    FRONT_DESK_PAGE,
    PATIENT_PAGE,
    PRESCRIBER_PAGE,
    Route,
    World,
    expect,
)
from tests.scheduling.factories import AppointmentRequestFactory


def build(world: World) -> None:
    AppointmentRequestFactory(patient=world.patient_a)
    world.objects["estimate"] = estimate_request(patient=world.patient_a)
    build_payments(world)


def _estimate(w: World) -> dict[str, int]:
    return {"estimate_id": w.objects["estimate"].pk}


def _patient(w: World) -> dict[str, int]:
    return {"patient_id": w.patient_a.pk}


ROUTES = [
    Route("scheduling:billing", PATIENT_PAGE),
    # Patient B may ask too (B has nothing to estimate: back to the page with why).
    Route("scheduling:estimate-ask", expect(patient_a=302, patient_b=302), method="post"),
    # Patient B's guess at A's estimate is a 404; the desk may print it for the patient.
    Route(
        "scheduling:estimate-download",
        expect(patient_a=200, patient_b=404, front_desk=200, clinic_admin=200),
        kwargs=_estimate,
    ),
    Route("scheduling:estimates-due", FRONT_DESK_PAGE),
    Route(
        "scheduling:estimate-issue",
        expect(front_desk=302, clinic_admin=302),
        kwargs=_patient,
        method="post",
    ),
]


def _payment(w: World) -> dict[str, int]:
    return {"payment_id": w.objects["payment"].pk}


def build_payments(world: World) -> None:
    from scheduling.billing_services import payment_record

    world.objects["payment"] = payment_record(
        patient=world.patient_a,
        method="card",
        amount_cents=50000,
        by=world.users["front_desk"],
    )


ROUTES += [
    Route(
        "scheduling:receipt-download",
        expect(patient_a=200, patient_b=404, front_desk=200, clinic_admin=200),
        kwargs=_payment,
    ),
    Route("scheduling:billing-account", FRONT_DESK_PAGE, kwargs=_patient),
]


def _diagnosis(w: World) -> dict[str, int]:
    from scheduling.billing_services import diagnosis_record

    if "diagnosis" not in w.objects:
        w.objects["diagnosis"] = diagnosis_record(
            patient=w.patient_a, code="F33.2", description="MDD", by=w.users["clinician"]
        )
    return {"diagnosis_id": w.objects["diagnosis"].pk}


ROUTES += [
    # Without a period the page comes back with the form; the PDF itself is tested apart.
    Route("scheduling:superbill", PATIENT_PAGE),
    Route("scheduling:billing-account-superbill", FRONT_DESK_PAGE, kwargs=_patient),
    # Diagnoses are a prescriber's: nurse, therapist, desk and admin are refused.
    Route("scheduling:diagnoses", PRESCRIBER_PAGE, kwargs=_patient),
    Route(
        "scheduling:diagnosis-retire",
        expect(clinician=302, nurse=403),
        kwargs=_diagnosis,
        method="post",
    ),
]
