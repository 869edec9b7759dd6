"""The clinician's queue, review page and decision; REMS enrollment; the front desk's
status-only board; and the audit trail every clinician view leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from intake import selectors
from intake.modalities import Modality
from intake.models import Intake, IntakeDecision, RemsEnrollment
from portal.audit import AuditEvent
from portal.models import Location
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from tests.factories import PatientFactory
from tests.intake.factories import (
    CALM_HISTORY,
    approve_patient,
    phq9_answers,
    submitted_intake,
)

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # an en dash, as in "Showing 1\u201325"


def detail_url(intake: Intake) -> str:
    return reverse("intake:review-detail", args=[intake.pk])


def decide_url(intake: Intake) -> str:
    return reverse("intake:review-decide", args=[intake.pk])


# --- queue ---


def test_the_queue_shows_urgent_first_then_oldest(client_for, clinician) -> None:
    now = timezone.now()
    old = submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(days=3))
    new = submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(hours=1))
    urgent = submitted_intake(PatientFactory(), submitted_at=now, urgent=True)
    decided = submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(days=9))
    approve_patient(decided.patient, Modality.IV, clinician=clinician)

    response = client_for(clinician).get(reverse("intake:review-queue"))
    assert response.status_code == 200
    assert [i.pk for i in response.context["intakes"]] == [urgent.pk, old.pk, new.pk]


def test_an_urgent_intake_is_in_the_queue_before_it_is_sent(client_for, clinician) -> None:
    patient = PatientFactory()
    intake = Intake.objects.create(
        patient=patient, urgent=True, urgent_at=timezone.now(), answers={}
    )
    submitted_intake(PatientFactory())
    Intake.objects.create(patient=PatientFactory())  # not urgent, not sent: not in the queue
    intakes = client_for(clinician).get(reverse("intake:review-queue")).context["intakes"]
    assert intakes[0].pk == intake.pk
    assert len(intakes) == 2


def test_the_queue_shows_score_bands_and_flag_counts(client_for, clinician) -> None:
    submitted_intake(
        PatientFactory(),
        history={**CALM_HISTORY, "aneurysm_or_avm": True, "bipolar": True},
        phq9=phq9_answers(3, 3, 3, 2, 2, 2, 1, 1, 0),
    )
    page = client_for(clinician).get(reverse("intake:review-queue")).content.decode()
    assert "17 <span" in page
    assert "moderately severe" in page
    assert "1 exclude" in page
    assert "1 review" in page


def queue_row_of(page: str, intake: Intake) -> str:
    """The queue's table row that links to `intake`."""
    link = f'href="{detail_url(intake)}"'
    row = next(part for part in page.split("<tr")[1:] if link in part)
    return row.split("</tr>")[0]


def test_the_review_queue_selector_gives_rows_with_names_scores_and_waiting_time(
    clinician, django_assert_num_queries
) -> None:
    sent = timezone.now() - dt.timedelta(hours=2)
    calm = submitted_intake(
        PatientFactory(profile__preferred_name="Dana"),
        submitted_at=sent,
        phq9=phq9_answers(3, 3, 3, 2, 2, 2, 1, 1, 0),
    )
    urgent = Intake.objects.create(
        patient=PatientFactory(), urgent=True, urgent_at=timezone.now(), answers={}
    )
    with django_assert_num_queries(1):
        page = selectors.review_queue()
        rows = list(page.rows)
        names = [row.patient.display_name for row in rows]
    assert [row.pk for row in rows] == [urgent.pk, calm.pk]
    assert names[1] == "Dana"
    assert (rows[1].phq9_total, rows[1].phq9_band) == (17, "moderately severe")
    assert rows[1].waiting_since == sent
    assert rows[0].phq9_total is None
    assert (page.urgent_count, page.first, page.last, page.next_start) == (1, 1, 1, None)


