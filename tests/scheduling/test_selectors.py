"""The front desk's reads as data: the day view's grid and the request queue's pages."""

from __future__ import annotations

import pytest

from scheduling.models import AppointmentRequest, RoomKind
from scheduling.selectors import day_view, request_queue_page
from tests.factories import PatientFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    next_local,
)

pytestmark = pytest.mark.django_db

BUTTONS = {"scheduled": [("checked_in", "Check in")]}


def grid_of(view):
    """{(hour, column label): [(starts here, visit pk), ...]} for the cells with visits."""
    return {
        (row.hour.hour, view.columns[i].label): [(s.starts_here, s.visit.pk) for s in slots]
        for row in view.rows
        for i, slots in enumerate(row.cells)
        if slots
    }


def test_a_day_puts_each_visit_in_its_room_and_hours_and_a_roomless_one_last(
    clinician, django_assert_num_queries
):
    chair = RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    long_visit = AppointmentFactory(
        clinician=clinician, room=chair, starts_at=next_local(1, 10), ends_at=next_local(1, 12, 30)
    )
    cancelled = AppointmentFactory(
        patient=PatientFactory(),
        clinician=clinician,
        room=chair,
        starts_at=next_local(1, 14),
        ends_at=next_local(1, 16),
        status="cancelled",
    )
    roomless = AppointmentFactory(patient=PatientFactory(), starts_at=next_local(1, 9))
    day = next_local(1).date()
    location = folsom()
    with django_assert_num_queries(2):
        view = day_view(location_id=location.pk, location_name="Folsom", day=day, actions=BUTTONS)
    assert view.columns[-1].label == "No room"
    assert chair.name in [column.label for column in view.columns]
    assert [row.hour.hour for row in view.rows] == list(range(7, 20))
    assert all(len(row.cells) == len(view.columns) for row in view.rows)
    grid = grid_of(view)
    # Live: in full at 10, busy at 11 and 12. Cancelled: only the hour it started.
    assert grid[(10, "Chair 1")] == [(True, long_visit.pk)]
    assert grid[(11, "Chair 1")] == [(False, long_visit.pk)]
    assert grid[(12, "Chair 1")] == [(False, long_visit.pk)]
    assert grid[(14, "Chair 1")] == [(True, cancelled.pk)]
    assert (15, "Chair 1") not in grid
    assert grid[(9, "No room")] == [(True, roomless.pk)]
    assert [v.pk for v in view.appointments] == [roomless.pk, long_visit.pk, cancelled.pk]
    by_pk = {v.pk: v for v in view.appointments}
    assert by_pk[long_visit.pk].actions == (("checked_in", "Check in"),)
    assert by_pk[cancelled.pk].actions == ()
    assert not by_pk[cancelled.pk].is_live
    assert by_pk[long_visit.pk].patient == long_visit.patient.display_name
    assert by_pk[long_visit.pk].clinician == clinician.display_name


def test_who_may_not_act_gets_a_day_without_buttons(clinician):
    AppointmentFactory(clinician=clinician, starts_at=next_local(1, 10))
    view = day_view(location_id=folsom().pk, location_name="Folsom", day=next_local(1).date())
    assert [v.actions for v in view.appointments] == [()]


def test_a_queue_page_numbers_its_rows_from_the_counts_it_is_given(django_assert_num_queries):
    requests = AppointmentRequestFactory.create_batch(7)
    with django_assert_num_queries(1):
        page = request_queue_page(page=2, total=7, size=5)
        rows = list(page.object_list)
        names = [row.patient.display_name for row in rows]
    assert [row.pk for row in rows] == [r.pk for r in requests[5:]]
    assert names == [r.patient.display_name for r in requests[5:]]
    assert (page.number, page.start_index(), page.end_index()) == (2, 6, 7)
    assert page.has_previous()
    assert not page.has_next()
    # Past the end: the last page. Only pending requests by default.
    assert request_queue_page(page=9, total=7, size=5).number == 2
    AppointmentRequest.objects.filter(pk=requests[0].pk).update(status="cancelled")
    first = request_queue_page(total=6, size=5)
    assert requests[0].pk not in [row.pk for row in first.object_list]
