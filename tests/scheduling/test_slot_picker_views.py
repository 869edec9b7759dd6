"""The confirm page's slot picker: the request's windows first and marked, filters by
clinician and room that keep their state, the nearest times at every location when
nothing fits, the service's re-check of a crafted post, and flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Location
from scheduling.forms import slot_value
from scheduling.models import Appointment, AppointmentRequest, DayPart, RoomKind
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
)

pytestmark = pytest.mark.django_db

# A Monday before the clinic opens: Tuesday and Wednesday are ordinary open days.
MONDAY = "2026-03-02 06:00 -08:00"
TUE = dt.date(2026, 3, 3)
WED = dt.date(2026, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def url(request: AppointmentRequest) -> str:
    return reverse("scheduling:request-confirm", args=[request.pk])


def offered(response) -> list[str]:
    return [o.value for g in response.context["picker"].groups for o in g.options]


@pytest.fixture
def folsom_team():
    """Two prescribers at Folsom and two therapy rooms."""
    lee = ClinicianFactory(full_name="Dr Lee")
    ortiz = ClinicianFactory(full_name="Dr Ortiz")
    for clinician in (lee, ortiz):
        hours_every_day(clinician, folsom())
    rooms = [RoomFactory(kind=RoomKind.THERAPY_ROOM, name=f"Therapy {n}") for n in "AB"]
    return {"lee": lee, "ortiz": ortiz, "rooms": rooms}


def afternoon_request(**kwargs) -> AppointmentRequest:
    return AppointmentRequestFactory(
        preferred_date_1=WED,
        preferred_time_1=DayPart.AFTERNOON,
        preferred_date_2=TUE,
        preferred_time_2=DayPart.MORNING,
        **kwargs,
    )


@time_machine.travel(MONDAY, tick=False)
def test_the_requests_windows_come_first_marked_and_grouped_by_day(
    client_for, front_desk, folsom_team
):
    request = afternoon_request()
    response = client_for(front_desk).get(url(request))
    assert response.status_code == 200
    picker = response.context["picker"]
    # Wednesday afternoon was the first choice, Tuesday morning the second; the two
    # days' other times follow.
    assert [(g.day, g.fits) for g in picker.groups] == [
        (WED, True),
        (TUE, True),
        (TUE, False),
        (WED, False),
    ]
    first = picker.first.offer
    assert first.starts_at == at(WED, 12)
    assert first.clinician_name == "Dr Lee"
    assert first.room_name == "Therapy A"
    # One button per time and clinician: 12:00 with Dr Lee and with Dr Ortiz.
    assert [o.offer.clinician_name for o in picker.groups[0].options[:2]] == [
        "Dr Lee",
        "Dr Ortiz",
    ]
    assert all(at(WED, 12) <= o.offer.starts_at < at(WED, 16) for o in picker.groups[0].options)
    html = response.content.decode()
    assert html.count('<fieldset class="slot-day"') == 4
    assert "Fits the request" in html
    assert 'type="radio" name="slot"' in html
    assert '<select name="slot"' not in html
    assert "slot-alternatives-note" not in html


@time_machine.travel(MONDAY, tick=False)
def test_the_clinician_and_room_filters_narrow_the_times_and_keep_their_state(
    client_for, front_desk, folsom_team
):
    request = afternoon_request()
    ortiz, room_b = folsom_team["ortiz"], folsom_team["rooms"][1]
    client = client_for(front_desk)
    response = client.get(url(request), {"clinician": ortiz.pk, "room": room_b.pk})
    picker = response.context["picker"]
    options = [o.offer for g in picker.groups for o in g.options]
    assert options
    assert {(o.clinician_id, o.room_id) for o in options} == {(ortiz.pk, room_b.pk)}
    # The filters still offer everyone and every room, and show what was chosen.
    assert [name for _pk, name in picker.clinicians] == ["Dr Lee", "Dr Ortiz"]
    assert [name for _pk, name in picker.rooms] == ["Therapy A", "Therapy B"]
    html = response.content.decode()
    assert f'<option value="{ortiz.pk}" selected>Dr Ortiz</option>' in html
    assert f'<option value="{room_b.pk}" selected>Therapy B</option>' in html


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("params", [{"clinician": "x"}, {"room": "-1"}, {"clinician": 999999}])
def test_a_bad_or_unknown_filter_is_no_500(client_for, front_desk, folsom_team, params):
    response = client_for(front_desk).get(url(afternoon_request()), params)
    assert response.status_code == 200


@time_machine.travel(MONDAY, tick=False)
def test_when_nothing_fits_the_nearest_times_at_every_location_are_offered(client_for, front_desk):
    """Roseville has nobody on the days asked; Sacramento and Folsom do, by location."""
    roseville = Location.objects.get(slug="roseville")
    sacramento = Location.objects.get(slug="sacramento")
    kim = ClinicianFactory(full_name="Dr Kim")
    hours_every_day(kim, sacramento)
    lee = ClinicianFactory(full_name="Dr Lee")
    hours_every_day(lee, folsom(), starts=dt.time(16), ends=dt.time(18))
    RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Sac Room", location=sacramento)
    RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Folsom Room")
    RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Roseville Room", location=roseville)
    request = afternoon_request(preferred_location=roseville)
    response = client_for(front_desk).get(url(request))
    assert response.context["picker"].total == 0
    alternatives = response.context["alternatives"]
    # Sacramento has Wednesday afternoon itself; Folsom's nearest is just after it.
    assert [g.location_name for g in alternatives] == ["Sacramento", "Folsom"]
    assert alternatives[0].options[0].fits
    assert alternatives[1].options[0].offer.starts_at == at(WED, 16)
    assert not alternatives[1].options[0].fits
    assert all(len(g.options) == 3 for g in alternatives)
    html = response.content.decode()
    assert "The nearest free times at every location" in html
    assert "Sacramento" in html
    assert "Folsom" in html
    assert "no-slots" not in html
    # Booking an alternative places the visit at that location.
    choice = alternatives[0].options[0]
    assert client_for(front_desk).post(url(request), {"slot": choice.value}).status_code == 302
    booked = Appointment.objects.get(request=request)
    assert booked.location == sacramento


@time_machine.travel(MONDAY, tick=False)
def test_with_nothing_anywhere_the_page_says_so(client_for, front_desk):
    response = client_for(front_desk).get(url(afternoon_request()))
    assert response.context["alternatives"] == ()
    assert 'data-testid="no-slots"' in response.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_a_crafted_post_for_a_time_not_offered_is_refused_and_the_page_keeps_its_state(
    client_for, front_desk, folsom_team
):
    request = afternoon_request()
    lee, room_a = folsom_team["lee"], folsom_team["rooms"][0]
    client = client_for(front_desk)
    query = f"?clinician={lee.pk}"
    # Three in the night: offered nowhere, refused by the booking service itself.
    night = slot_value(at(WED, 3), lee.pk, room_a.pk)
    response = client.post(url(request) + query, {"slot": night})
    assert response.status_code == 200
    assert "does not work at Folsom at that time" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.PENDING
    assert not Appointment.objects.exists()
    # The filter the desk had set still holds.
    assert {o.offer.clinician_id for g in response.context["picker"].groups for o in g.options} == {
        lee.pk
    }
    # A time taken meanwhile is refused too, and stays the one picked on the page.
    taken = at(WED, 12)
    AppointmentFactory(clinician=lee, room=room_a, starts_at=taken)
    value = slot_value(taken, lee.pk, room_a.pk)
    refused = client.post(url(request) + query, {"slot": value})
    assert "no longer free" in refused.content.decode()
    assert refused.context["chosen"] == value
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.PENDING


@time_machine.travel(MONDAY, tick=False)
def test_the_first_suggestion_books(client_for, front_desk, folsom_team):
    request = afternoon_request()
    client = client_for(front_desk)
    first = client.get(url(request)).context["picker"].first
    assert client.post(url(request), {"slot": first.value}).status_code == 302
    booked = Appointment.objects.get(request=request)
    assert booked.starts_at == at(WED, 12)


def _queries(client, path: str, params: dict | None = None) -> int:
    client.get(path, params)  # warm the session and caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(context)


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("nothing_fits", [False, True])
def test_the_pickers_queries_stay_flat_with_ten_times_the_visits(
    client_for, front_desk, folsom_team, django_assert_max_num_queries, nothing_fits
):
    roseville = Location.objects.get(slug="roseville")
    request = afternoon_request(preferred_location=roseville if nothing_fits else folsom())
    client = client_for(front_desk)

    def visits(n: int) -> None:
        # Other patients' visits with Dr Lee in room A, two hours apart, from the first
        # day searched on (Dr Ortiz and room B stay free, so the request still fits).
        for i in range(n):
            AppointmentFactory(
                patient=PatientFactory(),
                clinician=folsom_team["lee"],
                room=folsom_team["rooms"][0],
                starts_at=at(TUE + dt.timedelta(days=i // 5), 8 + 2 * (i % 5)),
            )

    visits(2)
    small = _queries(client, url(request))
    Appointment.objects.all().delete()
    visits(20)
    large = _queries(client, url(request))
    assert large == small
    with django_assert_max_num_queries(40):
        client.get(url(request))