def test_an_urgent_row_is_shaded_and_badged_and_unanswered_scores_are_a_dash(
    client_for, clinician
) -> None:
    urgent = Intake.objects.create(
        patient=PatientFactory(), urgent=True, urgent_at=timezone.now(), answers={}
    )
    calm = submitted_intake(PatientFactory())
    page = client_for(clinician).get(reverse("intake:review-queue")).content.decode()
    row = queue_row_of(page, urgent)
    assert row.startswith(' class="table-danger"')
    assert (
        '<span class="badge text-bg-danger me-1">Urgent</span><span class="patient-identity"' in row
    )
    assert row.count("<td>&ndash;</td>") == 2  # PHQ-9 and GAD-7 not answered yet
    assert '<span class="text-muted">none</span>' in row  # no flags
    assert "table-danger" not in queue_row_of(page, calm)
    assert "Urgent" not in queue_row_of(page, calm)


def test_a_place_name_and_a_patient_name_are_escaped_in_the_queue(client_for, clinician) -> None:
    place = Location.objects.get(slug="folsom")
    place.name = '"><img src=x>'
    place.save()
    hostile = PatientFactory(
        profile__preferred_name="<script>x</script>", profile__preferred_location=place
    )
    intake = submitted_intake(hostile)
    row = queue_row_of(
        client_for(clinician).get(reverse("intake:review-queue")).content.decode(), intake
    )
    assert "<script>" not in row
    assert "&lt;script&gt;x&lt;/script&gt;" in row
    assert "&quot;&gt;&lt;img src=x&gt;" in row


def test_the_queue_filters_by_location_and_status(client_for, clinician) -> None:
    folsom = Location.objects.get(slug="folsom")
    roseville = Location.objects.get(slug="roseville")
    at_folsom = submitted_intake(PatientFactory(profile__preferred_location=folsom))
    at_roseville = submitted_intake(PatientFactory(profile__preferred_location=roseville))
    approved = approve_patient(
        PatientFactory(profile__preferred_location=folsom), Modality.KAP, clinician=clinician
    )
    client = client_for(clinician)
    url = reverse("intake:review-queue")
    by_place = client.get(url, {"location": "folsom"}).context["intakes"]
    assert [i.pk for i in by_place] == [at_folsom.pk]
    by_status = client.get(url, {"status": "approved"}).context["intakes"]
    assert [i.pk for i in by_status] == [approved.pk]
    everything = client.get(url, {"status": "all", "location": "roseville"}).context["intakes"]
    assert [i.pk for i in everything] == [at_roseville.pk]
    # Nonsense filters fall back to the default queue, never a 500.
    assert client.get(url, {"status": "drop table", "location": "x"}).status_code == 200


def test_the_queue_reads_in_a_bounded_number_of_queries(
    client_for, clinician, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        submitted_intake(PatientFactory())
    client = client_for(clinician)
    client.get(reverse("intake:review-queue"))
    for n in range(30):
        submitted_intake(PatientFactory(), urgent=n % 5 == 0)
    # Session, user, staff MFA check, locations, the page of intakes, the audit row, and
    # the session's expiry (an update between a savepoint and its release).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("intake:review-queue"))
    assert len(response.context["intakes"]) == 25  # 6 urgent, then the 19 oldest others
    with django_assert_max_num_queries(9):
        response = client.get(reverse("intake:review-queue"), {"start": 19})
    assert len(response.context["intakes"]) == 8


# --- queue pages ---


def queue(client, **params: object) -> tuple[list[int], str]:
    response = client.get(reverse("intake:review-queue"), params)
    assert response.status_code == 200
    return [row.pk for row in response.context["intakes"]], response.content.decode()


def test_the_queue_shows_25_a_page_oldest_first_with_previous_and_next_links(
    client_for, clinician
) -> None:
    now = timezone.now()
    oldest_first = [
        submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(hours=60 - n)).pk
        for n in range(55)
    ]
    client = client_for(clinician)
    first, page = queue(client)
    assert first == oldest_first[:25]
    assert f"Showing 1{DASH}25, oldest first." in page
    assert 'href="/intake/review/?status=awaiting&amp;start=25" rel="next"' in page
    assert 'rel="prev"' not in page
    second, page = queue(client, start=25)
    assert second == oldest_first[25:50]
    assert f"Showing 26{DASH}50, oldest first." in page
    assert 'href="/intake/review/?status=awaiting" rel="prev"' in page
    assert 'href="/intake/review/?status=awaiting&amp;start=50" rel="next"' in page
    third, page = queue(client, start=50)
    assert third == oldest_first[50:]
    assert f"Showing 51{DASH}55, oldest first." in page
    assert 'href="/intake/review/?status=awaiting&amp;start=25" rel="prev"' in page
    assert 'rel="next"' not in page


