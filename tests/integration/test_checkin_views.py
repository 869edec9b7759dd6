"""Mood, weekly check-in and journal pages: success, refusal, strangers, roles, methods."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from integration.models import JournalEntry, MoodCheckin, SymptomCheckin
from integration.window import CLINIC_ZONE
from portal.audit import AuditEvent
from tests.integration.factories import add_mood, add_phq9, form_answers, phq9_items_for

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=CLINIC_ZONE)


# --- Mood ------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_patient_logs_todays_mood_and_is_sent_to_the_trends(patient, client_for) -> None:
    response = client_for(patient).post(
        reverse("integration:mood-edit"), {"score": "7", "note": "slept well"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("integration:trends")
    assert MoodCheckin.objects.get(patient=patient).score == 7


@time_machine.travel(NOON, tick=False)
def test_mood_page_shows_todays_answer_to_change_it(patient, client_for) -> None:
    add_mood(patient, NOON.date(), 3, "rough morning")
    response = client_for(patient).get(reverse("integration:mood-edit"))
    assert response.status_code == 200
    assert response.context["form"].initial == {"score": "3", "note": "rough morning"}


@time_machine.travel(NOON, tick=False)
def test_mood_page_checks_todays_score_and_escapes_the_note(patient, client_for) -> None:
    add_mood(patient, NOON.date(), 0, "<b>low</b>")
    page = client_for(patient).get(reverse("integration:mood-edit")).content.decode()
    assert re.search(r'value="0"\s+id="id_score_0" required checked>', page)
    assert page.count(" checked") == 1
    assert "&lt;b&gt;low&lt;/b&gt;</textarea>" in page
    assert "<b>low</b>" not in page


def test_a_refused_mood_marks_the_scale_invalid_and_keeps_the_choice(patient, client_for) -> None:
    page = (
        client_for(patient)
        .post(reverse("integration:mood-edit"), {"score": "4", "note": "x" * 1001})
        .content.decode()
    )
    assert re.search(r'value="4"\s+id="id_score_4" required checked>', page)
    assert 'aria-describedby="id_note_error"' in page
    assert "at most 1000 characters" in page
    assert not MoodCheckin.objects.exists()


def test_mood_without_a_score_keeps_the_note(patient, client_for) -> None:
    response = client_for(patient).post(reverse("integration:mood-edit"), {"note": "hmm"})
    assert response.status_code == 200
    assert "Choose a number from 0 to 10." in response.content.decode()
    assert "hmm" in response.content.decode()
    assert not MoodCheckin.objects.exists()


@pytest.mark.parametrize("score", ["11", "-1", "seven", ""])
def test_crafted_mood_scores_are_refused_without_error(patient, client_for, score) -> None:
    response = client_for(patient).post(reverse("integration:mood-edit"), {"score": score})
    assert response.status_code == 200
    assert not MoodCheckin.objects.exists()


def test_mood_page_is_for_patients_only(client_for, clinician, front_desk) -> None:
    url = reverse("integration:mood-edit")
    assert client_for(None).get(url).status_code == 302
    assert client_for(clinician).get(url).status_code == 403
    assert client_for(front_desk).post(url, {"score": "5"}).status_code == 403


def test_mood_page_refuses_put(patient, client_for) -> None:
    assert client_for(patient).put(reverse("integration:mood-edit")).status_code == 405


# --- Weekly check-ins ----------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_patient_submits_a_phq9_and_sees_the_score(patient, client_for) -> None:
    client = client_for(patient)
    url = reverse("integration:checkin-create", kwargs={"instrument": "phq9"})
    response = client.post(url, form_answers(phq9_items_for(11)))
    checkin = SymptomCheckin.objects.get(patient=patient)
    assert response["Location"] == reverse(
        "integration:checkin-detail", kwargs={"checkin_id": checkin.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "moderate" in page
    assert 'data-testid="safety-followup"' not in page


@time_machine.travel(NOON, tick=False)
def test_item_9_shows_crisis_resources_at_once(patient, client_for) -> None:
    client = client_for(patient)
    url = reverse("integration:checkin-create", kwargs={"instrument": "phq9"})
    response = client.post(url, form_answers(phq9_items_for(4, item9=2)), follow=True)
    page = response.content.decode()
    assert 'data-testid="safety-followup"' in page
    assert "988" in page


def test_unanswered_phq9_keeps_the_answers_given(patient, client_for) -> None:
    url = reverse("integration:checkin-create", kwargs={"instrument": "phq9"})
    answers = form_answers(phq9_items_for(5))
    del answers["item_9"]
    response = client_for(patient).post(url, answers)
    assert response.status_code == 200
    assert response.context["form"].data["item_1"] == "3"
    assert "Please choose one answer." in response.content.decode()
    assert not SymptomCheckin.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_second_phq9_the_same_day_is_refused_on_the_form(patient, client_for) -> None:
    add_phq9(patient, NOON.date(), 9)
    url = reverse("integration:checkin-create", kwargs={"instrument": "phq9"})
    response = client_for(patient).post(url, form_answers(phq9_items_for(4)))
    assert response.status_code == 200
    assert "already completed today&#x27;s PHQ-9" in response.content.decode()
    assert SymptomCheckin.objects.count() == 1
    # The refusal alone: not the nine questions again, which could not be sent.
    for page in (response, client_for(patient).get(url)):
        assert 'data-testid="checkin-done-today"' in page.content.decode()
        assert 'name="item_1"' not in page.content.decode()


def test_unknown_instrument_is_404(patient, client_for) -> None:
    url = reverse("integration:checkin-create", kwargs={"instrument": "cssrs"})
    assert client_for(patient).get(url).status_code == 404


def test_checkin_pages_refuse_staff_and_wrong_methods(patient, client_for, front_desk) -> None:
    url = reverse("integration:checkin-create", kwargs={"instrument": "gad7"})
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(patient).delete(url).status_code == 405


def test_a_checkin_result_is_the_patients_own(
    patient, other_patient, front_desk, clinician, client_for
) -> None:
    checkin = add_phq9(patient, dt.date(2026, 3, 1), 13)
    url = reverse("integration:checkin-detail", kwargs={"checkin_id": checkin.pk})
    assert client_for(patient).get(url).status_code == 200
    assert client_for(other_patient).get(url).status_code == 404
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(patient).post(url).status_code == 405
    assert client_for(clinician).get(url).status_code == 200
    assert AuditEvent.objects.filter(
        actor=clinician, patient=patient, action="integration.checkin.view"
    ).exists()


# --- Journal -------------------------------------------------------------------------


def test_patient_writes_a_private_entry(patient, client_for) -> None:
    client = client_for(patient)
    response = client.post(
        reverse("integration:journal-create"), {"title": "After session 3", "body": "Colours."}
    )
    assert response["Location"] == reverse("integration:journal-list")
    entry = JournalEntry.objects.get(patient=patient)
    assert not entry.shared_with_therapist
    assert entry.shared_at is None
    assert "Private" in client.get(response["Location"]).content.decode()


def test_sharing_and_unsharing_an_entry(patient, client_for) -> None:
    client = client_for(patient)
    client.post(reverse("integration:journal-create"), {"body": "Felt lighter.", "share": "on"})
    entry = JournalEntry.objects.get()
    assert entry.shared_with_therapist
    assert entry.shared_at is not None
    url = reverse("integration:journal-edit", kwargs={"entry_id": entry.pk})
    client.post(url, {"body": "Felt lighter. Private after all."})
    entry.refresh_from_db()
    assert not entry.shared_with_therapist
    assert entry.shared_at is None


def test_empty_entry_is_refused_and_keeps_the_title(patient, client_for) -> None:
    response = client_for(patient).post(
        reverse("integration:journal-create"), {"title": "Tuesday", "body": "   "}
    )
    assert response.status_code == 200
    assert "Tuesday" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_journal_entry_is_never_open_to_anyone_else(
    patient, other_patient, clinician, front_desk, clinic_admin, client_for
) -> None:
    entry = JournalEntry.objects.create(patient=patient, body="mine", shared_with_therapist=False)
    url = reverse("integration:journal-edit", kwargs={"entry_id": entry.pk})
    assert client_for(patient).get(url).status_code == 200
    assert client_for(other_patient).get(url).status_code == 404
    assert client_for(other_patient).post(url, {"body": "hijack"}).status_code == 404
    for staff in (clinician, front_desk, clinic_admin):
        assert client_for(staff).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    entry.refresh_from_db()
    assert entry.body == "mine"


def test_journal_list_shows_only_my_entries(patient, other_patient, client_for) -> None:
    JournalEntry.objects.create(patient=patient, body="my words")
    JournalEntry.objects.create(patient=other_patient, body="their words")
    page = client_for(patient).get(reverse("integration:journal-list")).content.decode()
    assert "my words" in page
    assert "their words" not in page


def test_journal_pages_refuse_wrong_methods(patient, client_for) -> None:
    assert client_for(patient).post(reverse("integration:journal-list")).status_code == 405
    assert client_for(patient).put(reverse("integration:journal-create")).status_code == 405
