"""The waitlist's pages: the patient joins, sees offers and claims; a second claim sees
the time has gone; the desk adds a patient and sees who waits. Query counts stay flat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling.models import Appointment
from scheduling.services import appointment_cancel
from scheduling.waitlist_models import FreedSlot, WaitlistEntry
from tests.factories import FrontDeskFactory, PatientFactory
from tests.scheduling.waitlist_setup import a_chair, waiting

pytestmark = pytest.mark.django_db


def _freed(chair) -> FreedSlot:
    appointment_cancel(appointment=chair.visit, by=FrontDeskFactory(), reason="Unwell")
    return FreedSlot.objects.get(freed_from=chair.visit)


def _join_data(chair, **changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "service": chair.service.pk,
        "locations": [chair.location.pk],
        "earliest": today.isoformat(),
        "latest": (today + dt.timedelta(days=14)).isoformat(),
        "day_parts": ["morning"],
    }
    data.update(changes)
    return data


def test_a_patient_joins_the_waitlist_from_its_page(client_for, patient) -> None:
    chair = a_chair()
    client = client_for(patient)
    page = client.get(reverse("scheduling:waitlist"))
    assert page.status_code == 200
    assert b"Join the waitlist" in page.content
    response = client.post(reverse("scheduling:waitlist"), _join_data(chair))
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient=patient)
    assert entry.day_parts == ["morning"]
    assert list(entry.locations.all()) == [chair.location]
    page = client.get(reverse("scheduling:waitlist"))
    assert chair.service.name in page.content.decode()
    assert b"Leave this waitlist" in page.content


def test_a_refused_join_keeps_what_was_typed(client_for, patient) -> None:
    chair = a_chair()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client_for(patient).post(
        reverse("scheduling:waitlist"), _join_data(chair, earliest=past)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The first day cannot be in the past." in body
    assert f'value="{past}"' in body
    assert not WaitlistEntry.objects.exists()


def test_the_patient_claims_an_offer_and_the_other_sees_it_has_gone(client_for) -> None:
    chair = a_chair()
    first, _ = waiting(chair)
    second, _ = waiting(chair)
    slot = _freed(chair)
    first_client, second_client = client_for(first), client_for(second)
    for client in (first_client, second_client):
        page = client.get(reverse("scheduling:waitlist"))
        assert b"Claim this time" in page.content
    offer = slot.offers.get(patient=first)
    response = first_client.post(reverse("scheduling:waitlist-offer-claim", args=[offer.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:appointment-list")
    late = slot.offers.get(patient=second)
    response = second_client.post(reverse("scheduling:waitlist-offer-claim", args=[late.pk]))
    assert response.status_code == 200
    assert b"Sorry, this time has gone" in response.content
    assert b"still on the waitlist" in response.content
    booked = Appointment.objects.filter(starts_at=chair.visit.starts_at, status="scheduled")
    assert list(booked.values_list("patient_id", flat=True)) == [first.pk]


def test_a_claim_refused_by_a_booking_rule_says_why(client_for) -> None:
    from tests.scheduling.factories import appointment_booked

    chair = a_chair()
    patient, _ = waiting(chair)
    offer = _freed(chair).offers.get()
    appointment_booked(patient=patient, starts_at=chair.visit.starts_at)
    client = client_for(patient)
    response = client.post(reverse("scheduling:waitlist-offer-claim", args=[offer.pk]), follow=True)
    assert b"only one place at a time" in response.content


def test_the_desk_adds_a_patient_from_their_waitlist_page(client_for, front_desk) -> None:
    chair = a_chair()
    patient = PatientFactory()
    client = client_for(front_desk)
    url = reverse("scheduling:waitlist-patient", args=[patient.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert patient.patient_profile.chart_number in page.content.decode()
    response = client.post(url, _join_data(chair))
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient=patient)
    assert entry.added_by == front_desk
    desk = client.get(reverse("scheduling:waitlist-desk")).content.decode()
    assert patient.patient_profile.chart_number in desk
    response = client.post(reverse("scheduling:waitlist-desk-leave", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_active


def test_the_desk_waitlist_of_a_staff_member_is_a_404(client_for, front_desk) -> None:
    url = reverse("scheduling:waitlist-patient", args=[front_desk.pk])
    assert client_for(front_desk).get(url).status_code == 404


def test_the_waitlist_is_reachable_from_the_patients_navigation(client_for, patient) -> None:
    home = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    assert reverse("scheduling:waitlist") in home


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _offers_to(patient, days: range) -> None:
    """Each day's cancellation offers the patient a time (one wish covers every day)."""
    for day in days:
        chair = a_chair(day=day)
        if not WaitlistEntry.objects.filter(patient=patient).exists():
            waiting(chair, patient=patient)
        _freed(chair)