def test_exactly_25_intakes_make_one_page_without_a_next_link(client_for, clinician) -> None:
    for _ in range(25):
        submitted_intake(PatientFactory())
    rows, page = queue(client_for(clinician))
    assert len(rows) == 25
    assert 'rel="next"' not in page


def test_urgent_intakes_come_first_on_the_first_page_and_the_others_follow(
    client_for, clinician
) -> None:
    now = timezone.now()
    others = [
        submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(days=30 - n)).pk
        for n in range(27)
    ]
    urgent = [
        submitted_intake(
            PatientFactory(), submitted_at=now - dt.timedelta(hours=9 - n), urgent=True
        ).pk
        for n in range(2)
    ]
    client = client_for(clinician)
    first, page = queue(client)
    assert first == urgent + others[:23]
    assert f"Showing 2 urgent, then 1{DASH}23 of the others, oldest first." in page
    assert 'href="/intake/review/?status=awaiting&amp;start=23" rel="next"' in page
    second, page = queue(client, start=23)
    assert second == others[23:]
    assert f"Showing 24{DASH}27, oldest first. Urgent intakes are always on the first page." in page


def test_more_urgent_intakes_than_a_page_are_all_on_the_first_page(client_for, clinician) -> None:
    now = timezone.now()
    others = [
        submitted_intake(PatientFactory(), submitted_at=now - dt.timedelta(days=30 - n)).pk
        for n in range(3)
    ]
    urgent = [
        submitted_intake(
            PatientFactory(), submitted_at=now - dt.timedelta(hours=40 - n), urgent=True
        ).pk
        for n in range(27)
    ]
    client = client_for(clinician)
    first, page = queue(client)
    assert first == urgent
    assert "Showing 27 urgent." in page
    assert 'href="/intake/review/?status=awaiting&amp;start=0" rel="next"' in page
    second, page = queue(client, start=0)
    assert second == others
    assert 'href="/intake/review/?status=awaiting" rel="prev"' in page
    assert 'rel="next"' not in page


def test_past_the_urgent_limit_the_queue_says_so_and_still_leads_on(
    client_for, clinician, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "QUEUE_LIMIT", 27)
    for _ in range(28):
        submitted_intake(PatientFactory(), urgent=True)
    other = submitted_intake(PatientFactory()).pk
    client = client_for(clinician)
    first, page = queue(client)
    assert len(first) == 27
    assert "Showing the first 27 urgent intakes." in page
    second, _page = queue(client, start=0)
    assert second == [other]


def test_the_page_links_keep_the_filters(client_for, clinician) -> None:
    folsom = Location.objects.get(slug="folsom")
    roseville = Location.objects.get(slug="roseville")
    for _ in range(26):
        submitted_intake(PatientFactory(profile__preferred_location=folsom))
    submitted_intake(PatientFactory(profile__preferred_location=roseville))
    client = client_for(clinician)
    rows, page = queue(client, status="all", location="folsom")
    assert len(rows) == 25
    assert 'href="/intake/review/?status=all&amp;location=folsom&amp;start=25"' in page
    rows, page = queue(client, status="all", location="folsom", start=25)
    assert len(rows) == 1
    assert 'href="/intake/review/?status=all&amp;location=folsom" rel="prev"' in page


def test_a_start_past_the_end_or_a_nonsense_start_is_not_an_error(client_for, clinician) -> None:
    only = submitted_intake(PatientFactory()).pk
    client = client_for(clinician)
    rows, page = queue(client, start=70)
    assert rows == []
    assert "No more intakes match these filters." in page
    assert 'href="/intake/review/?status=awaiting&amp;start=45" rel="prev"' in page
    for nonsense in ("-3", "two", "99999999999999999999999", ""):
        rows, page = queue(client, start=nonsense)
        assert rows == [only], nonsense  # the first page
        assert 'rel="prev"' not in page


