"""The staff patient chart: one page per patient, assembled from each app's section."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from intake.models import IntakeDecision
from portal.audit import AuditEvent
from portal.models import User
from portal.notifications.models import StaffAlert
from scheduling.models import ServiceKind
from tests.factories import PatientFactory
from tests.intake.factories import submitted_intake
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    next_local,
    service_of,
)


def chart_of(patient: User) -> str:
    return reverse("portal:patient-chart", args=[patient.pk])


@pytest.fixture
def history(patient: User, clinician: User) -> User:
    intake = submitted_intake(patient, history={"high_blood_pressure": True})
    IntakeDecision.objects.create(
        intake=intake,
        patient=patient,
        clinician=clinician,
        outcome=IntakeDecision.Outcome.EVALUATION_NEEDED,
        note="Wants a word about blood pressure",
    )
    AppointmentRequestFactory(patient=patient, plan_name="")
    AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(2, 9))
    StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING,
        patient=patient,
        title="Screening needs review",
        dedupe_key="chart-test",
    )
    return patient


def test_the_desk_sees_who_how_to_reach_them_payer_and_visits_but_no_clinical_detail(
    client_for: Any, front_desk: User, history: User
) -> None:
    profile = history.patient_profile
    page = client_for(front_desk).get(chart_of(history)).content.decode()
    assert profile.chart_number in page
    assert profile.emergency_contact_name in page
    assert 'data-testid="chart-scheduling"' in page
    assert "Self-pay" in page or "self-pay" in page.lower()
    assert 'data-testid="chart-scores"' not in page
    assert "Wants a word about blood pressure" not in page
    assert 'data-testid="chart-alerts"' not in page
    assert reverse("scheduling:billing-account", args=[history.pk]) in page
    assert not AuditEvent.objects.exists()


def test_a_prescriber_sees_scores_reasons_decisions_and_alerts_and_the_reads_are_audited(
    client_for: Any, clinician: User, history: User
) -> None:
    page = client_for(clinician).get(chart_of(history)).content.decode()
    assert 'data-testid="chart-scores"' in page
    assert "Wants a word about blood pressure" in page
    assert "Screening needs review" in page
    actions = set(AuditEvent.objects.filter(patient=history).values_list("action", flat=True))
    assert {"patient_chart.intake", "patient_chart.alerts", "patient_chart.treatments"} <= actions
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {clinician.pk}


def test_a_therapist_sees_no_intake_answers_or_decisions(
    client_for: Any, therapist: User, history: User
) -> None:
    page = client_for(therapist).get(chart_of(history)).content.decode()
    assert 'data-testid="chart-scores"' not in page
    assert "Wants a word about blood pressure" not in page
    assert 'data-testid="chart-integration"' in page


def test_the_timeline_puts_the_newest_first(
    client_for: Any, front_desk: User, history: User
) -> None:
    timeline = client_for(front_desk).get(chart_of(history)).context["timeline"]
    assert timeline
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)


def test_an_id_that_is_not_a_patient_is_a_404(
    client_for: Any, front_desk: User, clinician: User
) -> None:
    assert client_for(front_desk).get(chart_of(clinician)).status_code == 404
    assert client_for(front_desk).get("/staff/patients/999999/").status_code == 404


def test_a_patient_may_not_open_a_chart_not_even_their_own(client_for: Any, patient: User) -> None:
    assert client_for(patient).get(chart_of(patient)).status_code == 403


@pytest.mark.parametrize("visits", [1, 10])
def test_the_chart_reads_a_fixed_number_of_queries_however_long_the_history(
    client_for: Any,
    clinician: User,
    patient: User,
    django_assert_max_num_queries: Any,
    visits: int,
) -> None:
    submitted_intake(patient)
    for day in range(visits):
        AppointmentRequestFactory(patient=patient)
        AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(day + 1, 9))
        AppointmentFactory(
            patient=patient,
            clinician=clinician,
            service=service_of(ServiceKind.INTEGRATION),
            starts_at=next_local(day + 1, 14),
        )
    client = client_for(clinician)
    with django_assert_max_num_queries(25):
        response = client.get(chart_of(patient))
    assert response.status_code == 200


def test_staff_lists_link_each_patient_to_their_chart(
    client_for: Any, front_desk: User, db: None
) -> None:
    waiting = AppointmentRequestFactory(patient=PatientFactory())
    page = client_for(front_desk).get(reverse("scheduling:request-queue")).content.decode()
    assert chart_of(waiting.patient) in page
    assert waiting.patient.patient_profile.chart_number in page
