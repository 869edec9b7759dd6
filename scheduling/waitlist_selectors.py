"""The waitlist's reads: a patient's entries and offers, the desk's list. Each a bounded
number of queries whatever the list's length (select_related / prefetch_related)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from portal.models import Location, User
from scheduling import waitlist
from scheduling.waitlist_models import FreedSlot, WaitlistEntry, WaitlistOffer

# The desk's page lists at most this many entries and slots (oldest wait first).
DESK_LIMIT = 200
# A patient sees the offers of the last few weeks (older ones are history).
OFFER_HISTORY = dt.timedelta(days=30)


def _entries() -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(is_active=True)
        .select_related("service")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.only("pk", "name")))
    )


def waitlist_entries_for_patient(*, patient: User) -> list[WaitlistEntry]:
    """A patient's active entries: two queries."""
    return list(_entries().filter(patient=patient))


@dataclass(frozen=True)
class OfferRow:
    """An offer and why it may not be claimed now (`waitlist.claim_refusal`, the claim
    service's own rule): an offer past its time shows closed before the expiry run
    closes it."""

    offer: WaitlistOffer
    refusal: str | None

    @property
    def claimable(self) -> bool:
        return self.refusal is None


def _offer_row(offer: WaitlistOffer, now: dt.datetime) -> OfferRow:
    """Load the offer with `slot` and `entry`."""
    return OfferRow(
        offer=offer,
        refusal=waitlist.claim_refusal(
            offer_status=offer.status,
            expires_at=offer.expires_at,
            slot_open=offer.slot.status == FreedSlot.Status.OPEN,
            now=now,
            entry_active=offer.entry is not None and offer.entry.is_active,
        ),
    )


def waitlist_offers_for_patient(*, patient: User, now: dt.datetime) -> list[OfferRow]:
    """A patient's recent offers, newest first, each marked claimable while it is open:
    one query."""
    offers = (
        WaitlistOffer.objects.filter(patient=patient, created_at__gte=now - OFFER_HISTORY)
        .select_related("slot", "slot__location", "entry")
        .order_by("-created_at", "-id")
    )
    return [_offer_row(o, now) for o in offers]


def waitlist_desk_entries() -> list[WaitlistEntry]:
    """Every active entry, oldest first, with the patient as staff see them: three
    queries."""
    return list(
        _entries()
        .select_related("patient", "patient__patient_profile")
        .order_by("created_at", "id")[:DESK_LIMIT]
    )


def waitlist_desk_entries_for(*, patient: User) -> list[WaitlistEntry]:
    return list(_entries().filter(patient=patient).order_by("created_at", "id"))


@dataclass(frozen=True)
class DeskSlot:
    """A freed time on offer and its offers, each open or not as its patient would see."""

    slot: FreedSlot
    offers: list[OfferRow]


def waitlist_open_slots(*, now: dt.datetime) -> list[DeskSlot]:
    """Freed times still on offer, soonest first, each with its offers and their patients:
    three queries."""
    offers = WaitlistOffer.objects.select_related(
        "patient", "patient__patient_profile", "entry"
    ).order_by("created_at", "id")
    slots = (
        FreedSlot.objects.filter(status=FreedSlot.Status.OPEN, starts_at__gt=now)
        .select_related("location", "service")
        .prefetch_related(Prefetch("offers", queryset=offers))
        .order_by("starts_at", "id")[:DESK_LIMIT]
    )
    # The prefetch sets each offer's `slot` to its parent: no query per offer.
    return [
        DeskSlot(slot=slot, offers=[_offer_row(o, now) for o in slot.offers.all()])
        for slot in slots
    ]


def waitlist_desk_counts(*, now: dt.datetime) -> dict[str, int]:
    """How many patients wait and how many freed times are on offer: two counts."""
    return {
        "waiting": WaitlistEntry.objects.filter(is_active=True).count(),
        "on_offer": FreedSlot.objects.filter(
            status=FreedSlot.Status.OPEN, starts_at__gt=now
        ).count(),
    }


def front_desk_panel(request: object) -> dict[str, int]:
    """The front desk home's waitlist card (registered in apps.py)."""
    from django.utils import timezone

    return waitlist_desk_counts(now=timezone.now())