def test_the_queue_names_patients_and_times_as_the_rest_of_the_portal_does(
    client_for, clinician
) -> None:
    nickname = PatientFactory(profile__preferred_name="Sunny <b>", profile__legal_name="Ann Lee")
    legal_only = PatientFactory(profile__preferred_name="", profile__legal_name="Bo Chen")
    # Across the autumn clock change in the clinic's zone.
    sent = [
        dt.datetime(2026, 11, 1, 8, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, 10, 30, tzinfo=dt.UTC),
    ]
    for who, when in zip((nickname, legal_only), sent, strict=True):
        submitted_intake(who, submitted_at=when)
    response = client_for(clinician).get(reverse("intake:review-queue"))
    rows = response.context["intakes"]
    assert [r.patient.display_name for r in rows] == [
        nickname.display_name,
        legal_only.display_name,
    ]
    page = response.content.decode()
    shown = [date_filter(timezone.localtime(t), "D j M, H:i") for t in sent]
    assert shown == ["Sun 1 Nov, 01:05", "Sun 1 Nov, 02:30"]  # PDT, then PST
    for when in shown:
        assert f"<td>{when}</td>" in page
    assert "Sunny &lt;b&gt;" in page
    assert f'href="{detail_url(Intake.objects.get(patient=legal_only))}"' in page


def test_the_queue_keeps_no_rows_between_requests(client_for, clinician) -> None:
    roseville = Location.objects.get(slug="roseville")
    submitted_intake(PatientFactory(profile__preferred_location=roseville))
    client = client_for(clinician)
    assert len(queue(client)[0]) == 1
    assert len(queue(client, start=0)[0]) == 1
    assert len(queue(client, status="all", location="folsom")[0]) == 0


def test_the_location_picker_lists_active_locations_by_name_and_keeps_the_choice(
    client_for, clinician
) -> None:
    closed = Location.objects.create(name="Auburn", slug="auburn", address="1 Main", phone="1")
    closed.is_active = False
    closed.save()
    page = queue(client_for(clinician), location="roseville")[1]
    picker = page.split('id="f-location"')[1].split("</select>")[0]
    names = [option.split(">")[1].split("<")[0] for option in picker.split("<option")[1:]]
    active = Location.objects.filter(is_active=True).order_by("name")
    assert names == ["All locations", *active.values_list("name", flat=True)]
    assert "Auburn" not in picker
    assert '<option value="roseville" selected>' in picker


def test_each_queue_filter_lists_what_its_orm_condition_selects(client_for, clinician) -> None:
    # The queue reads in SQL; the clinician's home counts through QueueFilter.q. Same set.
    submitted_intake(PatientFactory())
    submitted_intake(PatientFactory(), urgent=True)
    Intake.objects.create(patient=PatientFactory(), urgent=True, urgent_at=timezone.now())
    Intake.objects.create(patient=PatientFactory())
    approve_patient(PatientFactory(), Modality.KAP, clinician=clinician)
    client = client_for(clinician)
    for key, queue_filter in selectors.QUEUE_FILTERS.items():
        expected = set(Intake.objects.filter(queue_filter.q).values_list("pk", flat=True))
        assert set(queue(client, status=key)[0]) == expected, key
    assert len(queue(client, status="all")[0]) == Intake.objects.count() == 5


def test_the_queue_leaves_an_audit_record_per_patient_shown(client_for, clinician) -> None:
    shown = PatientFactory()
    submitted_intake(shown)
    client_for(clinician).get(reverse("intake:review-queue"))
    event = AuditEvent.objects.get(action="intake.review_queue.view")
    assert (event.actor, event.patient) == (clinician, shown)


@pytest.mark.parametrize("who", ["patient", "front_desk", "clinic_admin"])
def test_the_queue_is_for_clinicians_only(request, client_for, who: str) -> None:
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("intake:review-queue")).status_code == 403


