"""Every write of the waitlist: joining and leaving it, offering a freed time when a visit
is cancelled or moved, claiming an offer, and closing offers whose time ran out (the time then
goes to the next waiting patients it fits).

A cancellation or a move calls in here inside its own transaction (through
scheduling.hooks), so the offers and their messages commit or roll back with it; the
messages are outbox rows whose send is kicked on commit. A claim locks the freed slot's
row, then books through `appointment_book` (every booking rule applies), so concurrent
claims queue on that lock and exactly one books; a partial unique constraint on the
offers and a one-to-one on the booking hold even if a caller skipped the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from intake.selectors import visit_gate_gaps
from portal.models import Location, Role, User
from portal.notifications.kinds import Kind
from portal.notifications.services import (
    notification_schedule,
    notifications_cancel,
    portal_link,
    visit_place,
)
from portal.permissions import Capability, has_capability
from scheduling import hooks, waitlist
from scheduling.models import LIVE_STATUSES, Appointment, SchedulingSettings, Service
from scheduling.selectors import patient_doses, spacing_rules
from scheduling.services import appointment_book
from scheduling.spacing import widest_gap
from scheduling.waitlist_models import FreedSlot, WaitlistEntry, WaitlistOffer

# How far ahead a patient may wait (a wish older than this is stale clinic data).
MAX_WAIT_DAYS = 180


# --- joining and leaving ----------------------------------------------------------------


def _check_actor(*, patient: User, by: User) -> None:
    if getattr(patient, "role", None) != Role.PATIENT or not patient.is_active:
        raise ValidationError("Only a patient can be on the waitlist.")
    if by.pk != patient.pk and not has_capability(by, Capability.SCHEDULE_MANAGE):
        raise ValidationError("You cannot change this patient's waitlist.")


@transaction.atomic
def waitlist_join(
    *,
    patient: User,
    service: Service,
    locations: Iterable[Location],
    earliest: dt.date,
    latest: dt.date,
    weekdays: Sequence[int] = (),
    day_parts: Sequence[str] = (),
    by: User,
) -> WaitlistEntry:
    """Put a patient on the waitlist for a service (the patient, or the desk for them)."""
    _check_actor(patient=patient, by=by)
    if not service.is_active:
        raise ValidationError({"service": "This service is not offered at the moment."})
    chosen = list(locations)
    if service.is_telehealth:
        chosen = []  # a video visit is at no location
    else:
        if not chosen:
            raise ValidationError({"locations": "Please choose at least one location."})
        offered = set(service.locations.values_list("pk", flat=True))
        missing = [loc.name for loc in chosen if loc.pk not in offered]
        if missing:
            raise ValidationError(
                {"locations": f"{service} is not offered at {', '.join(missing)}."}
            )
    today = timezone.localdate()
    if earliest < today:
        raise ValidationError({"earliest": "The first day cannot be in the past."})
    if latest < earliest:
        raise ValidationError({"latest": "The last day must be on or after the first day."})
    if latest > today + dt.timedelta(days=MAX_WAIT_DAYS):
        raise ValidationError({"latest": f"The waitlist looks at most {MAX_WAIT_DAYS} days ahead."})
    if any(d not in range(7) for d in weekdays):
        raise ValidationError({"weekdays": "Please choose days of the week from the list."})
    if any(p not in waitlist.DAY_PART_HOURS for p in day_parts):
        raise ValidationError({"day_parts": "Please choose times of day from the list."})
    # The patient's row lock makes two joins for one patient queue up: the second sees
    # the first and gets a clear answer rather than the unique constraint's error.
    User.objects.select_for_update().only("pk").get(pk=patient.pk)
    if WaitlistEntry.objects.filter(patient=patient, service=service, is_active=True).exists():
        raise ValidationError(
            {"service": "Already on the waitlist for this visit. Leave that entry to change it."}
        )
    entry = WaitlistEntry.objects.create(
        patient=patient,
        service=service,
        earliest=earliest,
        latest=latest,
        weekdays=sorted(set(weekdays)),
        day_parts=sorted(set(day_parts)),
        added_by=by,
    )
    entry.locations.set(chosen)
    return entry


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, by: User) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().select_related("patient").get(pk=entry.pk)
    _check_actor(patient=entry.patient, by=by)
    if not entry.is_active:
        return entry  # leaving twice changes nothing
    now = timezone.now()
    entry.is_active = False
    entry.left_at = now
    entry.save(update_fields=["is_active", "left_at", "updated_at"])
    # Offers already made for this wish would let the patient book what they no longer wait for.
    _close_patient_offers(patient=entry.patient, service_id=entry.service_id, now=now)
    return entry


def _close_patient_offers(
    *, patient: User, service_id: int, now: dt.datetime, keep_offer_id: int | None = None
) -> None:
    """Close a patient's open offers of a service, their wish being over (they booked
    one, or left the waitlist), and cancel those offers' unsent messages; the other
    patients offered those times keep theirs. A time left with no open offer goes to the
    next waiting patients at the next expiry run.

    An offer another claim holds locked is skipped rather than waited for (waiting could
    deadlock with a claim that waits for this patient's entry): that claim decides it,
    and a claim of it by this patient is refused because their entry is no longer active."""
    offers = WaitlistOffer.objects.select_for_update(of=("self",), skip_locked=True).filter(
        patient=patient, status=WaitlistOffer.Status.OFFERED, slot__service_id=service_id
    )
    if keep_offer_id is not None:
        offers = offers.exclude(pk=keep_offer_id)
    closing = list(offers.values_list("pk", "slot_id"))
    if not closing:
        return
    WaitlistOffer.objects.filter(pk__in=[pk for pk, _ in closing]).update(
        status=WaitlistOffer.Status.GONE, decided_at=now, updated_at=now
    )
    for _, slot_id in closing:
        # The slot's topic is shared with the other patients offered it: only this one's.
        notifications_cancel(
            topic=f"waitlist:slot:{slot_id}", kinds=[Kind.WAITLIST_OFFER], recipient=patient
        )


# --- offering a freed time ----------------------------------------------------------------


def _waitlist_link() -> str:
    return portal_link(reverse("scheduling:waitlist"))


def _slot_context(slot: FreedSlot) -> dict[str, Any]:
    # Time and place only: the service's name could reveal a treatment.
    return {
        "starts_at": slot.starts_at.isoformat(),
        **visit_place(slot.location.name if slot.location_id else None),
        "url": _waitlist_link(),
    }


def _wishes(
    *, service_id: int, day: dt.date, exclude_patient_ids: Iterable[int]
) -> list[waitlist.Wish]:
    """The active wishes for a service that cover a day: two queries."""
    rows = list(
        WaitlistEntry.objects.filter(
            is_active=True, service_id=service_id, earliest__lte=day, latest__gte=day
        )
        .exclude(patient_id__in=list(exclude_patient_ids))
        .values_list(
            "pk", "patient_id", "earliest", "latest", "weekdays", "day_parts", "created_at"
        )
    )
    if not rows:
        return []
    places: dict[int, set[int]] = {}
    through = WaitlistEntry.locations.through.objects.filter(
        waitlistentry_id__in=[r[0] for r in rows]
    ).values_list("waitlistentry_id", "location_id")
    for entry_id, location_id in through:
        places.setdefault(entry_id, set()).add(location_id)
    return [
        waitlist.Wish(
            entry_id=pk,
            patient_id=patient_id,
            service_id=service_id,
            location_ids=frozenset(places.get(pk, ())),
            earliest=earliest,
            latest=latest,
            weekdays=frozenset(weekdays),
            day_parts=frozenset(day_parts),
            joined_at=created_at,
        )
        for pk, patient_id, earliest, latest, weekdays, day_parts, created_at in rows
    ]


def _patient_facts(
    *,
    patients: Sequence[User],
    service: Service,
    slot: waitlist.FreedSlot,
    blocked: DateTimeTZRange,
    reach: dt.timedelta,
) -> dict[int, waitlist.PatientFacts]:
    """Eligibility, other visits and nearby doses of each candidate (bounded by the
    clinic's offer limit: the caller asks only for as many as it may offer)."""
    ids = [p.pk for p in patients]
    busy = set(
        Appointment.objects.filter(
            patient_id__in=ids, status__in=LIVE_STATUSES, blocked__overlap=blocked
        ).values_list("patient_id", flat=True)
    )
    facts: dict[int, waitlist.PatientFacts] = {}
    for patient in patients:
        doses: tuple = ()
        if service.modality:
            doses = tuple(
                patient_doses(
                    patient=patient, start=slot.starts_at - reach, end=slot.starts_at + reach
                )
            )
        facts[patient.pk] = waitlist.PatientFacts(
            eligible=not visit_gate_gaps(
                patient=patient, modality=service.modality, telehealth=service.is_telehealth
            ),
            busy=patient.pk in busy,
            doses=doses,
        )
    return facts


def _who_to_offer(
    *,
    service_id: int,
    location_id: int | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    blocked: DateTimeTZRange,
    skip_patient_ids: Iterable[int],
    config: SchedulingSettings,
) -> tuple[list[waitlist.Wish], dict[int, User]]:
    """The waiting patients a freed time fits, first joined first, up to the clinic's
    limit, leaving out `skip_patient_ids` (the cancelled patient, those offered before)."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(starts_at).date()
    wishes = _wishes(service_id=service_id, day=day, exclude_patient_ids=skip_patient_ids)
    freed = waitlist.FreedSlot(
        service_id=service_id, location_id=location_id, starts_at=starts_at, ends_at=ends_at
    )
    fitting = [w for w in wishes if waitlist.wish_fits(w, freed, tz)]
    if not fitting:
        return [], {}
    service = Service.objects.get(pk=service_id)
    rules = spacing_rules() if service.modality else {}
    limit = config.waitlist_max_offers
    # Facts for the first-joined fitting patients only, a few more than the limit, so a
    # long waitlist costs a bounded number of queries.
    order = sorted(fitting, key=lambda w: (w.joined_at, w.entry_id))
    candidate_ids = list(dict.fromkeys(w.patient_id for w in order))[: max(limit * 3, limit)]
    patients = list(User.objects.filter(pk__in=candidate_ids, is_active=True))
    facts = _patient_facts(
        patients=patients,
        service=service,
        slot=freed,
        blocked=blocked,
        reach=widest_gap(rules) if rules else dt.timedelta(0),
    )
    chosen = waitlist.who_fits(
        wishes=fitting,
        slot=freed,
        facts=facts,
        modality=service.modality,
        rules=rules,
        max_dissociative_per_day=config.max_dissociative_doses_per_day,
        tz=tz,
        limit=limit,
    )
    return chosen, {p.pk: p for p in patients}


def _send_offers(
    *,
    slot: FreedSlot,
    chosen: Sequence[waitlist.Wish],
    patients: dict[int, User],
    now: dt.datetime,
    config: SchedulingSettings,
) -> None:
    """Write one open offer per chosen wish, and a message (time and place) for each."""
    expires_at = waitlist.offer_expires_at(
        offered_at=now, open_minutes=config.waitlist_offer_minutes, slot_starts_at=slot.starts_at
    )
    offers = WaitlistOffer.objects.bulk_create(
        [
            WaitlistOffer(
                slot=slot, patient_id=w.patient_id, entry_id=w.entry_id, expires_at=expires_at
            )
            for w in chosen
        ]
    )
    context = _slot_context(slot)
    for offer in offers:
        notification_schedule(
            recipient=patients[offer.patient_id],
            kind=Kind.WAITLIST_OFFER,
            send_at=now,
            idempotency_key=f"waitlist:offer:{offer.pk}",
            context=context,
            topic=f"waitlist:slot:{slot.pk}",
        )


def _time_taken(*, blocked: DateTimeTZRange, clinician_id: int, room_id: int | None) -> bool:
    """Someone is booked on the clinician or room then (the desk filled it, or the moved
    visit itself still overlaps its old time)."""
    who = Q(clinician_id=clinician_id)
    if room_id is not None:
        who |= Q(room_id=room_id)
    return (
        Appointment.objects.filter(status__in=LIVE_STATUSES, blocked__overlap=blocked)
        .filter(who)
        .exists()
    )


def _slot_taken(slot: FreedSlot) -> bool:
    return _time_taken(blocked=slot.blocked, clinician_id=slot.clinician_id, room_id=slot.room_id)


def _offer_vacated(*, appointment: Appointment, vacated: hooks.VacatedTime) -> FreedSlot | None:
    """Offer a time a visit left free to the waiting patients it fits; None when nobody
    fits (no row is written then). Runs inside the cancel's or the move's transaction."""
    now = timezone.now()
    config = SchedulingSettings.load()
    if not waitlist.worth_offering(
        slot_starts_at=vacated.starts_at, now=now, notice_minutes=config.waitlist_notice_minutes
    ):
        return None
    if FreedSlot.objects.filter(freed_from=appointment, starts_at=vacated.starts_at).exists():
        return None  # offered already: a hook that runs twice offers once
    blocked = appointment.service.blocked_range(vacated.starts_at, vacated.ends_at)
    if _time_taken(blocked=blocked, clinician_id=vacated.clinician_id, room_id=vacated.room_id):
        return None
    chosen, patients = _who_to_offer(
        service_id=appointment.service_id,
        location_id=vacated.location_id,
        starts_at=vacated.starts_at,
        ends_at=vacated.ends_at,
        blocked=blocked,
        skip_patient_ids=[appointment.patient_id],
        config=config,
    )
    if not chosen:
        return None
    slot = FreedSlot.objects.create(
        freed_from=appointment,
        service_id=appointment.service_id,
        location_id=vacated.location_id,
        clinician_id=vacated.clinician_id,
        room_id=vacated.room_id,
        starts_at=vacated.starts_at,
        ends_at=vacated.ends_at,
    )
    _send_offers(slot=slot, chosen=chosen, patients=patients, now=now, config=config)
    return slot


def on_appointment_status_changed(appointment: Appointment) -> None:
    """scheduling.hooks: a cancelled visit's time goes to the waitlist (a no-show's or a
    finished visit's does not: nobody could come then)."""
    if appointment.status == Appointment.Status.CANCELLED:
        _offer_vacated(appointment=appointment, vacated=hooks.VacatedTime.of(appointment))


def on_appointment_moved(appointment: Appointment, vacated: hooks.VacatedTime) -> None:
    """scheduling.hooks: the time a moved visit left goes to the waitlist."""
    _offer_vacated(appointment=appointment, vacated=vacated)


# --- claiming -------------------------------------------------------------------------------


# The constraints that decide a race of claims (scheduling/migrations/0010_waitlist.py):
# one claimed offer per freed slot, and one booking per freed slot (the one-to-one's
# unique index, named by PostgreSQL). Any other violation is a bug, not a lost race.
RACE_CONSTRAINTS = frozenset(
    {"waitlistoffer_one_claim_per_slot", "scheduling_freedslot_booked_id_key"}
)


def _violated_constraint(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


@dataclass(frozen=True)
class ClaimResult:
    """A claim's outcome: the booked visit, or why not (waitlist.GONE / EXPIRED)."""

    appointment: Appointment | None = None
    refusal: str | None = None


def _tell_gone(*, slot: FreedSlot, exclude_offer_id: int | None, now: dt.datetime) -> None:
    """The slot's other open offers are gone, and their patients are told so."""
    losers = WaitlistOffer.objects.filter(slot=slot, status=WaitlistOffer.Status.OFFERED)
    if exclude_offer_id is not None:
        losers = losers.exclude(pk=exclude_offer_id)
    rows = list(losers.select_related("patient").only("pk", "patient"))
    losers.update(status=WaitlistOffer.Status.GONE, decided_at=now)
    # An offer still waiting to be sent (a text held for quiet hours) would now mislead.
    notifications_cancel(topic=f"waitlist:slot:{slot.pk}", kinds=[Kind.WAITLIST_OFFER])
    context = _slot_context(slot)
    for offer in rows:
        notification_schedule(
            recipient=offer.patient,
            kind=Kind.WAITLIST_GONE,
            send_at=now,
            idempotency_key=f"waitlist:gone:{offer.pk}",
            context=context,
            topic=f"waitlist:slot:{slot.pk}",
        )


@transaction.atomic
def waitlist_offer_claim(*, offer: WaitlistOffer, by: User) -> ClaimResult:
    """The patient claims an offered time. The first claim books the visit through the
    booking service; every later one gets GONE, an offer past its time EXPIRED; a
    booking rule that refuses this patient (a new clash, spacing) is a ValidationError."""
    if by.pk != offer.patient_id:
        raise ValidationError("Only the patient offered this time can claim it.")
    # The lock every claim of this slot queues on: one at a time decides.
    slot = (
        FreedSlot.objects.select_for_update(of=("self",))
        .select_related("freed_from", "service", "location", "clinician", "room")
        .get(pk=offer.slot_id)
    )
    offer = WaitlistOffer.objects.select_for_update().select_related("patient").get(pk=offer.pk)
    if offer.status == WaitlistOffer.Status.CLAIMED:
        return ClaimResult(appointment=slot.booked)  # a second press of one's own Claim
    now = timezone.now()
    # The wish's row lock queues this patient's claims of two offers at once: the second
    # sees the wish fulfilled by the first.
    entry_active = offer.entry_id is not None and bool(
        WaitlistEntry.objects.select_for_update()
        .filter(pk=offer.entry_id)
        .values_list("is_active", flat=True)
        .first()
    )
    refusal = waitlist.claim_refusal(
        offer_status=offer.status,
        expires_at=offer.expires_at,
        slot_open=slot.status == FreedSlot.Status.OPEN,
        now=now,
        entry_active=entry_active,
    )
    if refusal is not None:
        if offer.status == WaitlistOffer.Status.OFFERED:
            offer.status = (
                WaitlistOffer.Status.EXPIRED
                if refusal == waitlist.EXPIRED
                else WaitlistOffer.Status.GONE
            )
            offer.decided_at = now
            offer.save(update_fields=["status", "decided_at", "updated_at"])
        return ClaimResult(refusal=refusal)
    if _slot_taken(slot):
        slot.status = FreedSlot.Status.WITHDRAWN
        slot.save(update_fields=["status", "updated_at"])
        _tell_gone(slot=slot, exclude_offer_id=offer.pk, now=now)
        offer.status = WaitlistOffer.Status.GONE
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at", "updated_at"])
        return ClaimResult(refusal=waitlist.GONE)
    try:
        with transaction.atomic():
            appointment = appointment_book(
                patient=offer.patient,
                service=slot.service,
                location=slot.location,
                clinician=slot.clinician,
                room=slot.room,
                starts_at=slot.starts_at,
                booked_by=by,
            )
            offer.status = WaitlistOffer.Status.CLAIMED
            offer.decided_at = now
            offer.save(update_fields=["status", "decided_at", "updated_at"])
            slot.status = FreedSlot.Status.CLAIMED
            slot.booked = appointment
            slot.save(update_fields=["status", "booked", "updated_at"])
    except IntegrityError as exc:
        if _violated_constraint(exc) not in RACE_CONSTRAINTS:
            raise
        # The constraints' word: this slot was claimed by someone else after all.
        return ClaimResult(refusal=waitlist.GONE)
    _tell_gone(slot=slot, exclude_offer_id=offer.pk, now=now)
    # The patient has their visit: their wish for this service is fulfilled, and their
    # other open offers of it close (one wish books one visit).
    WaitlistEntry.objects.filter(
        patient_id=offer.patient_id, service_id=slot.service_id, is_active=True
    ).update(is_active=False, left_at=now, updated_at=now)
    _close_patient_offers(
        patient=offer.patient, service_id=slot.service_id, now=now, keep_offer_id=offer.pk
    )
    return ClaimResult(appointment=appointment)


# --- expiry ------------------------------------------------------------------------------------


@transaction.atomic
def waitlist_offers_expire(*, now: dt.datetime | None = None) -> int:
    """Close offers whose time ran out. A freed time whose every offer ran out goes to
    the next waiting patients it fits, while there is still time to claim it and come;
    it closes when nobody is left, when its visit has started, or when the desk booked
    the clinician or room meanwhile. Returns how many offers expired; running it twice
    changes nothing. Wishes whose last day has passed end too."""
    now = now or timezone.now()
    due = WaitlistOffer.objects.filter(
        slot=OuterRef("pk"), status=WaitlistOffer.Status.OFFERED, expires_at__lte=now
    )
    # The slots first, then their offers: the order a claim locks them in (the other
    # order could deadlock with one). A slot a claim holds is skipped, and its offers with
    # it: that claim decides them, or the next run does.
    slot_ids = list(
        FreedSlot.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(Q(Exists(due)) | Q(status=FreedSlot.Status.OPEN, starts_at__lte=now))
        .values_list("pk", flat=True)
    )
    expired = WaitlistOffer.objects.filter(
        slot_id__in=slot_ids, status=WaitlistOffer.Status.OFFERED, expires_at__lte=now
    ).update(status=WaitlistOffer.Status.EXPIRED, decided_at=now, updated_at=now)
    FreedSlot.objects.filter(
        pk__in=slot_ids, status=FreedSlot.Status.OPEN, starts_at__lte=now
    ).update(status=FreedSlot.Status.EXPIRED, updated_at=now)
    still_offered = WaitlistOffer.objects.filter(
        slot=OuterRef("pk"), status=WaitlistOffer.Status.OFFERED
    )
    # A slot a claim holds locked is being decided: the next run looks at it again.
    idle = (
        FreedSlot.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status=FreedSlot.Status.OPEN)
        .filter(~Exists(still_offered))
        .select_related("freed_from", "service")
        .order_by("starts_at")
    )
    config = SchedulingSettings.load()
    for slot in idle:
        _offer_again(slot=slot, now=now, config=config)
    # A wish past its last day fits no time any more: it would count as waiting at the
    # desk and keep the patient from joining again.
    WaitlistEntry.objects.filter(is_active=True, latest__lt=timezone.localdate(now)).update(
        is_active=False, left_at=now, updated_at=now
    )
    return expired


def _offer_again(*, slot: FreedSlot, now: dt.datetime, config: SchedulingSettings) -> None:
    """Offer an idle freed time to the next fitting patients, or close it."""
    if _slot_taken(slot):
        slot.status = FreedSlot.Status.WITHDRAWN
    elif waitlist.worth_offering(
        slot_starts_at=slot.starts_at, now=now, notice_minutes=config.waitlist_notice_minutes
    ):
        offered_before = set(slot.offers.values_list("patient_id", flat=True))
        chosen, patients = _who_to_offer(
            service_id=slot.service_id,
            location_id=slot.location_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked=slot.blocked,
            skip_patient_ids=offered_before | {slot.freed_from.patient_id},
            config=config,
        )
        if chosen:
            _send_offers(slot=slot, chosen=chosen, patients=patients, now=now, config=config)
            return
        slot.status = FreedSlot.Status.EXPIRED
    else:
        slot.status = FreedSlot.Status.EXPIRED
    slot.save(update_fields=["status", "updated_at"])
