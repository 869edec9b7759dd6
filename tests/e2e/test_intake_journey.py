"""A patient fills in their intake on a phone. When they say they have had thoughts of
being better off dead on several days, help is shown at once. A clinician finds their
intake at the top of the queue, reviews it and approves IV ketamine only; the patient
then sees that they are approved for IV ketamine."""

from __future__ import annotations

from typing import Any

import pytest

from intake.models import Intake
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, PatientFactory
from tests.intake.factories import submitted_intake

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NO_TO_EVERYTHING = [
    "cardiac_disease",
    "cardiac_unstable",
    "aneurysm_or_avm",
    "intracerebral_haemorrhage",
    "pregnant_or_breastfeeding",
    "psychosis_history",
    "current_mania",
    "bipolar",
    "mood_stabiliser",
    "substance_use",
    "ketamine_allergy",
]


def answer_no(page: Any, *names: str) -> None:
    for name in names:
        page.locator(f"#id_{name}_1").check()  # choices are (yes, no)


def continue_(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_a_patient_in_crisis_gets_help_at_once_and_a_clinician_approves_iv_only(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url
    PatientFactory(
        email="river@example.test",
        profile__legal_name="River Stone",
        profile__preferred_name="River",
    )
    # Someone else has waited longer, but is not urgent.
    submitted_intake(PatientFactory(email="waiting@example.test"))
    ClinicianFactory(email="dr.ames@example.test")

    # I sign in on my phone and start my intake.
    log_in(page, base, "river@example.test", TEST_PASSWORD)
    page.get_by_text("Next step: your intake").wait_for()
    page.get_by_role("link", name="Start my intake").click()
    page.get_by_role("heading", name="Contact and emergency contact").wait_for()

    # I mistype my birth year: the step is refused, and what I typed stays.
    page.locator("#id_legal_name").fill("River J. Stone")
    page.locator("#id_emergency_contact_name").fill("Sky Stone")
    page.locator("#id_date_of_birth").fill("2099-05-01")
    continue_(page)
    # Announced at the top (focused, linked to the field) and shown under the field.
    summary = page.get_by_test_id("error-summary")
    summary.get_by_text("Date of birth cannot be in the future.").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.title().startswith("Error:")
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_date_of_birth"
    assert page.locator("#id_legal_name").input_value() == "River J. Stone"
    assert page.locator("#id_emergency_contact_name").input_value() == "Sky Stone"
    page.locator("#id_date_of_birth").fill("1991-05-01")
    continue_(page)

    page.get_by_role("heading", name="Medical history").wait_for()
    assert page.get_by_test_id("intake-progress").get_by_text("Step 2 of 8").is_visible()
    page.locator("#id_bp_systolic").fill("126")
    page.locator("#id_bp_diastolic").fill("80")
    answer_no(page, *NO_TO_EVERYTHING)
    continue_(page)

    page.get_by_role("heading", name="Current medications").wait_for()
    page.locator("#id_antidepressant_0").check()
    answer_no(page, "benzodiazepine", "maoi", "stimulant")
    continue_(page)

    # PHQ-9: mostly "more than half the days", and "several days" for item 9.
    page.get_by_role("heading", name="Mood (PHQ-9)").wait_for()
    for item in range(1, 9):
        page.locator(f"#id_item_{item}_2").check()
    page.locator("#id_item_9_1").check()
    continue_(page)

    # Help is the very next thing I see.
    crisis = page.get_by_test_id("crisis-resources")
    crisis.wait_for()
    assert crisis.get_by_role("link", name="988").first.is_visible()
    assert crisis.get_by_role("link", name="911").is_visible()
    assert crisis.get_by_text("Call the clinic").is_visible()
    page.get_by_role("link", name="Continue my intake").click()

    page.get_by_role("heading", name="Anxiety (GAD-7)").wait_for()
    for item in range(1, 8):
        page.locator(f"#id_item_{item}_1").check()
    continue_(page)

    page.get_by_role("heading", name="Safety questions", exact=True).wait_for()
    page.locator("#id_q1_0").check()  # yes, I have wished I were dead
    page.locator("#id_q2_1").check()  # no active thoughts: straight on to question 6
    continue_(page)
    page.get_by_role("heading", name="Safety questions, past actions").wait_for()
    page.locator("#id_q6_1").check()
    continue_(page)

    page.get_by_role("heading", name="Consent and send").wait_for()
    page.locator("#id_agree").check()
    page.locator("#id_signature").fill("River J. Stone")
    page.get_by_role("button", name="Send my intake").click()
    page.get_by_test_id("intake-status").get_by_text("Your intake has been sent").wait_for()

    # The clinician sees my intake first, marked urgent, and reviews it.
    doctor = new_page()
    log_in(doctor, base, "dr.ames@example.test", TEST_PASSWORD)
    doctor.goto(f"{base}/intake/review/")
    first_row = doctor.get_by_test_id("queue-row").first
    assert "River" in first_row.inner_text()
    assert "Urgent" in first_row.inner_text()
    first_row.get_by_role("link", name="Review").click()
    doctor.get_by_role("heading", name="Scores").wait_for()
    assert doctor.get_by_test_id("scores").get_by_text("17 / 27 · moderately severe").is_visible()
    doctor.get_by_label("Approved for treatment").check()
    doctor.get_by_label("IV ketamine infusion").check()
    doctor.locator("#id_note").fill("Safety plan agreed by phone; IV course first.")
    doctor.get_by_role("button", name="Record decision").click()
    doctor.get_by_text("Decision recorded").wait_for()

    intake = Intake.objects.get(patient__email="river@example.test")
    assert intake.approved_modalities == ["iv"]

    # I see where I stand.
    page.goto(f"{base}/intake/status/")
    status = page.get_by_test_id("intake-status")
    status.wait_for()
    assert "approved for IV ketamine" in status.inner_text()
    assert "Spravato" not in status.inner_text()
