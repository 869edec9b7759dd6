"""Good-faith estimates: issued by themselves for self-pay bookings, on the legal clock,
on request for anyone, never to another patient, and readable as PDF text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.billing_models import EstimateDue, GoodFaithEstimate, ServicePrice
from scheduling.models import PayerKind, RoomKind, ServiceKind
from tests.factories import ClinicianFactory, PatientFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    appointment_booked,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db
PT = dt.timezone(dt.timedelta(hours=-8))
# Wed 25 Nov 2026 (before Thanksgiving, a clinic holiday with the Friday after).
WEDNESDAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=PT)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _six_infusions(patient: Any, first_day: dt.date) -> list[Any]:
    approve_patient(patient, Modality.IV)
    doctor = ClinicianFactory(full_name="Dr Casey Morgan")
    hours_every_day(doctor, folsom(), dt.time(7), dt.time(20))
    chair = RoomFactory(location=folsom(), kind=RoomKind.INFUSION_CHAIR)
    iv = service_of(ServiceKind.IV_INFUSION)
    tz = timezone.get_current_timezone()
    return [
        appointment_booked(
            patient=patient,
            service=iv,
            clinician=doctor,
            room=chair,
            starts_at=dt.datetime.combine(first_day + dt.timedelta(days=2 * n), dt.time(10), tz),
        )
        for n in range(6)
    ]


def test_a_self_pay_series_gets_one_estimate_listing_six_infusions_by_the_deadline(
    django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    patient = PatientFactory(full_name="Dana Reyes")
    AppointmentRequestFactory(
        patient=patient, service=service_of(ServiceKind.IV_INFUSION), payer_kind=PayerKind.SELF_PAY
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _six_infusions(patient, dt.date(2026, 12, 14))  # 12 business days ahead
        estimate = GoodFaithEstimate.objects.get(patient=patient)
        dues = list(EstimateDue.objects.filter(patient=patient))
    assert len(dues) == 6
    assert {d.estimate_id for d in dues} == {estimate.pk}
    # Three business days from Wed 25 Nov, over Thanksgiving, its Friday and a weekend.
    assert {d.due_on for d in dues} == {dt.date(2026, 12, 2)}
    assert estimate.lines.count() == 6
    assert estimate.total_cents == 6 * 50000
    assert Notification.objects.filter(recipient=patient, kind=Kind.DOCUMENT_READY).count() == 1

    response = client_for(patient).get(
        reverse("scheduling:estimate-download", kwargs={"estimate_id": estimate.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Good Faith Estimate",
        estimate.patient_name,
        "NPI",
        "Folsom",
        "96365, 96366",
        "Dec 14, 2026",
        "Total estimated cost: $3,000.00",
        "dispute the bill",
    ):
        assert expected in text, expected
    assert text.count("IV ketamine infusion") == 6


def test_an_insured_patient_gets_no_estimate_unless_they_ask(
    django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    patient = PatientFactory()
    AppointmentRequestFactory(
        patient=patient, payer_kind=PayerKind.COMMERCIAL, plan_name="Aetna PPO"
    )
    with django_capture_on_commit_callbacks(execute=True):
        appointment_booked(patient=patient, starts_at=next_local(20, 10))
    assert not GoodFaithEstimate.objects.filter(patient=patient).exists()
    assert not EstimateDue.objects.filter(patient=patient).exists()

    response = client_for(patient).post(reverse("scheduling:estimate-ask"))
    assert response.status_code == 302
    estimate = GoodFaithEstimate.objects.get(patient=patient)
    assert estimate.reason == "requested"
    assert estimate.total_cents == 35000  # the consultation booked
    page = client_for(patient).get(reverse("scheduling:billing")).content.decode()
    assert f'data-testid="estimate-{estimate.pk}"' in page


def test_a_service_without_a_price_leaves_the_estimate_due_with_the_reason(
    django_capture_on_commit_callbacks: Any, client_for: Any, front_desk: Any
) -> None:
    patient = PatientFactory()
    AppointmentRequestFactory(patient=patient, payer_kind=PayerKind.SELF_PAY)
    ServicePrice.objects.filter(service=service_of(ServiceKind.CONSULTATION)).delete()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_booked(patient=patient, starts_at=next_local(20, 10))
    due = EstimateDue.objects.get(patient=patient)
    assert due.estimate_id is None
    assert "has no self-pay price" in due.last_error
    page = client_for(front_desk).get(reverse("scheduling:estimates-due")).content.decode()
    assert f'data-testid="due-{patient.pk}"' in page
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        page = client_for(front_desk).get(reverse("scheduling:estimates-due")).content.decode()
    assert "Overdue" in page


def test_a_changed_plan_issues_a_new_estimate_and_keeps_the_old(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from scheduling.services import appointment_reschedule

    patient = PatientFactory()
    AppointmentRequestFactory(patient=patient, payer_kind=PayerKind.SELF_PAY)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_booked(patient=patient, starts_at=next_local(20, 10))
    first = GoodFaithEstimate.objects.get(patient=patient)
    first_line_date = first.lines.get().first_date
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(
            appointment=appointment,
            starts_at=appointment.starts_at + dt.timedelta(days=1),
            by=patient,
        )
    assert GoodFaithEstimate.objects.filter(patient=patient).count() == 2
    first.refresh_from_db()
    assert first.lines.get().first_date == first_line_date


def test_another_patient_cannot_open_an_estimate_by_its_id(client_for: Any) -> None:
    owner, other = PatientFactory(), PatientFactory()
    AppointmentRequestFactory(patient=owner)
    from scheduling.billing_services import estimate_request

    estimate = estimate_request(patient=owner)
    url = reverse("scheduling:estimate-download", kwargs={"estimate_id": estimate.pk})
    assert client_for(other).get(url).status_code == 404
    assert client_for(owner).get(url).status_code == 200


def test_the_billing_page_reads_a_bounded_number_of_rows(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    patient = PatientFactory()
    AppointmentRequestFactory(patient=patient)
    from scheduling.billing_services import estimate_request

    for _ in range(5):
        estimate_request(patient=patient)
    with django_assert_max_num_queries(30):
        response = client_for(patient).get(reverse("scheduling:billing"))
    assert response.content.decode().count('data-testid="estimate-lines"') == 5
