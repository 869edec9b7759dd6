"""The waitlist's services against real PostgreSQL: a cancellation offers the freed time
to the waiting patients it fits (and only them), the first claim books it through the
booking rules, the others are told it has gone, offers expire."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling import waitlist
from scheduling.models import Appointment, SchedulingSettings, ServiceKind
from scheduling.services import (
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from scheduling.waitlist_models import FreedSlot, WaitlistEntry, WaitlistOffer
from scheduling.waitlist_services import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_claim,
    waitlist_offers_expire,
)
from tests.factories import FrontDeskFactory, PatientFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    AppointmentFactory,
    RoomFactory,
    appointment_booked,
    folsom,
    next_local,
    service_of,
)
from tests.scheduling.waitlist_setup import a_chair, waiting

pytestmark = pytest.mark.django_db


def _cancel(chair) -> FreedSlot | None:
    appointment_cancel(appointment=chair.visit, by=FrontDeskFactory(), reason="Patient is unwell")
    return FreedSlot.objects.filter(freed_from=chair.visit).first()


def _offered_to(slot: FreedSlot) -> set[int]:
    return set(slot.offers.values_list("patient_id", flat=True))


def test_a_cancellation_offers_the_time_to_the_waiting_patients_it_fits() -> None:
    chair = a_chair()
    first, _ = waiting(chair)
    second, _ = waiting(chair)
    slot = _cancel(chair)
    assert slot is not None
    assert (slot.clinician_id, slot.room_id, slot.location_id) == (
        chair.clinician.pk,
        chair.room.pk,
        chair.location.pk,
    )
    assert (slot.starts_at, slot.ends_at) == (chair.visit.starts_at, chair.visit.ends_at)
    assert _offered_to(slot) == {first.pk, second.pk}
    messages = Notification.objects.filter(kind=Kind.WAITLIST_OFFER)
    assert set(messages.values_list("recipient_id", flat=True)) == {first.pk, second.pk}
    for message in messages:
        # Time, place and a link: nothing that names the service.
        assert set(message.context) == {"starts_at", "location", "url"}
        assert message.context["location"] == "Folsom"


def test_the_offer_expires_after_the_clinics_minutes() -> None:
    config = SchedulingSettings.load()
    config.waitlist_offer_minutes = 45
    config.save()
    chair = a_chair()
    waiting(chair)
    before = timezone.now()
    slot = _cancel(chair)
    offer = slot.offers.get()
    assert before + dt.timedelta(minutes=45) <= offer.expires_at
    assert offer.expires_at <= timezone.now() + dt.timedelta(minutes=45)


def test_patients_whose_wish_does_not_fit_get_no_offer() -> None:
    chair = a_chair()
    elsewhere = RoomFactory(location=chair.location).location  # same place, other room
    assert elsewhere == chair.location
    other_service, _ = waiting(chair, service=service_of(ServiceKind.IV_INFUSION))
    later, _ = waiting(
        chair,
        earliest=timezone.localdate() + dt.timedelta(days=5),
        latest=timezone.localdate() + dt.timedelta(days=9),
    )
    afternoons, _ = waiting(chair, day_parts=["afternoon"])
    fits, _ = waiting(chair)
    slot = _cancel(chair)
    assert _offered_to(slot) == {fits.pk}
    assert not {other_service.pk, later.pk, afternoons.pk} & _offered_to(slot)


def test_a_patient_in_another_visit_then_gets_no_offer() -> None:
    chair = a_chair()
    busy, _ = waiting(chair)
    free, _ = waiting(chair)
    # Busy is already booked at the same time with another clinician and room.
    appointment_booked(patient=busy, starts_at=chair.visit.starts_at + dt.timedelta(minutes=15))
    slot = _cancel(chair)
    assert _offered_to(slot) == {free.pk}


def test_the_cancelled_patient_is_not_offered_their_own_time() -> None:
    chair = a_chair()
    waiting(chair, patient=chair.visit.patient)
    assert _cancel(chair) is None


def test_nobody_fitting_writes_no_freed_slot() -> None:
    chair = a_chair()
    assert _cancel(chair) is None
    assert not FreedSlot.objects.exists()


def test_a_time_too_soon_to_come_is_not_offered() -> None:
    config = SchedulingSettings.load()
    config.waitlist_notice_minutes = 24 * 60 * 5  # five days' notice
    config.save()
    chair = a_chair()
    waiting(chair)
    assert _cancel(chair) is None


def test_a_no_show_frees_nothing_for_the_waitlist() -> None:
    chair = a_chair(day=1, hour=10)
    waiting(chair)
    # The visit's morning: a no-show is marked on the day, and nobody could come now.
    with time_machine.travel(chair.visit.starts_at + dt.timedelta(minutes=20)):
        appointment_set_status(
            appointment=chair.visit, status=Appointment.Status.NO_SHOW, by=FrontDeskFactory()
        )
    assert not FreedSlot.objects.exists()


def test_only_patients_eligible_for_a_dosing_visit_are_offered_it() -> None:
    approved, unapproved = PatientFactory(), PatientFactory()
    approve_patient(approved, Modality.IV)
    chair = _iv_chair()
    waiting(chair, patient=approved)
    waiting(chair, patient=unapproved)
    slot = _cancel(chair)
    assert _offered_to(slot) == {approved.pk}


def _iv_chair():
    owner = PatientFactory()
    approve_patient(owner, Modality.IV)
    from tests.factories import ClinicianFactory
    from tests.scheduling.factories import hours_every_day

    service = service_of(ServiceKind.IV_INFUSION)
    clinician = ClinicianFactory()
    hours_every_day(clinician, folsom(), dt.time(6), dt.time(22))
    room = RoomFactory(kind=service.room_kind)
    visit = appointment_booked(
        patient=owner, service=service, clinician=clinician, room=room, starts_at=next_local(3, 10)
    )
    from tests.scheduling.waitlist_setup import Chair

    return Chair(service=service, location=folsom(), clinician=clinician, room=room, visit=visit)


def test_the_clinics_dose_spacing_is_kept() -> None:
    spaced, too_close = PatientFactory(), PatientFactory()
    approve_patient(spaced, Modality.IV)
    approve_patient(too_close, Modality.IV)
    chair = _iv_chair()
    # An IV dose 24 hours before the freed one: IV doses are 36 hours apart (seeded).
    AppointmentFactory(
        patient=too_close,
        service=chair.service,
        starts_at=chair.visit.starts_at - dt.timedelta(hours=24),
    )
    waiting(chair, patient=spaced)
    waiting(chair, patient=too_close)
    slot = _cancel(chair)
    assert _offered_to(slot) == {spaced.pk}


def test_the_first_claim_books_the_freed_chair_and_the_others_hear_it_has_gone() -> None:
    chair = a_chair()
    winner, winner_entry = waiting(chair)
    loser, _ = waiting(chair)
    slot = _cancel(chair)
    won = waitlist_offer_claim(offer=slot.offers.get(patient=winner), by=winner)
    visit = won.appointment
    assert visit is not None
    assert (visit.patient, visit.clinician, visit.room, visit.starts_at) == (
        winner,
        chair.clinician,
        chair.room,
        chair.visit.starts_at,
    )
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.CLAIMED
    assert slot.booked == visit
    assert slot.offers.get(patient=loser).status == WaitlistOffer.Status.GONE
    gone = Notification.objects.get(kind=Kind.WAITLIST_GONE)
    assert gone.recipient == loser
    assert set(gone.context) == {"starts_at", "location", "url"}
    # The winner's wish is fulfilled; the loser still waits.
    winner_entry.refresh_from_db()
    assert not winner_entry.is_active
    assert WaitlistEntry.objects.filter(patient=loser, is_active=True).exists()

    lost = waitlist_offer_claim(offer=slot.offers.get(patient=loser), by=loser)
    assert lost == waitlist_services_result_gone()
    assert (
        Appointment.objects.filter(starts_at=chair.visit.starts_at, status="scheduled").count() == 1
    )


def waitlist_services_result_gone():
    from scheduling.waitlist_services import ClaimResult

    return ClaimResult(refusal=waitlist.GONE)


def test_claiming_twice_returns_the_same_visit() -> None:
    chair = a_chair()
    patient, _ = waiting(chair)
    offer = _cancel(chair).offers.get()
    first = waitlist_offer_claim(offer=offer, by=patient)
    again = waitlist_offer_claim(offer=offer, by=patient)
    assert again.appointment == first.appointment
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_only_the_offered_patient_may_claim() -> None:
    chair = a_chair()
    waiting(chair)
    offer = _cancel(chair).offers.get()
    with pytest.raises(ValidationError):
        waitlist_offer_claim(offer=offer, by=PatientFactory())


def test_an_expired_offer_cannot_be_claimed() -> None:
    chair = a_chair()
    patient, _ = waiting(chair)
    offer = _cancel(chair).offers.get()
    with time_machine.travel(offer.expires_at + dt.timedelta(seconds=1)):
        result = waitlist_offer_claim(offer=offer, by=patient)
    assert result.refusal == waitlist.EXPIRED
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.EXPIRED
    assert not Appointment.objects.filter(patient=patient).exists()


def test_the_expiry_task_closes_offers_and_their_slot() -> None:
    chair = a_chair()
    waiting(chair)
    waiting(chair)
    slot = _cancel(chair)
    expires_at = slot.offers.first().expires_at
    assert waitlist_offers_expire(now=expires_at - dt.timedelta(seconds=1)) == 0
    assert waitlist_offers_expire(now=expires_at) == 2
    assert waitlist_offers_expire(now=expires_at) == 0  # twice changes nothing
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.EXPIRED
    assert set(slot.offers.values_list("status", flat=True)) == {"expired"}


def _limit_offers_to(count: int) -> None:
    config = SchedulingSettings.load()
    config.waitlist_max_offers = count
    config.save()


def _offers_of(slot: FreedSlot) -> dict[int, str]:
    return dict(slot.offers.values_list("patient_id", "status"))


def test_a_time_whose_offers_all_ran_out_goes_to_the_next_waiting_patients() -> None:
    _limit_offers_to(1)
    chair = a_chair()
    first, _ = waiting(chair)
    second, _ = waiting(chair)
    third, _ = waiting(chair)
    slot = _cancel(chair)
    assert _offers_of(slot) == {first.pk: "offered"}

    expires_at = slot.offers.get().expires_at
    assert waitlist_offers_expire(now=expires_at) == 1
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.OPEN
    assert _offers_of(slot) == {first.pk: "expired", second.pk: "offered"}
    second_offer = slot.offers.get(patient=second)
    assert second_offer.expires_at > expires_at
    message = Notification.objects.get(kind=Kind.WAITLIST_OFFER, recipient=second)
    assert set(message.context) == {"starts_at", "location", "url"}

    # The second patient claims it in time: the visit is theirs.
    with time_machine.travel(expires_at + dt.timedelta(minutes=1)):
        result = waitlist_offer_claim(offer=second_offer, by=second)
    assert result.appointment is not None
    assert result.appointment.patient == second
    assert waitlist_offers_expire(now=second_offer.expires_at) == 0
    assert _offers_of(slot) == {first.pk: "expired", second.pk: "claimed"}
    assert not Notification.objects.filter(kind=Kind.WAITLIST_OFFER, recipient=third).exists()


def test_a_time_closes_when_nobody_is_left_to_offer_it_to() -> None:
    _limit_offers_to(1)
    chair = a_chair()
    first, _ = waiting(chair)
    second, _ = waiting(chair)
    slot = _cancel(chair)
    waitlist_offers_expire(now=slot.offers.get().expires_at)
    last = slot.offers.get(patient=second).expires_at
    assert waitlist_offers_expire(now=last) == 1
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.EXPIRED
    assert _offers_of(slot) == {first.pk: "expired", second.pk: "expired"}
    # The cancelled patient is never offered their own time back.
    assert chair.visit.patient_id not in _offers_of(slot)


def test_a_time_too_near_to_come_is_not_offered_again() -> None:
    _limit_offers_to(1)
    chair = a_chair()
    waiting(chair)
    later, _ = waiting(chair)
    slot = _cancel(chair)
    notice = SchedulingSettings.load().waitlist_notice_minutes
    too_near = slot.starts_at - dt.timedelta(minutes=notice - 1)
    assert waitlist_offers_expire(now=too_near) == 1
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.EXPIRED
    assert later.pk not in _offers_of(slot)


def test_a_time_the_desk_filled_is_not_offered_again() -> None:
    _limit_offers_to(1)
    chair = a_chair()
    waiting(chair)
    later, _ = waiting(chair)
    slot = _cancel(chair)
    appointment_booked(
        patient=PatientFactory(),
        service=chair.service,
        clinician=chair.clinician,
        room=chair.room,
        starts_at=chair.visit.starts_at,
    )
    waitlist_offers_expire(now=slot.offers.get().expires_at)
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.WITHDRAWN
    assert later.pk not in _offers_of(slot)


def test_a_moved_visit_offers_the_time_it_left() -> None:
    chair = a_chair()
    first, _ = waiting(chair)
    old_start = chair.visit.starts_at
    appointment_reschedule(
        appointment=chair.visit, starts_at=old_start + dt.timedelta(days=1), by=FrontDeskFactory()
    )
    slot = FreedSlot.objects.get(freed_from=chair.visit)
    assert (slot.starts_at, slot.clinician_id, slot.room_id) == (
        old_start,
        chair.clinician.pk,
        chair.room.pk,
    )
    assert _offers_of(slot) == {first.pk: "offered"}
    result = waitlist_offer_claim(offer=slot.offers.get(), by=first)
    assert result.appointment is not None
    assert result.appointment.starts_at == old_start
    # The moved visit, cancelled later, frees its new time too: a second slot.
    waiting(chair)
    appointment_cancel(appointment=chair.visit, by=FrontDeskFactory(), reason="Unwell")
    assert FreedSlot.objects.filter(freed_from=chair.visit).count() == 2


def test_a_move_that_still_covers_its_old_time_offers_nothing() -> None:
    chair = a_chair()
    waiting(chair)
    # Fifteen minutes later on the same clinician and room: the old time is not free.
    appointment_reschedule(
        appointment=chair.visit,
        starts_at=chair.visit.starts_at + dt.timedelta(minutes=15),
        by=FrontDeskFactory(),
    )
    assert not FreedSlot.objects.exists()


def test_the_celery_task_calls_the_expiry_service() -> None:
    from scheduling.tasks import waitlist_offers_expire as task

    chair = a_chair()
    waiting(chair)
    offer = _cancel(chair).offers.get()
    with time_machine.travel(offer.expires_at + dt.timedelta(minutes=1)):
        assert task.run() == 1


def test_a_time_the_desk_booked_meanwhile_has_gone() -> None:
    chair = a_chair()
    patient, _ = waiting(chair)
    other, _ = waiting(chair)
    slot = _cancel(chair)
    # The desk books someone else on the freed clinician and room at that time.
    appointment_booked(
        patient=PatientFactory(),
        service=chair.service,
        clinician=chair.clinician,
        room=chair.room,
        starts_at=chair.visit.starts_at,
    )
    result = waitlist_offer_claim(offer=slot.offers.get(patient=patient), by=patient)
    assert result.refusal == waitlist.GONE
    slot.refresh_from_db()
    assert slot.status == FreedSlot.Status.WITHDRAWN
    assert slot.offers.get(patient=other).status == WaitlistOffer.Status.GONE
    assert not Appointment.objects.filter(patient=patient).exists()


def test_a_booking_rule_that_refuses_the_claimant_is_a_clear_refusal() -> None:
    chair = a_chair()
    patient, _ = waiting(chair)
    offer = _cancel(chair).offers.get()
    # After the offer, the patient booked another visit at that time.
    appointment_booked(patient=patient, starts_at=chair.visit.starts_at)
    with pytest.raises(ValidationError, match="only one place"):
        waitlist_offer_claim(offer=offer, by=patient)
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.OFFERED


# --- joining and leaving ----------------------------------------------------------------


def test_joining_refuses_what_cannot_be_offered() -> None:
    chair = a_chair()
    patient = PatientFactory()
    today = timezone.localdate()
    base = {
        "patient": patient,
        "service": chair.service,
        "locations": [chair.location],
        "earliest": today,
        "latest": today + dt.timedelta(days=7),
        "by": patient,
    }
    cases = [
        ({"earliest": today - dt.timedelta(days=1)}, "earliest"),
        ({"latest": today - dt.timedelta(days=1), "earliest": today}, "latest"),
        ({"latest": today + dt.timedelta(days=400)}, "latest"),
        ({"locations": []}, "locations"),
        ({"weekdays": [7]}, "weekdays"),
        ({"day_parts": ["night"]}, "day_parts"),
        ({"by": PatientFactory()}, "__all__"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as refused:
            waitlist_join(**{**base, **change})
        errors = refused.value.message_dict if hasattr(refused.value, "error_dict") else {}
        assert field in errors or field == "__all__", (change, refused.value)
    assert not WaitlistEntry.objects.exists()


def test_one_active_entry_per_service_and_leaving_frees_it() -> None:
    chair = a_chair()
    patient, entry = waiting(chair)
    with pytest.raises(ValidationError, match="Already on the waitlist"):
        waiting(chair, patient=patient)
    waitlist_leave(entry=entry, by=patient)
    entry.refresh_from_db()
    assert not entry.is_active
    assert entry.left_at is not None
    waiting(chair, patient=patient)
    assert WaitlistEntry.objects.filter(patient=patient, is_active=True).count() == 1


def test_the_desk_adds_a_patient_and_a_patient_left_gets_no_offer() -> None:
    chair = a_chair()
    desk = FrontDeskFactory()
    patient = PatientFactory()
    today = timezone.localdate()
    entry = waitlist_join(
        patient=patient,
        service=chair.service,
        locations=[chair.location],
        earliest=today,
        latest=today + dt.timedelta(days=9),
        by=desk,
    )
    assert entry.added_by == desk
    waitlist_leave(entry=entry, by=desk)
    assert _cancel(chair) is None


def test_an_offer_not_yet_sent_is_not_sent_once_the_time_has_gone() -> None:
    chair = a_chair()
    winner, _ = waiting(chair)
    loser, _ = waiting(chair)
    slot = _cancel(chair)
    # Both offers are still pending in the outbox (e.g. a text held for quiet hours).
    assert Notification.objects.filter(kind=Kind.WAITLIST_OFFER, status="pending").count() == 2
    waitlist_offer_claim(offer=slot.offers.get(patient=winner), by=winner)
    offers = Notification.objects.filter(kind=Kind.WAITLIST_OFFER)
    assert set(offers.values_list("status", flat=True)) == {"cancelled"}
    assert Notification.objects.get(kind=Kind.WAITLIST_GONE).recipient == loser


def test_the_clinic_admin_sets_how_long_an_offer_stays_open(client_for, clinic_admin) -> None:
    from tests.scheduling.test_reminder_timing import set_in_admin

    set_in_admin(client_for(clinic_admin), waitlist_offer_minutes=30)
    assert SchedulingSettings.load().waitlist_offer_minutes == 30


# --- one wish books one visit ------------------------------------------------------------


def _two_freed_times():
    """Two cancelled chairs, both offered to `patient` and to `other` (one wish each)."""
    first, second = a_chair(day=2), a_chair(day=3)
    patient, entry = waiting(first)
    other, _ = waiting(first)
    return patient, entry, other, _cancel(first), _cancel(second)


def _offer_message(slot: FreedSlot, patient) -> Notification:
    return Notification.objects.get(
        kind=Kind.WAITLIST_OFFER, recipient=patient, topic=f"waitlist:slot:{slot.pk}"
    )


def test_a_claim_closes_the_patients_other_offers_of_that_service() -> None:
    patient, _, other, one, two = _two_freed_times()
    assert _offers_of(two) == {patient.pk: "offered", other.pk: "offered"}
    assert waitlist_offer_claim(offer=one.offers.get(patient=patient), by=patient).appointment
    closed = two.offers.get(patient=patient)
    assert (closed.status, closed.decided_at is not None) == (WaitlistOffer.Status.GONE, True)
    # Only the claimant's unsent message of the other time is cancelled.
    assert _offer_message(two, patient).status == "cancelled"
    assert _offer_message(two, other).status == "pending"
    assert two.offers.get(patient=other).status == WaitlistOffer.Status.OFFERED
    # The second visit of the same service cannot be booked.
    assert waitlist_offer_claim(offer=closed, by=patient).refusal == waitlist.GONE
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_leaving_closes_the_patients_open_offers_and_the_time_goes_to_the_next() -> None:
    _limit_offers_to(1)
    chair = a_chair()
    patient, entry = waiting(chair)
    later, _ = waiting(chair)
    slot = _cancel(chair)
    assert _offers_of(slot) == {patient.pk: "offered"}
    waitlist_leave(entry=entry, by=patient)
    assert _offers_of(slot) == {patient.pk: "gone"}
    assert _offer_message(slot, patient).status == "cancelled"
    assert waitlist_offer_claim(offer=slot.offers.get(), by=patient).refusal == waitlist.GONE
    # The next expiry run offers the idle time to the next waiting patient.
    assert waitlist_offers_expire() == 0
    assert _offers_of(slot) == {patient.pk: "gone", later.pk: "offered"}


def test_an_open_offer_of_a_wish_that_is_over_is_refused_as_gone() -> None:
    chair = a_chair()
    patient, entry = waiting(chair)
    offer = _cancel(chair).offers.get()
    # The wish ended while this offer was locked by another claim, so it stayed open.
    WaitlistEntry.objects.filter(pk=entry.pk).update(is_active=False)
    assert waitlist_offer_claim(offer=offer, by=patient).refusal == waitlist.GONE
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.GONE
    assert not Appointment.objects.filter(patient=patient).exists()


# --- what an IntegrityError means ------------------------------------------------------------


def _book_then(monkeypatch, after) -> None:
    """The claim's booking goes through, then `after(appointment)` breaks a constraint."""
    from scheduling import waitlist_services
    from scheduling.services import appointment_book

    def booking(**kwargs):
        appointment = appointment_book(**kwargs)
        after(appointment)
        return appointment

    monkeypatch.setattr(waitlist_services, "appointment_book", booking)


