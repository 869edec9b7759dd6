"""Fifty waiting patients press Claim on one freed chair at once: exactly one booking,
every other claim is told the time has gone, no deadlock, no 500. Real PostgreSQL, one
connection per thread, outside a test transaction (so each claim really commits)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from scheduling import waitlist
from scheduling.models import Appointment, SchedulingSettings
from scheduling.services import appointment_cancel
from scheduling.waitlist_models import FreedSlot, WaitlistOffer
from scheduling.waitlist_services import waitlist_offer_claim, waitlist_offers_expire
from tests.factories import FrontDeskFactory
from tests.scheduling.test_concurrency import race
from tests.scheduling.waitlist_setup import a_chair, waiting

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]

CLAIMS = 50


def all_at_once(jobs: list[Any], work: Any) -> list[Any]:
    """Each job in a thread of its own (its own connection), released by one barrier:
    fifty connections of PostgreSQL's hundred, for the few seconds the race lasts."""
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(jobs[index])
        except Exception as exc:  # the test inspects every failure
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


@pytest.fixture
def offered_to_fifty():
    config = SchedulingSettings.load()
    config.waitlist_max_offers = CLAIMS
    config.save()
    chair = a_chair()
    patients = [waiting(chair)[0] for _ in range(CLAIMS)]
    appointment_cancel(appointment=chair.visit, by=FrontDeskFactory(), reason="Unwell")
    slot = FreedSlot.objects.get(freed_from=chair.visit)
    offers = list(slot.offers.select_related("patient"))
    assert len(offers) == CLAIMS
    return chair, slot, offers, patients


def test_50_concurrent_claims_book_exactly_one(offered_to_fifty) -> None:
    chair, slot, offers, _patients = offered_to_fifty

    def claim(offer: WaitlistOffer) -> str:
        result = waitlist_offer_claim(offer=offer, by=offer.patient)
        return "booked" if result.appointment is not None else result.refusal

    results = all_at_once(offers, claim)

    counts = Counter(r if isinstance(r, str) else repr(r) for r in results)
    assert counts == {"booked": 1, waitlist.GONE: CLAIMS - 1}, counts
    booked = Appointment.objects.filter(starts_at=chair.visit.starts_at, status="scheduled")
    assert booked.count() == 1
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.CLAIMED
    assert slot.booked == booked.get()
    statuses = Counter(slot.offers.values_list("status", flat=True))
    assert statuses == {"claimed": 1, "gone": CLAIMS - 1}


def test_50_concurrent_claim_posts_never_500(offered_to_fifty) -> None:
    chair, _slot, offers, _patients = offered_to_fifty
    clients = {}
    for offer in offers:
        client = Client()
        client.force_login(offer.patient)
        clients[offer.pk] = client

    def post(offer: WaitlistOffer) -> int:
        response = clients[offer.pk].post(f"/scheduling/waitlist/offers/{offer.pk}/claim/")
        if response.status_code == 302:
            return 302
        assert b"this time has gone" in response.content.lower()
        return response.status_code

    # Through the web, 32 threads at a time (the scheduling race's helper).
    results = race(offers, post)
    assert Counter(results) == {302: 1, 200: CLAIMS - 1}, results
    assert (
        Appointment.objects.filter(starts_at=chair.visit.starts_at, status="scheduled").count() == 1
    )


def test_one_patient_claiming_two_times_at_once_books_one() -> None:
    """Two freed times offered on one wish, both claimed at once: one visit, no deadlock."""
    first, second = a_chair(day=2), a_chair(day=3)
    patient, _ = waiting(first)
    for chair in (first, second):
        appointment_cancel(appointment=chair.visit, by=FrontDeskFactory(), reason="Unwell")
    offers = list(WaitlistOffer.objects.filter(patient=patient).select_related("patient"))
    assert len(offers) == 2

    def claim(offer: WaitlistOffer) -> str:
        result = waitlist_offer_claim(offer=offer, by=offer.patient)
        return "booked" if result.appointment is not None else result.refusal

    results = all_at_once(offers, claim)
    assert Counter(r if isinstance(r, str) else repr(r) for r in results) == {
        "booked": 1,
        waitlist.GONE: 1,
    }, results
    assert Appointment.objects.filter(patient=patient).count() == 1
    assert Counter(
        WaitlistOffer.objects.filter(patient=patient).values_list("status", flat=True)
    ) == {
        "claimed": 1,
        "gone": 1,
    }


def test_the_expiry_run_leaves_a_slot_a_claim_holds_to_that_claim(offered_to_fifty) -> None:
    """A claim holds the freed slot's lock: the expiry run neither waits for it (the
    deadlock the lock order avoids) nor touches its offers; the next run does."""
    _chair, slot, offers, _patients = offered_to_fifty
    held, release = threading.Event(), threading.Event()

    def hold_the_slot() -> None:
        try:
            with transaction.atomic():
                FreedSlot.objects.select_for_update().get(pk=slot.pk)
                held.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    try:
        assert held.wait(timeout=30)
        assert waitlist_offers_expire(now=offers[0].expires_at) == 0
        assert set(slot.offers.values_list("status", flat=True)) == {"offered"}
    finally:
        release.set()
        holder.join(timeout=60)
    assert waitlist_offers_expire(now=offers[0].expires_at) == CLAIMS
