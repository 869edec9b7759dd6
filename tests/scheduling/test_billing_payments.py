"""A completed visit is charged at the price in force; the desk takes payments and
refunds; each payment has a receipt; staff are warned $400 over the estimate."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from scheduling.billing_models import Charge, Payment, ServicePrice
from scheduling.billing_services import payment_record, payment_refund
from scheduling.models import Appointment, PayerKind, ServiceKind
from scheduling.services import appointment_set_status
from tests.factories import PatientFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    appointment_booked,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db


def _completed(patient: Any, front_desk: Any) -> Appointment:
    appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=70)):
        appointment_set_status(
            appointment=appointment, status=Appointment.Status.COMPLETED, by=front_desk
        )
    return appointment


def test_a_completed_visit_is_charged_at_the_price_in_force(front_desk: Any) -> None:
    patient = PatientFactory()
    appointment = _completed(patient, front_desk)
    charge = Charge.objects.get(appointment=appointment)
    assert (charge.amount_cents, charge.service_codes) == (35000, "90791")


def test_payments_refunds_balance_and_receipt(client_for: Any, front_desk: Any) -> None:
    patient, other = PatientFactory(), PatientFactory()
    _completed(patient, front_desk)
    desk = client_for(front_desk)
    url = reverse("scheduling:billing-account", kwargs={"patient_id": patient.pk})
    response = desk.post(url, {"method": "hsa_fsa", "amount": "200.00", "reference": "A1"})
    assert response.status_code == 302
    payment = Payment.objects.get(patient=patient)
    assert payment.amount_cents == 20000
    payment_refund(payment=payment, amount_cents=5000, by=front_desk)
    page = client_for(patient).get(reverse("scheduling:billing")).content.decode()
    assert "$200.00" in page  # 350 - 200 + 50
    receipt = reverse("scheduling:receipt-download", kwargs={"payment_id": payment.pk})
    assert client_for(other).get(receipt).status_code == 404
    text = PdfReader(io.BytesIO(client_for(patient).get(receipt).content)).pages[0].extract_text()
    assert "Payment: $200.00" in text
    assert "HSA/FSA card" in text


def test_a_refused_payment_keeps_the_form(client_for: Any, front_desk: Any) -> None:
    patient = PatientFactory()
    url = reverse("scheduling:billing-account", kwargs={"patient_id": patient.pk})
    response = client_for(front_desk).post(url, {"method": "cash", "amount": "-3"})
    assert response.status_code == 200
    assert 'value="-3"' in response.content.decode()
    assert not Payment.objects.exists()


def test_staff_are_warned_when_charges_are_400_over_the_estimate(
    client_for: Any, front_desk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    patient = PatientFactory()
    AppointmentRequestFactory(patient=patient, payer_kind=PayerKind.SELF_PAY)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    url = reverse("scheduling:billing-account", kwargs={"patient_id": patient.pk})
    ServicePrice.objects.filter(service=service_of(ServiceKind.CONSULTATION)).update(
        amount_cents=74999
    )
    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=70)):
        appointment_set_status(
            appointment=appointment, status=Appointment.Status.COMPLETED, by=front_desk
        )
    assert 'data-testid="over-estimate"' not in client_for(front_desk).get(url).content.decode()
    Charge.objects.filter(appointment=appointment).update(amount_cents=75000)
    assert 'data-testid="over-estimate"' in client_for(front_desk).get(url).content.decode()


def test_a_payment_must_be_for_a_patient_and_above_zero(front_desk: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        payment_record(patient=PatientFactory(), method="cash", amount_cents=0, by=front_desk)