def test_the_queue_asks_anonymous_to_log_in_and_refuses_post(client_for, clinician) -> None:
    assert client_for(None).get(reverse("intake:review-queue")).status_code == 302
    assert client_for(clinician).post(reverse("intake:review-queue")).status_code == 405


# --- review page ---


def test_the_review_page_shows_scores_flags_with_reasons_and_every_answer(
    patient, client_for, clinician
) -> None:
    intake = submitted_intake(
        patient, history={**CALM_HISTORY, "bp_systolic": 168, "bp_diastolic": 102}
    )
    response = client_for(clinician).get(detail_url(intake))
    assert response.status_code == 200
    page = response.content.decode()
    assert "13 / 27 · moderate" in page
    assert "low risk" in page
    assert "Uncontrolled hypertension" in page
    assert "reported blood pressure 168/102; threshold 160/100" in page
    assert "Thoughts that you would be better off dead" in page
    assert "sertraline 100 mg daily" in page
    # The C-SSRS questions that the skip rule did not ask are not shown.
    assert "Have you been thinking about how you might do this?" not in page


def test_opening_a_sent_intake_puts_it_under_review_and_leaves_an_audit_row(
    patient, client_for, clinician
) -> None:
    intake = submitted_intake(patient)
    client_for(clinician).get(detail_url(intake))
    intake.refresh_from_db()
    assert intake.status == Intake.Status.UNDER_REVIEW
    event = AuditEvent.objects.get(action="intake.review.view")
    assert (event.actor, event.patient, event.object_id) == (clinician, patient, str(intake.pk))
    page = client_for(patient).get(reverse("intake:intake-status")).content.decode()
    assert "A clinician is reviewing your intake" in page


@pytest.mark.parametrize("who", ["patient", "other_patient", "front_desk", "clinic_admin"])
def test_only_clinicians_open_the_review_page(request, client_for, patient, who: str) -> None:
    intake = submitted_intake(patient)
    response = client_for(request.getfixturevalue(who)).get(detail_url(intake))
    assert response.status_code in {403, 404}
    assert "Thoughts that you would be better off dead" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="intake.review.view").exists()
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.SUBMITTED


def test_the_review_page_refuses_anonymous_and_post_and_unknown_ids(
    patient, client_for, clinician
) -> None:
    intake = submitted_intake(patient)
    assert client_for(None).get(detail_url(intake)).status_code == 302
    assert client_for(clinician).post(detail_url(intake)).status_code == 405
    assert client_for(clinician).get("/intake/review/99999999/").status_code == 404


# --- decision ---


