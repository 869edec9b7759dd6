"""Superbills: a prescriber records diagnosis codes; the patient (or the desk for them)
downloads a statement for a period with the clinic's and clinician's NPI, place of
service, each visit's codes and charge, the diagnoses and what was paid. Downloads are
audited; nobody opens another patient's superbill."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.audit import AuditEvent
from scheduling.billing import normalise_icd10, superbill_period_problem
from scheduling.billing_models import ClinicianBillingProfile, DiagnosisCode
from scheduling.billing_services import diagnosis_record, diagnosis_retire, payment_record
from scheduling.models import Appointment
from scheduling.services import appointment_set_status
from tests.factories import PatientFactory
from tests.scheduling.factories import appointment_booked, next_local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("F33.2", "F33.2"),
        ("f332", "F33.2"),
        (" F43.10 ", "F43.10"),
        ("F32A", "F32.A"),
        ("Z00", "Z00"),
        ("U07.1", None),  # U codes are reserved for emergency use
        ("33.2", None),
        ("F3", None),
        ("F33.12345", None),
        ("", None),
        ("F33..2", None),
    ],
)
def test_icd10_codes_are_normalised_or_refused(typed: str, printed: str | None) -> None:
    assert normalise_icd10(typed) == printed


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 5), None),
        (dt.date(2026, 12, 5), dt.date(2026, 12, 5), None),
        (dt.date(2026, 12, 5), dt.date(2026, 12, 4), "ends before it starts"),
        (dt.date(2026, 12, 6), dt.date(2026, 12, 9), "has not started"),
        (dt.date(2025, 12, 4), dt.date(2026, 12, 5), "at most one year"),
        (dt.date(2025, 12, 5), dt.date(2026, 12, 5), None),
    ],
)
def test_a_superbill_period(start: dt.date, end: dt.date, problem: str | None) -> None:
    found = superbill_period_problem(start, end, today=dt.date(2026, 12, 5))
    assert (found is None) if problem is None else (problem in (found or ""))


def _completed_visit(patient: Any, front_desk: Any) -> Appointment:
    appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=70)):
        appointment_set_status(
            appointment=appointment, status=Appointment.Status.COMPLETED, by=front_desk
        )
    return appointment


def _text(response: Any) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_prescriber_records_a_code_and_the_superbill_prints_it_all(
    client_for: Any, clinician: Any, front_desk: Any
) -> None:
    patient = PatientFactory()
    appointment = _completed_visit(patient, front_desk)
    ClinicianBillingProfile.objects.create(
        clinician=appointment.clinician, npi="1679576722", credentials="MD"
    )
    page = reverse("scheduling:diagnoses", kwargs={"patient_id": patient.pk})
    response = client_for(clinician).post(
        page, {"code": "f332", "description": "Major depressive disorder, recurrent, severe"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="diagnosis.record", patient=patient).exists()
    payment_record(patient=patient, method="card", amount_cents=35000, by=front_desk)

    visit_day = timezone.localdate(appointment.starts_at)
    with time_machine.travel(appointment.starts_at + dt.timedelta(days=1)):
        response = client_for(patient).get(
            reverse("scheduling:superbill"),
            {"start": visit_day.replace(day=1).isoformat(), "end": visit_day.isoformat()},
        )
    text = _text(response)
    for expected in (
        "Clinic NPI: 1234567893",
        "Tax id (EIN): 94-1234567",
        "F33.2",
        "Major depressive disorder, recurrent, severe",
        "90791",
        "place of service 11",
        "NPI 1679576722",
        "Total charged: $350.00",
        "Total paid in this period: $350.00",
    ):
        assert expected in text, text
    assert AuditEvent.objects.filter(
        action="superbill.download", patient=patient, actor=patient
    ).exists()


def test_the_desk_prints_a_patients_superbill_and_it_is_audited(
    client_for: Any, front_desk: Any
) -> None:
    patient = PatientFactory()
    today = timezone.localdate()
    url = reverse("scheduling:billing-account-superbill", kwargs={"patient_id": patient.pk})
    response = client_for(front_desk).get(
        url, {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat()}
    )
    assert "No visits in this period." in _text(response)
    assert AuditEvent.objects.filter(
        action="superbill.download", patient=patient, actor=front_desk
    ).exists()


def test_a_wrong_period_keeps_what_was_typed_and_says_why(client_for: Any) -> None:
    patient = PatientFactory()
    response = client_for(patient).get(
        reverse("scheduling:superbill"), {"start": "2026-03-10", "end": "2026-02-01"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The period ends before it starts." in page
    assert 'value="2026-03-10"' in page
    assert not AuditEvent.objects.filter(action="superbill.download").exists()


@pytest.mark.parametrize("query", [{}, {"start": "x", "end": "9999-99-99"}, {"end": "0001-01-01"}])
def test_a_missing_or_garbled_period_is_a_form_error_not_a_500(
    client_for: Any, query: dict[str, str]
) -> None:
    response = client_for(PatientFactory()).get(reverse("scheduling:superbill"), query)
    assert response.status_code == 200
    assert 'data-testid="superbill"' in response.content.decode()


def test_a_superbill_lists_only_the_patients_own_visits(client_for: Any, front_desk: Any) -> None:
    patient, other = PatientFactory(), PatientFactory()
    appointment = _completed_visit(other, front_desk)
    day = timezone.localdate(appointment.starts_at)
    with time_machine.travel(appointment.starts_at + dt.timedelta(days=1)):
        text = _text(
            client_for(patient).get(
                reverse("scheduling:superbill"),
                {"start": day.isoformat(), "end": day.isoformat()},
            )
        )
    assert "No visits in this period." in text
    assert "Total charged: $0.00" in text


def test_only_a_prescriber_records_or_retires_a_code(
    patient: Any, clinician: Any, nurse: Any, therapist: Any, front_desk: Any
) -> None:
    for user in (nurse, therapist, front_desk):
        with pytest.raises(ValidationError):
            diagnosis_record(patient=patient, code="F33.2", description="MDD", by=user)
    diagnosis = diagnosis_record(patient=patient, code="F33.2", description="MDD", by=clinician)
    with pytest.raises(ValidationError):
        diagnosis_retire(diagnosis=diagnosis, by=nurse)
    diagnosis_retire(diagnosis=diagnosis, by=clinician)
    diagnosis.refresh_from_db()
    assert not diagnosis.is_active
    assert AuditEvent.objects.filter(action="diagnosis.retire", patient=patient).exists()


def test_a_duplicate_or_malformed_code_is_refused_and_the_form_kept(
    client_for: Any, patient: Any, clinician: Any
) -> None:
    diagnosis_record(patient=patient, code="F33.2", description="MDD", by=clinician)
    page = reverse("scheduling:diagnoses", kwargs={"patient_id": patient.pk})
    response = client_for(clinician).post(page, {"code": "F33.2", "description": "Again"})
    assert response.status_code == 200
    assert "already on this patient" in response.content.decode()
    response = client_for(clinician).post(page, {"code": "depression", "description": "Typed"})
    assert "Enter an ICD-10-CM code" in response.content.decode()
    assert 'value="Typed"' in response.content.decode()
    assert DiagnosisCode.objects.filter(patient=patient).count() == 1


def test_the_diagnoses_page_read_is_audited_and_bounded(
    client_for: Any, patient: Any, clinician: Any, django_assert_max_num_queries: Any
) -> None:
    for code in ("F33.2", "F43.10", "F41.1"):
        diagnosis_record(patient=patient, code=code, description="x", by=clinician)
    client = client_for(clinician)
    page = reverse("scheduling:diagnoses", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(12):
        response = client.get(page)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="diagnoses.view", patient=patient).exists()
