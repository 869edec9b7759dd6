"""The patient's home panel (mood, weekly check-ins, integration windows) and the cached
integration settings it reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from integration import panels, selectors, services
from integration.models import IntegrationSettings
from integration.window import CLINIC_ZONE
from portal.models import ClinicianKind
from scheduling.models import LIVE_STATUSES, Appointment, RoomKind, Service, ServiceKind
from tests.factories import ClinicianFactory
from tests.integration.factories import add_gad7, add_mood, add_phq9
from tests.scheduling.factories import hours_every_day
from tests.treatments.factories import course_started, session_discharged
from treatments.models import DosingSession

pytestmark = pytest.mark.django_db

DISCHARGE = dt.datetime(2026, 3, 3, 11, 30, tzinfo=CLINIC_ZONE)  # Tuesday
NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=CLINIC_ZONE)  # Wednesday


@pytest.fixture
def settings_cache() -> Iterator[None]:
    """A test that changes the settings row leaves no changed copy in the cache after its
    transaction is rolled back."""
    IntegrationSettings.forget_cached()
    yield
    IntegrationSettings.forget_cached()


def home(client):
    return client.get(reverse("portal:patient-home")).content.decode()


# --- mood and weekly check-ins -----------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_panel_shows_todays_mood_even_zero_and_the_newest_checkin_days(
    patient, other_patient, client_for
) -> None:
    add_mood(patient, NOON.date(), 0)
    add_phq9(patient, dt.date(2026, 2, 20), 12)
    add_phq9(patient, dt.date(2026, 2, 27), 9)
    add_gad7(other_patient, NOON.date(), 5)
    add_mood(other_patient, NOON.date(), 9)
    page = home(client_for(patient))
    assert "Today's mood: <strong>0/10</strong>" in page
    assert "PHQ-9 last on Fri 27 Feb" in page
    assert "GAD-7 not taken yet" in page


@time_machine.travel(NOON, tick=False)
def test_panel_asks_for_todays_mood_when_only_yesterdays_is_logged(patient, client_for) -> None:
    add_mood(patient, NOON.date() - dt.timedelta(days=1), 8)
    add_gad7(patient, NOON.date(), 4)
    page = home(client_for(patient))
    assert "Log today's mood" in page
    assert "Today's mood:" not in page
    assert "PHQ-9 not taken yet" in page
    assert "GAD-7 last on Wed 4 Mar" in page


@time_machine.travel(NOON, tick=False)
def test_checkin_summary_is_one_query(patient, django_assert_num_queries) -> None:
    add_mood(patient, NOON.date(), 6)
    add_phq9(patient, NOON.date(), 4)
    IntegrationSettings.load()
    with django_assert_num_queries(1):
        summary = selectors.patient_panel(patient=patient).checkins
    assert (summary.mood_score, summary.last_phq9, summary.last_gad7) == (6, NOON.date(), None)


# --- integration windows on the patient's panel -----------------------------------------


@pytest.fixture
def therapist():
    person = ClinicianFactory(full_name="Tara Singh, LMFT", clinician_kind=ClinicianKind.THERAPIST)
    hours_every_day(person, None)  # telehealth
    return person


def discharged(patient, at: dt.datetime = DISCHARGE):
    with time_machine.travel(at, tick=False):
        return session_discharged(course_started(patient))


def book(session, hours_after_discharge, therapist) -> Appointment:
    return services.integration_book(
        session=session,
        service=Service.objects.get(kind=ServiceKind.INTEGRATION, room_kind=RoomKind.TELEHEALTH),
        starts_at=session.discharged_at + dt.timedelta(hours=hours_after_discharge),
        clinician=therapist,
        room=None,
        booked_by=session.patient,
    )


def waiting_by_the_window_rule(patient) -> list[int]:
    """The patient's sessions needing integration, decided in Python by the Window rule:
    a discharged session whose window has not closed, with no live integration visit of
    the patient starting inside it (`Window.contains`)."""
    now = timezone.now()
    starts = Appointment.objects.filter(
        patient=patient, service__kind=ServiceKind.INTEGRATION, status__in=LIVE_STATUSES
    ).values_list("starts_at", flat=True)
    sessions = DosingSession.objects.filter(
        patient=patient, status=DosingSession.Status.DISCHARGED
    ).order_by("discharged_at", "id")
    return [
        session.pk
        for session in sessions
        if now < (window := selectors.window_of(session)).closes_at
        and not any(window.contains(at) for at in starts)
    ]


def patient_rows_agree_with_the_staff_list(patient) -> list[int]:
    """The panel's SQL and the staff list's ORM query both give the Window rule's answer."""
    rule = waiting_by_the_window_rule(patient)
    mine = [row.session_id for row in selectors.patient_panel(patient=patient).open_windows]
    staff = [row.session_id for row in selectors.sessions_needing_integration()]
    staff_mine = [
        row.session_id for row in selectors.sessions_needing_integration() if row.patient == patient
    ]
    assert mine == rule
    assert staff_mine == rule
    assert selectors.sessions_needing_integration_count() == len(staff)
    return mine