def test_approving_iv_only_tells_the_patient_without_clinical_detail(
    patient, client_for, clinician, on_commit
) -> None:
    intake = submitted_intake(patient)
    response = client_for(clinician).post(
        decide_url(intake), {"outcome": "approved", "modalities": ["iv"], "note": "Good fit."}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == Intake.Status.APPROVED
    assert intake.approved_modalities == ["iv"]
    decision = IntakeDecision.objects.get(intake=intake)
    assert (decision.clinician, decision.note) == (clinician, "Good fit.")
    message = Notification.objects.get(recipient=patient, kind=Kind.INTAKE_DECISION)
    assert set(message.context) == {"url"}
    assert message.context["url"].endswith(reverse("intake:intake-status"))
    assert message.topic == f"intake:{intake.pk}"
    page = client_for(patient).get(reverse("intake:intake-status")).content.decode()
    assert "approved for IV ketamine infusion" in page
    assert "Good fit." not in page  # the note is for the care team


def test_not_eligible_needs_a_message_and_keeps_the_form(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    response = client_for(clinician).post(
        decide_url(intake), {"outcome": "not_eligible", "note": "Psychosis history."}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write a message to the patient" in page
    assert "Psychosis history." in page
    assert not IntakeDecision.objects.exists()
    assert not Notification.objects.filter(kind=Kind.INTAKE_DECISION).exists()


def test_not_eligible_shows_the_patient_the_clinics_message(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    client_for(clinician).post(
        decide_url(intake),
        {"outcome": "not_eligible", "message_to_patient": "Please see your primary doctor."},
    )
    page = client_for(patient).get(reverse("intake:intake-status")).content.decode()
    assert "not the right fit" in page
    assert "Please see your primary doctor." in page


def test_evaluation_visit_needed_is_shown_to_the_patient(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    client_for(clinician).post(decide_url(intake), {"outcome": "evaluation_needed"})
    page = client_for(patient).get(reverse("intake:intake-status")).content.decode()
    assert "evaluation visit" in page


def test_approval_needs_a_treatment(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    response = client_for(clinician).post(decide_url(intake), {"outcome": "approved"})
    assert "Choose at least one treatment to approve." in response.content.decode()
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.SUBMITTED


def test_approving_despite_an_exclusion_needs_a_note(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient, history={**CALM_HISTORY, "aneurysm_or_avm": True})
    client = client_for(clinician)
    refused = client.post(decide_url(intake), {"outcome": "approved", "modalities": ["iv"]})
    assert "An exclusion flag applies to IV ketamine infusion" in refused.content.decode()
    accepted = client.post(
        decide_url(intake),
        {"outcome": "approved", "modalities": ["iv"], "note": "Imaging clear; cardiology ok."},
    )
    assert accepted.status_code == 302
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.APPROVED


def test_an_unsent_intake_cannot_be_decided(patient, client_for, clinician) -> None:
    intake = Intake.objects.create(patient=patient, urgent=True, urgent_at=timezone.now())
    response = client_for(clinician).post(
        decide_url(intake), {"outcome": "approved", "modalities": ["iv"]}
    )
    assert response.status_code == 200
    assert "has not sent this intake yet" in response.content.decode()
    assert not IntakeDecision.objects.exists()


@pytest.mark.parametrize("who", ["patient", "other_patient", "front_desk", "clinic_admin"])
def test_only_clinicians_decide(request, client_for, patient, who: str) -> None:
    intake = submitted_intake(patient)
    response = client_for(request.getfixturevalue(who)).post(
        decide_url(intake), {"outcome": "approved", "modalities": ["iv"]}
    )
    assert response.status_code in {403, 404}
    assert not IntakeDecision.objects.exists()


def test_decide_refuses_get_anonymous_and_bad_input(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    assert client_for(clinician).get(decide_url(intake)).status_code == 405
    assert client_for(None).post(decide_url(intake), {"outcome": "approved"}).status_code == 302
    bad = client_for(clinician).post(decide_url(intake), {"outcome": "yes", "modalities": ["x"]})
    assert bad.status_code == 200
    assert not IntakeDecision.objects.exists()


# --- REMS enrollment ---


def test_a_clinician_records_rems_enrollment(patient, client_for, clinician) -> None:
    intake = submitted_intake(patient)
    url = reverse("intake:rems-record", args=[intake.pk])
    client = client_for(clinician)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enrolled_on": timezone.localdate().isoformat(),
            "enrollment_reference": "PT-778812",
            "prescriber": clinician.pk,
            "signed_by_patient": "on",
            "signed_by_prescriber": "on",
        },
    )
    assert response.status_code == 302
    enrollment = RemsEnrollment.objects.get(patient=patient)
    assert (enrollment.enrollment_reference, enrollment.prescriber) == ("PT-778812", clinician)
    assert AuditEvent.objects.filter(action="intake.rems.view", patient=patient).exists()
    assert "PT-778812" in client.get(detail_url(intake)).content.decode()


def test_rems_enrollment_needs_both_signatures_and_keeps_the_form(
    patient, client_for, clinician
) -> None:
    intake = submitted_intake(patient)
    response = client_for(clinician).post(
        reverse("intake:rems-record", args=[intake.pk]),
        {
            "enrolled_on": timezone.localdate().isoformat(),
            "enrollment_reference": "PT-1",
            "prescriber": clinician.pk,
            "signed_by_patient": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The prescriber must sign the enrollment form." in page
    assert "PT-1" in page
    assert not RemsEnrollment.objects.exists()


@pytest.mark.parametrize("who", ["patient", "other_patient", "front_desk", "clinic_admin"])
def test_only_clinicians_record_rems_enrollment(request, client_for, patient, who: str) -> None:
    intake = submitted_intake(patient)
    url = reverse("intake:rems-record", args=[intake.pk])
    client = client_for(request.getfixturevalue(who))
    assert client.get(url).status_code in {403, 404}
    assert client.post(url, {"enrollment_reference": "X"}).status_code in {403, 404}
    assert client_for(None).get(url).status_code == 302
    assert not RemsEnrollment.objects.exists()


# --- front desk ---


def test_the_front_desk_sees_status_only_never_answers_or_scores(
    patient, client_for, front_desk, clinician
) -> None:
    submitted_intake(patient, history={**CALM_HISTORY, "aneurysm_or_avm": True}, urgent=True)
    approve_patient(PatientFactory(), Modality.IV, clinician=clinician)
    response = client_for(front_desk).get(reverse("intake:status-board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Submitted" in page
    assert "Approved for IV ketamine infusion" in page
    for clinical in ("PHQ", "GAD", "moderate", "mild", "exclude", "aneurysm", "Urgent"):
        assert clinical not in page
    assert not AuditEvent.objects.filter(actor=front_desk).exists()


def test_the_status_board_is_bounded_and_refuses_patients(
    client_for, front_desk, patient, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        submitted_intake(PatientFactory())
    client = client_for(front_desk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("intake:status-board"))
    assert len(response.context["rows"]) == 30
    assert client_for(patient).get(reverse("intake:status-board")).status_code == 403
    assert client_for(front_desk).post(reverse("intake:status-board")).status_code == 405


# --- home pages ---


def test_home_pages_show_the_intake_panels(patient, client_for, clinician, front_desk) -> None:
    page = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert "Next step: your intake" in page
    submitted_intake(PatientFactory(), urgent=True)
    submitted_intake(PatientFactory())
    page = client_for(clinician).get(reverse("portal:clinician-home")).content.decode()
    assert "2 intakes awaiting review" in page
    assert "1 urgent" in page
    page = client_for(front_desk).get(reverse("portal:front-desk-home")).content.decode()
    assert "awaiting review" not in page


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "intake:review-queue", None),
        ("get", "intake:review-detail", None),
        ("post", "intake:review-decide", {"outcome": "evaluation_needed"}),
        ("post", "intake:review-decide", {"outcome": "not_eligible"}),  # refused: still read
        ("get", "intake:rems-record", None),
    ],
)
def test_every_clinician_view_leaves_an_audit_row(
    patient, client_for, clinician, method: str, name: str, data: dict | None
) -> None:
    intake = submitted_intake(patient)
    kwargs = {} if name == "intake:review-queue" else {"intake_id": intake.pk}
    client = client_for(clinician)
    response = getattr(client, method)(reverse(name, kwargs=kwargs), data or {})
    assert response.status_code in {200, 302}
    # One row: the read, or the decision the service recorded in its transaction.
    event = AuditEvent.objects.get()
    assert event.actor == clinician
    assert event.patient == patient


def test_an_approved_review_leads_a_prescriber_on_to_starting_a_course(
    client_for, clinician, nurse
) -> None:
    from tests.intake.factories import approve_patient

    patient = PatientFactory()
    intake = approve_patient(patient, clinician=clinician)
    url = reverse("intake:review-detail", args=[intake.pk])
    start = reverse("treatments:course-start", args=[patient.pk])
    assert start in client_for(clinician).get(url).content.decode()
    assert start not in client_for(nurse).get(url).content.decode()


def test_the_review_heading_names_the_patient_as_staff_see_them(client_for, clinician) -> None:
    patient = PatientFactory(profile__legal_name="Blake Jordan", profile__preferred_name="BJ")
    intake = submitted_intake(patient)
    page = client_for(clinician).get(reverse("intake:review-detail", args=[intake.pk]))
    html = page.content.decode()
    assert "Blake Jordan</a> (BJ)" in html
    assert patient.patient_profile.chart_number in html
