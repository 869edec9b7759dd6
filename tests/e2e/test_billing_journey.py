"""I pay for my infusions myself. The request form shows me the price of a visit and of
a typical course. When the front desk books my six infusions about two and a half weeks
ahead, a good-faith estimate listing all six is on my billing page at once (the law
gives the clinic one to three business days). After my first infusion the desk takes my
card payment; I download the receipt and a superbill for my insurer."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from intake.modalities import Modality
from portal.models import ClinicianKind
from scheduling.billing import add_business_days, business_days_between
from scheduling.billing_models import ClinicianBillingProfile, GoodFaithEstimate, Payment
from scheduling.models import PayerKind, RoomKind, ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    service_of,
)
from tests.treatments.factories import course_started, session_discharged

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _pdf_text(response: Any) -> str:
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.body())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_self_pay_series_gets_its_estimate_receipt_and_superbill(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url
    kim = PatientFactory(email="kim@example.test", profile__legal_name="Kim Lee")
    FrontDeskFactory(email="desk@example.test")
    nurse = ClinicianFactory(full_name="Nico Alvarez", clinician_kind=ClinicianKind.NURSE)
    ClinicianBillingProfile.objects.create(clinician=nurse, npi="1245319599", credentials="RN")
    hours_every_day(nurse, folsom(), dt.time(8), dt.time(17))
    RoomFactory(location=folsom(), kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    today = timezone.localdate()
    start = add_business_days(today, 12, set())
    course = course_started(kim, Modality.IV, start_date=start)
    AppointmentRequestFactory(
        patient=kim, service=service_of(ServiceKind.IV_INFUSION), payer_kind=PayerKind.SELF_PAY
    )

    # The patient sees the price beside the service on the request form.
    log_in(page, base, "kim@example.test", TEST_PASSWORD)
    page.goto(f"{base}/scheduling/requests/new/")
    prices = page.get_by_test_id("self-pay-prices").inner_text()
    assert "IV ketamine infusion" in prices
    assert "a typical course of 6 costs" in prices

    # The desk books the series, 12 business days ahead.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/treatments/courses/{course.pk}/schedule/")
    desk.get_by_label("Location").select_option(label="Folsom")
    desk.get_by_role("button", name="Schedule the series").click()
    assert "6 sessions booked" in desk.get_by_test_id("series-outcome").inner_text()

    # The estimate is there for the patient at once, listing the six infusions.
    estimate = GoodFaithEstimate.objects.get(patient=kim)
    assert business_days_between(today, timezone.localdate(estimate.issued_at), set()) <= 1
    page.goto(f"{base}/scheduling/billing/")
    lines = page.get_by_test_id("estimate-lines").inner_text()
    assert sum(line.count("IV ketamine infusion") for line in lines.splitlines()) >= 1
    assert sum(estimate.lines.values_list("quantity", flat=True)) == 6
    download = page.get_by_role("link", name="Download the estimate (PDF)")
    text = _pdf_text(page.request.get(f"{base}{download.get_attribute('href')}"))
    assert "Good Faith Estimate" in text
    assert "right to dispute" in text.lower()

    # An infusion is given today and discharged, which completes its visit and charges it
    # (the dosing day has its own journey; the factory checks the patient in today).
    session_discharged(course, by=nurse)

    # The desk takes a card payment on the patient's billing page.
    desk.goto(f"{base}/scheduling/desk/billing/patients/{kim.pk}/")
    desk.get_by_label("How the patient paid").select_option(label="Card (terminal)")
    desk.get_by_label("Amount ($)").fill("450.00")
    desk.get_by_role("button", name="Record payment").click()
    desk.get_by_text("Payment recorded").wait_for()
    payment = Payment.objects.get(patient=kim)

    # The patient downloads the receipt and a superbill for this month.
    page.goto(f"{base}/scheduling/billing/")
    receipt = page.get_by_test_id(f"payment-{payment.pk}").get_by_role("link")
    text = _pdf_text(page.request.get(f"{base}{receipt.get_attribute('href')}"))
    assert "Payment: $450.00" in text
    page.get_by_label("From").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the superbill (PDF)").click()
    path = download_info.value.path()
    superbill = " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())
    assert "Kim Lee" in superbill
    assert "Total paid in this period: $450.00" in superbill
    assert "Clinic NPI" in superbill
