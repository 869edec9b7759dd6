"""The patient's multi-step intake: saving, resuming, refusals that keep what was typed,
the C-SSRS skip rule, and the safety path that never waits for the end."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake import steps
from intake.models import Intake
from portal.models import Location
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert

pytestmark = pytest.mark.django_db

CALM_HISTORY = {
    "bp_systolic": "128",
    "bp_diastolic": "82",
    "cardiac_disease": "no",
    "cardiac_unstable": "no",
    "aneurysm_or_avm": "no",
    "intracerebral_haemorrhage": "no",
    "pregnant_or_breastfeeding": "no",
    "psychosis_history": "no",
    "current_mania": "no",
    "bipolar": "no",
    "mood_stabiliser": "no",
    "substance_use": "no",
    "substance_use_details": "",
    "ketamine_allergy": "no",
}
CALM_MEDICATIONS = {
    "antidepressant": "yes",
    "benzodiazepine": "no",
    "maoi": "no",
    "stimulant": "no",
    "medication_list": "sertraline 100 mg",
}


def contact(**changes: str) -> dict[str, Any]:
    return {
        "legal_name": "Avery Quinn",
        "preferred_name": "Avery",
        "date_of_birth": "1990-02-03",
        "phone": "(916) 555-0101",
        "emergency_contact_name": "Morgan Quinn",
        "emergency_contact_phone": "(916) 555-0102",
        "preferred_location": str(Location.objects.get(slug="roseville").pk),
        **changes,
    }


def scale(*values: int) -> dict[str, str]:
    return {f"item_{n}": str(v) for n, v in enumerate(values, start=1)}


def step_url(step: str) -> str:
    return reverse("intake:intake-step", kwargs={"step": step})


def post(client: Any, step: str, data: dict[str, Any]) -> Any:
    return client.post(step_url(step), {**data, "go": "next"})


def walk_to(client: Any, last: str, *, phq9: tuple[int, ...] = (1,) * 8 + (0,)) -> None:
    """Answer calmly every step up to and including `last`."""
    plan = [
        ("contact", contact()),
        ("history", CALM_HISTORY),
        ("medications", CALM_MEDICATIONS),
        ("phq9", scale(*phq9)),
        ("gad7", scale(1, 1, 1, 1, 1, 1, 1)),
        ("cssrs", {"q1": "no", "q2": "no"}),
        ("cssrs_behaviour", {"q6": "no"}),
        ("consent", {"agree": "on", "signature": "Avery Quinn"}),
    ]
    for step, data in plan:
        response = post(client, step, data)
        assert response.status_code == 302, (step, response.content[:2000])
        if step == last:
            return


def test_a_patient_answers_every_step_and_sends_the_intake(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "consent")
    intake = Intake.objects.get(patient=patient)
    assert intake.status == Intake.Status.SUBMITTED
    assert intake.submitted_at is not None
    assert (intake.phq9_total, intake.phq9_band) == (8, "mild")
    assert (intake.gad7_total, intake.gad7_band) == (7, "mild")
    assert intake.cssrs_risk == "low"
    assert intake.urgent is False
    assert intake.location.slug == "roseville"
    assert intake.answers["history"]["bp_systolic"] == 128
    assert intake.answers["history"]["cardiac_disease"] is False
    patient.patient_profile.refresh_from_db()
    assert patient.patient_profile.legal_name == "Avery Quinn"
    page = client.get(reverse("intake:intake-status"))
    assert "Your intake has been sent" in page.content.decode()


def test_each_step_shows_a_progress_indicator(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "history")
    page = client.get(step_url("medications")).content.decode()
    assert 'data-testid="intake-progress"' in page
    assert "Step 3 of 8" in page
    assert "2 of 8 saved" in page


def test_a_future_date_of_birth_is_refused_and_every_other_answer_is_kept(
    patient, client_for, time_machine
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))
    client = client_for(patient)
    typed = contact(date_of_birth="2030-01-01", legal_name="Avery Typed Quinn")
    response = post(client, "contact", typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Date of birth cannot be in the future." in page
    for value in ("Avery Typed Quinn", "(916) 555-0101", "Morgan Quinn", "(916) 555-0102"):
        assert value in page
    assert 'value="2030-01-01"' in page
    # Nothing half-saved: the profile keeps its old name, the step is not done.
    intake = Intake.objects.get(patient=patient)
    assert intake.steps_done == []
    assert patient.patient_profile.legal_name != "Avery Typed Quinn"
    # ... and what was typed is still there after closing the browser.
    again = client_for(patient).get(step_url("contact")).content.decode()
    assert "Avery Typed Quinn" in again
    assert "Morgan Quinn" in again


def test_a_refused_later_step_keeps_earlier_steps_and_the_typed_answers(
    patient, client_for
) -> None:
    client = client_for(patient)
    walk_to(client, "medications")
    answers = scale(3, 2, 1, 0, 1, 2, 3, 2)  # item 9 left out
    response = post(client, "phq9", answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please choose one answer." in page
    assert page.count("checked") == 8  # the eight answers given are still chosen
    intake = Intake.objects.get(patient=patient)
    assert intake.steps_done == ["contact", "history", "medications"]
    assert intake.answers["medications"]["medication_list"] == "sertraline 100 mg"


def test_half_a_blood_pressure_reading_is_explained_next_to_the_field(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "contact")
    response = post(client, "history", {**CALM_HISTORY, "bp_diastolic": ""})
    assert response.status_code == 200
    assert "Please give both numbers of the reading, or neither." in response.content.decode()


def test_the_patient_resumes_where_they_left_off(patient, client_for) -> None:
    walk_to(client_for(patient), "history")
    response = client_for(patient).get(reverse("intake:intake-start"))
    assert response.status_code == 302
    assert response["Location"] == step_url("medications")


def test_back_keeps_what_was_typed_on_the_step_being_left(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "history")
    response = client.post(
        step_url("medications"), {"medication_list": "lithium 300 mg", "go": "back"}
    )
    assert response["Location"] == step_url("history")
    assert "lithium 300 mg" in client.get(step_url("medications")).content.decode()


def test_a_patient_cannot_skip_ahead(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "contact")
    response = client.get(step_url("gad7"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:intake-start")
    response = post(client, "gad7", scale(0, 0, 0, 0, 0, 0, 0))
    assert response.status_code == 302
    assert "gad7" not in Intake.objects.get(patient=patient).answers


def test_an_unknown_step_leads_back_to_the_intake(patient, client_for) -> None:
    response = client_for(patient).get(step_url("nonsense"))
    assert response.status_code == 302


def test_no_to_question_2_goes_straight_to_question_6(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    response = post(client, "cssrs", {"q1": "yes", "q2": "no"})
    assert response["Location"] == step_url("cssrs_behaviour")
    assert client.get(step_url("cssrs_thoughts")).status_code == 302  # not on the path


def test_yes_to_question_2_asks_questions_3_to_5(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    response = post(client, "cssrs", {"q1": "yes", "q2": "yes"})
    assert response["Location"] == step_url("cssrs_thoughts")


def test_phq9_item_9_several_days_shows_crisis_resources_next_and_alerts_clinicians(
    patient, client_for, clinician, on_commit
) -> None:
    client = client_for(patient)
    walk_to(client, "medications")
    response = post(client, "phq9", scale(1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("intake:intake-support"))
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="crisis-resources"' in page
    assert 'href="tel:988"' in page
    assert 'href="tel:911"' in page
    assert "(916) 555-0100" in page  # the clinic's phone
    assert step_url("gad7") in page  # and the way on, when ready

    intake = Intake.objects.get(patient=patient)
    assert intake.urgent is True
    assert intake.status == Intake.Status.IN_PROGRESS  # it did not wait for the end
    alert = StaffAlert.objects.get(patient=patient)
    assert alert.urgent is True
    assert alert.kind == StaffAlert.Kind.URGENT_SCREENING
    assert alert.url == reverse("intake:review-detail", args=[intake.pk])
    to_clinician = Notification.objects.get(recipient=clinician, kind=Kind.CLINICIAN_ALERT)
    assert set(to_clinician.context) <= {"url", "urgent", "starts_at", "location"}


def test_answering_the_same_item_9_twice_raises_one_alert(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "medications")
    post(client, "phq9", scale(0, 0, 0, 0, 0, 0, 0, 0, 2))
    post(client, "phq9", scale(0, 0, 0, 0, 0, 0, 0, 0, 3))
    assert StaffAlert.objects.filter(patient=patient).count() == 1


def test_one_intake_is_one_safety_episode_one_crisis_page_one_alert(patient, client_for) -> None:
    """Item 9, then a high C-SSRS on each of its three steps: the crisis page once (at the
    first answer), the others go straight on; one alert, and the counter stays "of 8"."""
    client = client_for(patient)
    walk_to(client, "medications")
    first = post(client, "phq9", scale(0, 0, 0, 0, 0, 0, 0, 0, 2))
    assert first["Location"] == reverse("intake:intake-support") + "?next=gad7"
    assert post(client, "gad7", scale(1, 1, 1, 1, 1, 1, 1))["Location"] == step_url("cssrs")
    page = client.get(step_url("cssrs")).content.decode()
    assert "Step 6 of 8" in page
    assert post(client, "cssrs", {"q1": "yes", "q2": "yes"})["Location"] == step_url(
        "cssrs_thoughts"
    )
    page = client.get(step_url("cssrs_thoughts")).content.decode()
    assert "Step 6 of 8" in page  # a continuation of the safety questions, not a 9th step
    thoughts = post(client, "cssrs_thoughts", {"q3": "yes", "q4": "yes", "q5": "no"})
    assert thoughts["Location"] == step_url("cssrs_behaviour")
    assert "Step 7 of 8" in client.get(step_url("cssrs_behaviour")).content.decode()
    behaviour = post(client, "cssrs_behaviour", {"q6": "yes", "q6_recent": "yes"})
    assert behaviour["Location"] == step_url("consent")
    assert "Step 8 of 8" in client.get(step_url("consent")).content.decode()
    alert = StaffAlert.objects.get(patient=patient)
    assert alert.kind == StaffAlert.Kind.URGENT_SCREENING
    assert alert.get_kind_display() == "Safety concern"


def test_the_step_counter_does_not_grow_with_the_skip_rule() -> None:
    calm = {"cssrs": {"q1": "no", "q2": "no"}}
    worried = {"cssrs": {"q1": "yes", "q2": "yes"}}
    assert len(steps.counted({})) == len(steps.counted(calm)) == len(steps.counted(worried)) == 8
    assert steps.position(worried, "cssrs_thoughts") == steps.position(worried, "cssrs") == 6
    assert steps.position(worried, "cssrs_behaviour") == 7
    assert steps.position({}, "contact") == 1
    assert steps.position({}, "consent") == 8


def test_item_9_not_at_all_takes_no_safety_path(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "medications")
    response = post(client, "phq9", scale(3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert response["Location"] == step_url("gad7")
    assert not StaffAlert.objects.exists()
    assert Intake.objects.get(patient=patient).urgent is False


@pytest.mark.parametrize(
    ("thoughts", "risk"),
    [
        ({"q3": "yes", "q4": "no", "q5": "no"}, "moderate"),
        ({"q3": "yes", "q4": "yes", "q5": "no"}, "high"),
    ],
)
def test_a_moderate_or_high_cssrs_screen_takes_the_safety_path_at_once(
    patient, client_for, thoughts: dict, risk: str
) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    post(client, "cssrs", {"q1": "yes", "q2": "yes"})
    response = post(client, "cssrs_thoughts", thoughts)
    assert response["Location"] == reverse("intake:intake-support") + "?next=cssrs_behaviour"
    intake = Intake.objects.get(patient=patient)
    assert (intake.cssrs_risk, intake.urgent) == (risk, True)
    assert StaffAlert.objects.filter(patient=patient, urgent=True).exists()


def test_recent_suicidal_behaviour_takes_the_safety_path(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    post(client, "cssrs", {"q1": "no", "q2": "no"})
    response = post(client, "cssrs_behaviour", {"q6": "yes", "q6_recent": "yes"})
    assert response["Location"] == reverse("intake:intake-support") + "?next=consent"
    assert Intake.objects.get(patient=patient).cssrs_risk == "high"


def test_a_low_risk_cssrs_screen_goes_on_quietly(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    post(client, "cssrs", {"q1": "yes", "q2": "no"})
    response = post(client, "cssrs_behaviour", {"q6": "no"})
    assert response["Location"] == step_url("consent")
    assert not StaffAlert.objects.exists()


def test_a_sent_intake_can_no_longer_be_changed(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "consent")
    response = post(client, "history", {**CALM_HISTORY, "bipolar": "yes"})
    assert response["Location"] == reverse("intake:intake-status")
    assert Intake.objects.get(patient=patient).answers["history"]["bipolar"] is False


def test_consent_is_required_to_send(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "cssrs_behaviour")
    response = post(client, "consent", {"signature": "Avery Quinn"})
    assert response.status_code == 200
    assert "Please tick the box to send your intake." in response.content.decode()
    assert Intake.objects.get(patient=patient).status == Intake.Status.IN_PROGRESS


def test_another_patient_has_their_own_intake_and_sees_nothing_of_the_first(
    patient, other_patient, client_for
) -> None:
    walk_to(client_for(patient), "medications")
    client_b = client_for(other_patient)
    page = client_b.get(step_url("contact")).content.decode()
    assert "Avery Quinn" not in page
    assert client_b.get(reverse("intake:intake-start"))["Location"] == step_url("contact")
    assert Intake.objects.get(patient=other_patient).steps_done == []


@pytest.mark.parametrize(
    "name", ["intake:intake-start", "intake:intake-status", "intake:intake-support"]
)
def test_patient_pages_refuse_anonymous_and_staff(
    name: str, client_for, front_desk, clinician
) -> None:
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client_for(front_desk).get(reverse(name)).status_code == 403
    assert client_for(clinician).get(reverse(name)).status_code == 403


def test_a_step_refuses_anonymous_staff_and_wrong_methods(patient, client_for, front_desk) -> None:
    assert client_for(None).post(step_url("contact"), contact()).status_code == 302
    assert client_for(front_desk).post(step_url("contact"), contact()).status_code == 403
    assert client_for(patient).put(step_url("contact")).status_code == 405
    assert client_for(patient).post(reverse("intake:intake-status")).status_code == 405
    assert not Intake.objects.exists()


def test_home_and_status_pages_show_how_far_the_intake_has_come(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")  # 5 of 8 steps: C-SSRS question 2 not answered yet
    for name in ("portal:patient-home", "intake:intake-status"):
        assert "(62% done)" in client.get(reverse(name)).content.decode()
    # Questions 3-5 come on a continuation of the safety step: still 8 steps, 6 done.
    post(client, "cssrs", {"q1": "yes", "q2": "yes"})
    intake = Intake.objects.get(patient=patient)
    assert steps.progress(intake.answers, intake.steps_done) == (6, 8)
    for name in ("portal:patient-home", "intake:intake-status"):
        assert "(75% done)" in client.get(reverse(name)).content.decode()


def test_the_home_panel_reads_no_answers_or_drafts(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    client.post(step_url("cssrs"), {"q1": "yes", "go": "back"})  # leaves a draft
    assert Intake.objects.get(patient=patient).drafts
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:patient-home")).content.decode()
    assert "Continue my intake" in page
    intake_sql = [q["sql"] for q in queries if '"intake_intake"' in q["sql"]]
    assert intake_sql
    for sql in intake_sql:
        assert '"drafts"' not in sql
        # Only the C-SSRS steps' answers, by key, for the step count; never the column.
        assert re.findall(r'"answers"(?! -> )', sql) == [], sql
