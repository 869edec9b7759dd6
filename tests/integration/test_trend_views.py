"""Trend charts: the patient's own, the clinician's audited view, bounded queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from intake.models import Intake
from integration.models import JournalEntry
from integration.window import CLINIC_ZONE
from portal.audit import AuditEvent
from tests.integration.factories import add_gad7, add_mood, add_phq9

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 4)
NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=CLINIC_ZONE)


def chart_of(response) -> dict:
    page = response.content.decode()
    marker = '<script id="chart-data" type="application/json">'
    start = page.index(marker) + len(marker)
    return json.loads(page[start : page.index("</script>", start)])


def a_year_of(patient) -> None:
    from integration.models import MoodCheckin, SymptomCheckin

    MoodCheckin.objects.bulk_create(
        MoodCheckin(patient=patient, day=TODAY - dt.timedelta(days=d), score=d % 11)
        for d in range(365)
    )
    for week in range(52):
        add_phq9(patient, TODAY - dt.timedelta(weeks=week), (week * 3) % 25)
        add_gad7(patient, TODAY - dt.timedelta(weeks=week), (week * 2) % 21)
    assert SymptomCheckin.objects.count() == 104


@time_machine.travel(NOON, tick=False)
def test_patient_sees_their_chart_data(patient, other_patient, client_for) -> None:
    add_phq9(patient, TODAY - dt.timedelta(days=7), 16)
    add_phq9(patient, TODAY, 9)
    add_gad7(patient, TODAY, 6)
    add_mood(patient, TODAY, 6)
    add_phq9(other_patient, TODAY, 24)
    response = client_for(patient).get(reverse("integration:trends"))
    assert response.status_code == 200
    chart = chart_of(response)
    assert chart["phq9"] == [
        {"x": "2026-02-25", "y": 16, "band": "moderately severe"},
        {"x": "2026-03-04", "y": 9, "band": "mild"},
    ]
    assert chart["gad7"] == [{"x": "2026-03-04", "y": 6, "band": "mild"}]
    assert chart["mood"] == [{"x": "2026-03-04", "y": 6}]
    assert chart["bands"]["phq9"][0] == {"from": 0, "to": 4, "label": "minimal"}
    assert chart["bands"]["phq9"][-1] == {"from": 20, "to": 27, "label": "severe"}
    assert chart["bands"]["gad7"][-1] == {"from": 15, "to": 21, "label": "severe"}
    assert "js/integration.js" in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_the_intake_scores_are_the_first_points_and_the_change_is_said(patient, client_for) -> None:
    """Intake PHQ-9 12, check-ins since down to 8: the chart starts at 12, whatever range."""
    Intake.objects.create(
        patient=patient,
        status=Intake.Status.APPROVED,
        approved_modalities=["iv"],
        submitted_at=dt.datetime(2025, 12, 1, 9, 0, tzinfo=CLINIC_ZONE),
        phq9_total=12,
        phq9_band="moderate",
        gad7_total=11,
        gad7_band="moderate",
    )
    add_phq9(patient, TODAY - dt.timedelta(days=14), 10)
    add_phq9(patient, TODAY - dt.timedelta(days=7), 8)
    add_mood(patient, TODAY - dt.timedelta(days=7), 6)  # the same day as a PHQ-9
    for query in ("", "?range=90"):
        response = client_for(patient).get(reverse("integration:trends") + query)
        chart = chart_of(response)
        assert chart["phq9"][0] == {"x": "2025-12-01", "y": 12, "band": "moderate", "intake": True}
        assert [p["y"] for p in chart["phq9"]] == [12, 10, 8]
        assert chart["gad7"] == [{"x": "2025-12-01", "y": 11, "band": "moderate", "intake": True}]
        labels = [tick["label"] for tick in chart["x_ticks"]]
        assert labels == ["1 Dec 2025", "18 Feb 2026", "25 Feb 2026"]
        assert chart["y_ticks"]["phq9"] == [0, 5, 10, 15, 20, 27]
        page = response.content.decode()
        assert "PHQ-9: 12 (moderate) at intake on Mon 1 Dec; latest 8 (mild) on Wed 25 Feb." in page
        assert 'aria-describedby="phq9-change phq9-bands"' in page
        assert "Moderately severe 15-19" in page  # the bands, named under the chart
    # The intake is not a check-in: the headline still names the newest check-in.
    page = client_for(patient).get(reverse("integration:trends")).content.decode()
    assert "PHQ-9: 8 (mild) on Wed 25 Feb" in page
    assert "GAD-7: not taken yet" in page


def test_an_intake_in_progress_adds_no_point(patient, client_for) -> None:
    Intake.objects.create(patient=patient, phq9_total=12, phq9_band="moderate")
    response = client_for(patient).get(reverse("integration:trends"))
    assert 'data-testid="charts-empty"' in response.content.decode()


def test_empty_chart_says_what_to_do(patient, client_for) -> None:
    response = client_for(patient).get(reverse("integration:trends"))
    assert 'data-testid="charts-empty"' in response.content.decode()
    assert "chart-data" not in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_trends_headline_shows_todays_mood_and_the_newest_checkins(
    patient, other_patient, client_for
) -> None:
    add_mood(patient, TODAY, 0)
    add_phq9(patient, TODAY - dt.timedelta(days=14), 16)
    add_phq9(patient, TODAY - dt.timedelta(days=7), 9)
    add_gad7(patient, TODAY - dt.timedelta(days=200), 12)  # outside the 3-month range
    add_phq9(other_patient, TODAY, 24)
    add_gad7(other_patient, TODAY, 20)
    for query in ("", "?range=90", "?range=all"):
        page = client_for(patient).get(reverse("integration:trends") + query).content.decode()
        assert 'data-testid="mood-today">0/10<' in page
        assert "PHQ-9: 9 (mild) on Wed 25 Feb" in page
        assert "GAD-7: 12 (moderate) on Sat 16 Aug" in page


@time_machine.travel(NOON, tick=False)
def test_trends_headline_without_todays_mood_or_any_checkin(patient, client_for) -> None:
    add_mood(patient, TODAY - dt.timedelta(days=1), 7)
    for query in ("", "?range=90", "?range=all"):
        page = client_for(patient).get(reverse("integration:trends") + query).content.decode()
        assert "Not logged yet today." in page
        assert 'data-testid="mood-today"' not in page
        assert "PHQ-9: not taken yet" in page
        assert "GAD-7: not taken yet" in page


@time_machine.travel(NOON, tick=False)
def test_chart_range_limits_the_data(patient, client_for) -> None:
    add_phq9(patient, TODAY - dt.timedelta(days=200), 20)
    add_phq9(patient, TODAY - dt.timedelta(days=10), 8)
    client = client_for(patient)
    assert len(chart_of(client.get(reverse("integration:trends") + "?range=90"))["phq9"]) == 1
    assert len(chart_of(client.get(reverse("integration:trends")))["phq9"]) == 2
    assert len(chart_of(client.get(reverse("integration:trends") + "?range=bogus"))["phq9"]) == 2


@time_machine.travel(NOON, tick=False)
def test_patient_chart_keeps_its_queries_with_a_year_of_daily_data(
    patient, client_for, django_assert_max_num_queries
) -> None:
    a_year_of(patient)
    client = client_for(patient)
    with django_assert_max_num_queries(10):  # 9, and the intake's scores (the first point)
        response = client.get(reverse("integration:trends"))
    assert len(chart_of(response)["mood"]) == 365


@time_machine.travel(NOON, tick=False)
def test_clinician_chart_keeps_its_queries_with_a_year_of_daily_data(
    patient, clinician, client_for, django_assert_max_num_queries
) -> None:
    a_year_of(patient)
    for n in range(30):
        JournalEntry.objects.create(
            patient=patient, body=f"entry {n}", shared_with_therapist=True, shared_at=NOON
        )
    client = client_for(clinician)
    url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(16):  # 15, and the intake's scores
        response = client.get(url + "?range=all")
    assert len(chart_of(response)["phq9"]) == 52


def test_clinician_views_a_patients_chart_and_the_read_is_audited(
    patient, clinician, client_for
) -> None:
    add_phq9(patient, TODAY, 12)
    url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    response = client_for(clinician).get(url)
    assert response.status_code == 200
    # The chart speaks to the clinician about the patient, not to the patient.
    page = response.content.decode()
    assert "The first point is the patient's score at intake" in page
    assert "your score at intake" not in page
    mine = client_for(patient).get(reverse("integration:trends")).content.decode()
    assert "The first point is your score at intake" in mine
    event = AuditEvent.objects.get(actor=clinician, action="integration.trends.view")
    assert event.patient == patient
    assert event.path == url


def test_clinician_reads_shared_entries_only(patient, clinician, client_for) -> None:
    JournalEntry.objects.create(
        patient=patient, body="shared thought", shared_with_therapist=True, shared_at=NOON
    )
    JournalEntry.objects.create(patient=patient, body="private thought")
    url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    page = client_for(clinician).get(url).content.decode()
    assert "shared thought" in page
    assert "private thought" not in page


def test_patient_chart_of_someone_else_is_never_shown(
    patient, other_patient, front_desk, clinic_admin, client_for
) -> None:
    url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    assert client_for(other_patient).get(url).status_code == 403
    assert client_for(patient).get(url).status_code == 403
    # Front desk never sees scores.
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(clinic_admin).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert not AuditEvent.objects.filter(action="integration.trends.view").exists()


def test_patient_trends_of_a_non_patient_is_404(clinician, front_desk, client_for) -> None:
    url = reverse("integration:patient-trends", kwargs={"patient_id": front_desk.pk})
    assert client_for(clinician).get(url).status_code == 404


def test_trend_pages_refuse_post(patient, clinician, client_for) -> None:
    assert client_for(patient).post(reverse("integration:trends")).status_code == 405
    url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    assert client_for(clinician).post(url).status_code == 405


def test_trends_page_is_for_patients(clinician, front_desk, client_for) -> None:
    assert client_for(clinician).get(reverse("integration:trends")).status_code == 403
    assert client_for(front_desk).get(reverse("integration:trends")).status_code == 403