def test_the_patients_page_reads_a_flat_number_of_queries(client_for, patient) -> None:
    client = client_for(patient)
    _offers_to(patient, range(2, 3))
    one = _count(client, reverse("scheduling:waitlist"))
    _offers_to(patient, range(3, 12))
    assert FreedSlot.objects.count() == 10
    assert _count(client, reverse("scheduling:waitlist")) == one


def test_the_desk_page_reads_a_flat_number_of_queries(client_for, front_desk) -> None:
    client = client_for(front_desk)
    chair = a_chair()
    waiting(chair)
    waiting(chair)
    _freed(chair)
    one = _count(client, reverse("scheduling:waitlist-desk"))
    for day in range(3, 12):
        more = a_chair(day=day)
        waiting(more)
        _freed(more)
    assert FreedSlot.objects.count() == 10
    assert _count(client, reverse("scheduling:waitlist-desk")) == one


def test_the_patients_chart_links_the_desk_to_their_waitlist(client_for, front_desk) -> None:
    patient = PatientFactory()
    chart = client_for(front_desk).get(reverse("portal:patient-chart", args=[patient.pk]))
    assert chart.status_code == 200
    assert reverse("scheduling:waitlist-patient", args=[patient.pk]) in chart.content.decode()


def test_the_demo_patient_waits_for_an_earlier_evaluation() -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    entry = WaitlistEntry.objects.get(patient__email="patient@demo.clinic")
    assert entry.is_active
    assert sorted(entry.locations.values_list("slug", flat=True)) == ["folsom", "sacramento"]


def test_the_front_desk_home_leads_to_the_waitlist(client_for, front_desk) -> None:
    chair = a_chair()
    waiting(chair)
    waiting(chair)
    _freed(chair)
    home = client_for(front_desk).get("/front-desk/").content.decode()
    assert reverse("scheduling:waitlist-desk") in home
    assert "2</span> waiting · 1 freed time on offer" in home


def test_an_offer_past_its_time_shows_closed_to_the_patient_and_the_desk(
    client_for, front_desk, patient
) -> None:
    """Before the expiry run closes it, both pages read the claim service's own rule."""
    chair = a_chair()
    waiting(chair, patient=patient)
    waiting(chair)
    offer = _freed(chair).offers.get(patient=patient)
    desk, mine = client_for(front_desk), client_for(patient)
    desk_url, my_url = reverse("scheduling:waitlist-desk"), reverse("scheduling:waitlist")
    assert desk.get(desk_url).content.decode().count("Offered until") == 2
    assert "Open until" in mine.get(my_url).content.decode()
    with time_machine.travel(offer.expires_at + dt.timedelta(minutes=1)):
        # Signed in afresh: the portal's idle sign-out has passed meanwhile.
        desk, mine = client_for(front_desk), client_for(patient)
        seen = desk.get(desk_url).content.decode()
        assert "Offered until" not in seen
        assert seen.count("Expired at") == 2
        assert "Open until" not in mine.get(my_url).content.decode()


def test_an_offer_of_a_wish_that_is_over_is_not_claimable(client_for, front_desk, patient) -> None:
    from scheduling import waitlist
    from scheduling.waitlist_selectors import waitlist_offers_for_patient

    chair = a_chair()
    _, entry = waiting(chair, patient=patient)
    _freed(chair)
    # Ended while a claim held the offer, so the offer itself is still open.
    WaitlistEntry.objects.filter(pk=entry.pk).update(is_active=False)
    (row,) = waitlist_offers_for_patient(patient=patient, now=timezone.now())
    assert (row.claimable, row.refusal) == (False, waitlist.GONE)
    seen = client_for(front_desk).get(reverse("scheduling:waitlist-desk")).content.decode()
    assert "Offered until" not in seen
    assert f'data-testid="offer-{row.offer.pk}">' in seen
    assert "Closed</li>" in seen
