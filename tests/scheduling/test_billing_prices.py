"""Self-pay prices are clinic data with history, and the request form shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from scheduling.billing_models import ServicePrice
from scheduling.billing_selectors import price_in_force, price_list
from scheduling.models import ServiceKind
from tests.scheduling.factories import service_of

pytestmark = pytest.mark.django_db


def test_the_price_in_force_is_the_latest_that_began_and_history_is_kept() -> None:
    iv = service_of(ServiceKind.IV_INFUSION)
    ServicePrice.objects.create(
        service=iv, effective_from=dt.date(2027, 3, 1), amount_cents=55000, service_codes="96365"
    )
    assert price_in_force(service_id=iv.pk, on=dt.date(2027, 2, 28)).amount_cents == 50000
    assert price_in_force(service_id=iv.pk, on=dt.date(2027, 3, 1)).amount_cents == 55000
    assert price_in_force(service_id=iv.pk, on=dt.date(2025, 12, 31)) is None
    assert ServicePrice.objects.filter(service=iv).count() == 2


def test_the_price_list_offers_the_iv_course_as_its_package() -> None:
    rows = {r.service_name: r for r in price_list(on=dt.date(2026, 12, 4))}
    iv = rows["IV ketamine infusion"]
    assert (iv.price, iv.course_visits, iv.course) == ("$500.00", 6, "$2,700.00")
    assert rows["Spravato session"].course == "$7,200.00"  # no package: 8 x $900


def test_a_patient_sees_self_pay_prices_on_the_request_form(
    client_for: Any, patient: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(patient)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("scheduling:request-create"))
    body = response.content.decode()
    assert 'data-testid="self-pay-prices"' in body
    assert (
        "IV ketamine infusion:</strong> $500.00 a visit; a typical course of 6 costs $2,700.00"
        in body
    )


def test_a_price_that_was_in_force_cannot_be_edited_in_the_admin(
    admin_client: Any,
) -> None:
    price = ServicePrice.objects.filter(service=service_of(ServiceKind.IV_INFUSION)).get()
    url = reverse("admin:scheduling_serviceprice_change", args=[price.pk])
    admin_client.post(url, {"amount_cents": "1", "typical_course_visits": "6"})
    price.refresh_from_db()
    assert price.amount_cents == 50000