def test_a_window_with_integration_booked_in_it_leaves_the_panel(
    patient, other_patient, therapist, client_for
) -> None:
    session = discharged(patient)
    discharged(other_patient)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=2), tick=False):
        assert patient_rows_agree_with_the_staff_list(patient) == [session.pk]
        page = home(client_for(patient))
        assert 'data-testid="integration-window-panel"' in page
        assert "After your session on Tue 3 Mar" in page
        assert reverse("integration:slot-list", kwargs={"session_id": session.pk}) in page
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=26), tick=False):
        assert "22 hours left" in home(client_for(patient))
        appointment = book(session, 27, therapist)
        assert patient_rows_agree_with_the_staff_list(patient) == []
        assert 'data-testid="integration-window-panel"' not in home(client_for(patient))
        # The other patient's window is not closed by this booking.
        assert patient_rows_agree_with_the_staff_list(other_patient) != []
        # Cancelled, the booking no longer counts.
        Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
        assert patient_rows_agree_with_the_staff_list(patient) == [session.pk]
        # Moved past the window's close, it no longer counts either.
        Appointment.objects.filter(pk=appointment.pk).update(
            status=Appointment.Status.SCHEDULED,
            starts_at=DISCHARGE + dt.timedelta(hours=48),
            ends_at=DISCHARGE + dt.timedelta(hours=49),
        )
        assert patient_rows_agree_with_the_staff_list(patient) == [session.pk]
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=48), tick=False):
        assert patient_rows_agree_with_the_staff_list(patient) == []


# Saturday before the clocks go forward: the window (24 h to 48 h later, absolute) opens and
# closes at 12:30 PM Pacific daylight time, an hour later on the wall clock than discharge.
# In UTC, because adding hours to a zoned time in Python adds wall-clock hours.
BEFORE_SPRING_FORWARD = dt.datetime(2026, 3, 7, 11, 30, tzinfo=CLINIC_ZONE).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("visit_after_discharge", "still_waiting"),
    [
        (dt.timedelta(hours=24) - dt.timedelta(minutes=1), True),
        (dt.timedelta(hours=24), False),
        (dt.timedelta(hours=48) - dt.timedelta(minutes=1), False),
        (dt.timedelta(hours=48), True),
    ],
)
def test_a_window_across_the_clock_change_counts_absolute_hours(
    patient, therapist, visit_after_discharge, still_waiting
) -> None:
    session = discharged(patient, at=BEFORE_SPRING_FORWARD)
    with time_machine.travel(BEFORE_SPRING_FORWARD + dt.timedelta(hours=25), tick=False):
        appointment = book(session, 26, therapist)
        starts_at = BEFORE_SPRING_FORWARD + visit_after_discharge
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1)
        )
        waiting = patient_rows_agree_with_the_staff_list(patient)
    assert waiting == ([session.pk] if still_waiting else [])


def test_patient_panel_is_one_query_settings_included(
    patient, therapist, django_assert_num_queries
) -> None:
    request = RequestFactory().get("/")
    request.user = patient
    IntegrationSettings.load()
    with django_assert_num_queries(1):
        assert panels.patient_panel(request)["open_windows"] == []
    discharged(patient)
    with (
        time_machine.travel(DISCHARGE + dt.timedelta(hours=2), tick=False),
        django_assert_num_queries(1),
    ):
        context = panels.patient_panel(request)
    assert len(context["open_windows"]) == 1


# --- the settings row, through the cache -------------------------------------------------


def test_settings_are_read_from_the_cache_until_saved(
    settings_cache, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    IntegrationSettings.load()
    with django_assert_num_queries(0):
        conf = IntegrationSettings.load()
    assert conf.window_closes_after_hours == 48
    with django_capture_on_commit_callbacks(execute=True):
        conf.window_closes_after_hours = 72
        conf.save()
    assert IntegrationSettings.load().window_closes_after_hours == 72
    with django_assert_num_queries(0):
        assert IntegrationSettings.load().window_closes_after_hours == 72


def test_a_changed_window_reaches_the_panel_at_once(settings_cache, patient) -> None:
    discharged(patient)
    IntegrationSettings.load()
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=50), tick=False):
        assert selectors.patient_panel(patient=patient).open_windows == []
        conf = IntegrationSettings.objects.get()
        conf.window_closes_after_hours = 72
        conf.save()
        [row] = selectors.patient_panel(patient=patient).open_windows
        assert row.hours_left == 22


def test_several_open_windows_are_one_card_with_a_line_each(patient, client_for) -> None:
    course = course_started(patient)
    with time_machine.travel(DISCHARGE, tick=False):
        first = session_discharged(course)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=1), tick=False):
        second = session_discharged(course)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=3), tick=False):
        page = home(client_for(patient))
    assert page.count("Book your integration therapy") == 1
    assert page.count('data-testid="integration-window"') == 2
    for session in (first, second):
        assert reverse("integration:slot-list", kwargs={"session_id": session.pk}) in page
