"""Telehealth join links: staff attach the clinic's video link to a video visit; the
patient's Join button shows only from 15 minutes before until the end, in the portal
only, and the .ics and messages never carry the link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.notifications.models import Notification
from scheduling import calendar
from scheduling.models import Appointment, SchedulingSettings, ServiceKind
from scheduling.services import appointment_set_video_link
from scheduling.telehealth import join_is_open, video_link_problem
from tests.factories import PatientFactory
from tests.scheduling.factories import appointment_booked, next_local, service_of

LINK = "https://video.example-clinic.test/room/8472-quiet-river"
START = dt.datetime(2026, 12, 9, 18, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(minutes=50)


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (START - dt.timedelta(minutes=16), False),
        (START - dt.timedelta(minutes=15, seconds=1), False),
        (START - dt.timedelta(minutes=15), True),
        (START, True),
        (END, True),
        (END + dt.timedelta(seconds=1), False),
    ],
)
def test_the_join_window_runs_from_15_minutes_before_to_the_end(
    now: dt.datetime, open_: bool
) -> None:
    assert join_is_open(starts_at=START, ends_at=END, now=now, minutes_before=15) is open_


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (LINK, None),
        ("https://meet.example.org/abc?pwd=x1", None),
        ("", "Paste the meeting link"),
        ("http://video.example.test/room", "https://"),
        ("javascript:alert(1)", "https://"),
        ("https://localhost/room", "needs a web address"),
        ("https://user:pw@video.example.test/room", "user name or password"),
        ("https://video.example.test/" + "x" * 500, "too long"),
    ],
)
def test_what_counts_as_a_video_link(url: str, problem: str | None) -> None:
    found = video_link_problem(url)
    assert (found is None) if problem is None else (problem in (found or ""))


def _video_visit(patient: Any, starts_at: dt.datetime | None = None) -> Appointment:
    return appointment_booked(
        patient=patient,
        service=service_of(ServiceKind.INTEGRATION),
        starts_at=starts_at or next_local(2, 10),
    )


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_the_desk_sets_a_link_and_a_bad_one_is_refused_with_what_was_typed(
    client_for: Any, front_desk: Any
) -> None:
    visit = _video_visit(PatientFactory())
    client = client_for(front_desk)
    url = reverse("scheduling:telehealth-list")
    page = client.get(url).content.decode()
    assert f'data-testid="link-missing-{visit.pk}"' in page
    response = client.post(url, {"appointment": visit.pk, "video_link": "http://insecure.test/x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "must start with https://" in page
    assert 'value="http://insecure.test/x"' in page
    visit.refresh_from_db()
    assert visit.video_link == ""
    response = client.post(url, {"appointment": visit.pk, "video_link": LINK})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.video_link == LINK


@pytestmark_db
def test_only_a_video_visit_takes_a_link_and_only_staff_who_may(
    patient: Any, front_desk: Any, therapist: Any, clinic_admin: Any
) -> None:
    in_clinic = appointment_booked(patient=patient)
    with pytest.raises(ValidationError, match="Only a telehealth visit"):
        appointment_set_video_link(appointment=in_clinic, url=LINK, by=front_desk)
    visit = _video_visit(PatientFactory())
    for who in (visit.patient, clinic_admin):
        with pytest.raises(ValidationError):
            appointment_set_video_link(appointment=visit, url=LINK, by=who)
    appointment_set_video_link(appointment=visit, url=LINK, by=therapist)
    appointment_set_video_link(appointment=visit, url="", by=therapist)
    visit.refresh_from_db()
    assert visit.video_link == ""


@pytestmark_db
def test_the_patient_sees_join_15_minutes_before_and_not_earlier(
    client_for: Any, front_desk: Any
) -> None:
    patient = PatientFactory()
    visit = _video_visit(patient)
    appointment_set_video_link(appointment=visit, url=LINK, by=front_desk)
    join = reverse("scheduling:telehealth-join", kwargs={"appointment_id": visit.pk})
    with time_machine.travel(visit.starts_at - dt.timedelta(minutes=16)):
        client = client_for(patient)
        home = client.get(reverse("portal:patient-home")).content.decode()
        assert 'data-testid="home-join"' not in home
        listing = client.get(reverse("scheduling:appointment-list")).content.decode()
        assert f'data-testid="join-{visit.pk}"' not in listing
        assert f'data-testid="join-later-{visit.pk}"' in listing
        early = client.get(join)
        assert early.status_code == 200
        assert "You can join from" in early.content.decode()
    with time_machine.travel(visit.starts_at - dt.timedelta(minutes=15)):
        client = client_for(patient)
        home = client.get(reverse("portal:patient-home")).content.decode()
        assert 'data-testid="home-join"' in home
        listing = client.get(reverse("scheduling:appointment-list")).content.decode()
        assert f'data-testid="join-{visit.pk}"' in listing
        response = client.get(join)
        assert (response.status_code, response["Location"]) == (302, LINK)
    with time_machine.travel(visit.ends_at + dt.timedelta(minutes=1)):
        response = client_for(patient).get(join)
        assert response.status_code == 200
        assert "has ended" in response.content.decode()


@pytestmark_db
def test_the_join_window_is_clinic_data(client_for: Any, front_desk: Any) -> None:
    patient = PatientFactory()
    visit = _video_visit(patient)
    appointment_set_video_link(appointment=visit, url=LINK, by=front_desk)
    SchedulingSettings.objects.update(telehealth_join_minutes_before=30)
    join = reverse("scheduling:telehealth-join", kwargs={"appointment_id": visit.pk})
    with time_machine.travel(visit.starts_at - dt.timedelta(minutes=25)):
        assert client_for(patient).get(join).status_code == 302


@pytestmark_db
def test_another_patient_cannot_join_by_guessing_the_id(
    client_for: Any, other_patient: Any, front_desk: Any
) -> None:
    visit = _video_visit(PatientFactory())
    appointment_set_video_link(appointment=visit, url=LINK, by=front_desk)
    join = reverse("scheduling:telehealth-join", kwargs={"appointment_id": visit.pk})
    with time_machine.travel(visit.starts_at):
        assert client_for(other_patient).get(join).status_code == 404


@pytestmark_db
def test_the_link_never_leaves_the_portal(front_desk: Any) -> None:
    patient = PatientFactory()
    visit = _video_visit(patient)
    appointment_set_video_link(appointment=visit, url=LINK, by=front_desk)
    visit.refresh_from_db()
    ics = calendar.appointment_ics(visit, portal_url="https://portal.example.test/")
    assert LINK not in ics.decode()
    assert "Telehealth" in ics.decode()
    for row in Notification.objects.filter(recipient=patient):
        assert LINK not in str(row.context)