def test_losing_the_race_on_the_one_claim_constraint_is_gone(monkeypatch) -> None:
    chair = a_chair()
    patient, _ = waiting(chair)
    rival, _ = waiting(chair)
    slot = _cancel(chair)
    _book_then(monkeypatch, lambda _: slot.offers.filter(patient=rival).update(status="claimed"))
    result = waitlist_offer_claim(offer=slot.offers.get(patient=patient), by=patient)
    assert result.refusal == waitlist.GONE
    assert not Appointment.objects.filter(patient=patient).exists()


def test_losing_the_race_on_the_one_booking_constraint_is_gone(monkeypatch) -> None:
    patient, _, _, one, two = _two_freed_times()
    _book_then(monkeypatch, lambda visit: FreedSlot.objects.filter(pk=two.pk).update(booked=visit))
    result = waitlist_offer_claim(offer=one.offers.get(patient=patient), by=patient)
    assert result.refusal == waitlist.GONE


def test_any_other_integrity_error_is_not_taken_for_a_lost_race(monkeypatch) -> None:
    from django.db import IntegrityError

    chair = a_chair()
    patient, _ = waiting(chair)
    slot = _cancel(chair)
    offer = slot.offers.get()
    # A second offer of the slot to the same patient: a constraint no race explains.
    _book_then(
        monkeypatch,
        lambda _: WaitlistOffer.objects.create(
            slot=slot, patient=patient, expires_at=offer.expires_at
        ),
    )
    with pytest.raises(IntegrityError):
        waitlist_offer_claim(offer=offer, by=patient)


def test_the_expiry_run_ends_wishes_whose_last_day_has_passed() -> None:
    chair = a_chair()
    today = timezone.localdate()
    patient, past = waiting(chair, latest=today + dt.timedelta(days=2))
    _, last_day = waiting(chair, latest=today + dt.timedelta(days=3))
    # Noon, three days on: the first wish's last day was yesterday, the second's is today.
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(12)))
    ):
        waitlist_offers_expire()
        past.refresh_from_db()
        last_day.refresh_from_db()
        assert (past.is_active, past.left_at is not None) == (False, True)
        assert last_day.is_active
        # No longer counted as waiting, the patient may join again.
        waiting(chair, patient=patient)
