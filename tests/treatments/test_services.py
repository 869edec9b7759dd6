"""Treatments services against real PostgreSQL: courses, series scheduling, charting,
the discharge gate, REMS forms, boosters, aftercare and next-day check-ins."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError

from intake.modalities import Modality
from intake.models import Intake
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert
from scheduling.models import Appointment
from tests.factories import FrontDeskFactory
from tests.intake.factories import approve_patient
from tests.treatments.conftest import PACIFIC
from tests.treatments.factories import (
    DISCHARGE_OK,
    PRE_DOSE_OK,
    course_started,
    dose_values,
    session_charted,
    session_discharged,
    session_opened,
    visit_checked_in,
)
from treatments import hooks, services
from treatments.models import (
    AftercareAcknowledgement,
    AftercareItem,
    Course,
    DosingSession,
    PlannedSession,
    TreatmentSettings,
)
from treatments.services import ChartSection

pytestmark = pytest.mark.django_db

ALLOWED_CONTEXT = {"starts_at", "location", "telehealth", "url", "urgent"}


# ---------------------------------------------------------------- courses


def test_a_clinician_starts_an_iv_course_and_it_plans_six_infusions(patient, clinician, monday):
    course = course_started(patient, Modality.IV, clinician=clinician)
    planned = list(course.planned.order_by("sequence"))
    assert course.phase == Course.Phase.INDUCTION
    assert len(planned) == 6
    start = dt.date(2026, 3, 2)
    assert [p.target_date for p in planned] == [
        start + dt.timedelta(days=d) for d in (0, 2, 4, 7, 9, 11)
    ]
    assert course.booster_interval_days == TreatmentSettings.load().default_booster_interval_days


def test_the_iv_minimum_spacing_setting_spreads_the_plan(patient, clinician, monday):
    clinic = TreatmentSettings.load()
    clinic.iv_min_spacing_days = 3
    clinic.save()
    course = course_started(patient, Modality.IV, clinician=clinician)
    dates = [p.target_date for p in course.planned.order_by("sequence")]
    assert all((b - a).days >= 3 for a, b in itertools.pairwise(dates))


def test_a_course_for_a_modality_the_intake_did_not_approve_is_refused(patient, clinician):
    approve_patient(patient, Modality.IV, clinician=clinician)
    with pytest.raises(ValidationError, match="not approved"):
        services.course_start(
            patient=patient, modality=Modality.KAP, start_date=dt.date(2026, 3, 2), by=clinician
        )
    assert not Course.objects.exists()


def test_a_patient_without_an_approved_intake_gets_no_course(patient, clinician):
    with pytest.raises(ValidationError, match="not approved"):
        services.course_start(
            patient=patient, modality=Modality.IV, start_date=dt.date(2026, 3, 2), by=clinician
        )


def test_a_second_open_course_of_the_same_modality_is_refused(patient, clinician):
    course_started(patient, Modality.IV, clinician=clinician)
    with pytest.raises(ValidationError, match="already has an open"):
        services.course_start(
            patient=patient, modality=Modality.IV, start_date=dt.date(2026, 3, 9), by=clinician
        )


def test_the_front_desk_cannot_start_a_course(patient, clinician, front_desk):
    approve_patient(patient, Modality.IV, clinician=clinician)
    with pytest.raises(ValidationError, match="Only a prescriber"):
        services.course_start(
            patient=patient, modality=Modality.IV, start_date=dt.date(2026, 3, 2), by=front_desk
        )


def test_a_spravato_course_plans_induction_then_maintenance(patient, clinician, monday):
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    phases = list(course.planned.order_by("sequence").values_list("phase", flat=True))
    assert phases[:8] == ["induction"] * 8
    assert set(phases[8:]) == {"maintenance"}


def test_a_kap_course_starts_with_preparation(patient, clinician, monday):
    course = course_started(patient, Modality.KAP, clinician=clinician)
    first, second = course.planned.order_by("sequence")[:2]
    assert first.kind == PlannedSession.Kind.PREPARATION
    assert second.kind == PlannedSession.Kind.DOSING
    assert second.paired_integration


# ---------------------------------------------------------------- scheduling the series


def test_the_front_desk_books_the_whole_series_in_one_step(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(
        patient, Modality.IV, clinician=clinician, start_date=dt.date(2026, 3, 3)
    )
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert len(outcome.placed) == 6
    assert outcome.not_placed == []
    appointments = [p.appointment for p in course.planned.order_by("sequence")]
    days = [a.starts_at.astimezone(PACIFIC).date() for a in appointments]
    assert days == [dt.date(2026, 3, 3) + dt.timedelta(days=d) for d in (0, 2, 4, 7, 9, 11)]
    assert all(a.service.modality == Modality.IV for a in appointments)


def test_a_session_whose_day_is_full_is_reported_and_the_rest_are_booked(
    patient, other_patient, clinician, front_desk, infusion_chair, monday, location
):
    clinic = TreatmentSettings.load()
    clinic.series_search_days = 0
    clinic.save()
    course = course_started(
        patient, Modality.IV, clinician=clinician, start_date=dt.date(2026, 3, 3)
    )
    third = course.planned.get(sequence=3)
    # The only chair is taken all day on the third session's date (by five patients:
    # one patient gets at most one dose a day).
    from scheduling.services import appointment_book
    from tests.factories import PatientFactory
    from tests.scheduling.factories import service_of

    day = third.target_date
    for hour in (8, 10, 12, 14, 16):
        someone = other_patient if hour == 8 else PatientFactory()
        approve_patient(someone, Modality.IV, clinician=clinician)
        appointment_book(
            patient=someone,
            service=service_of("iv_infusion"),
            location=location,
            clinician=clinician,
            room=infusion_chair,
            starts_at=dt.datetime.combine(day, dt.time(hour, 15), tzinfo=PACIFIC),
            booked_by=front_desk,
        )
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert [p.sequence for p in outcome.placed] == [1, 2, 4, 5, 6]
    assert [(p.sequence, "No free" in reason) for p, reason in outcome.not_placed] == [(3, True)]
    third.refresh_from_db()
    assert third.appointment is None


def test_scheduling_again_books_only_what_is_missing(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(
        patient, Modality.IV, clinician=clinician, start_date=dt.date(2026, 3, 3)
    )
    services.course_schedule_series(course=course, location=location, by=front_desk)
    again = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert again.placed == []
    assert again.not_placed == []
    assert Appointment.objects.filter(patient=patient).count() == 6


# ---------------------------------------------------------------- charting


def test_a_high_pre_dose_blood_pressure_needs_a_reason(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    high = {**PRE_DOSE_OK, "pre_systolic": 172, "pre_diastolic": 104}
    with pytest.raises(ValidationError) as refused:
        services.session_record(
            session=session, by=clinician, section=ChartSection.PRE_DOSE, values=high
        )
    assert "172/104" in str(refused.value.message_dict["high_bp_reason"])
    services.session_record(
        session=session,
        by=clinician,
        section=ChartSection.PRE_DOSE,
        values={**high, "high_bp_reason": "Rechecked after 10 min rest: 150/95; Dr Morgan agrees."},
    )
    session.refresh_from_db()
    assert session.pre_systolic == 172
    assert session.high_bp_reason.startswith("Rechecked")


def test_the_bp_threshold_is_the_clinics_setting(patient, clinician, monday):
    clinic = TreatmentSettings.load()
    clinic.pre_dose_max_systolic = 120
    clinic.save()
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    with pytest.raises(ValidationError, match="120/100"):
        services.session_record(
            session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
        )


def test_an_iv_dose_is_computed_from_weight_and_mg_per_kg(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    services.session_record(
        session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    services.session_record(
        session=session, by=clinician, section=ChartSection.DOSE, values=dose_values("iv")
    )
    session.refresh_from_db()
    assert str(session.total_mg) == "35.0"


def test_a_dose_that_does_not_match_weight_and_mg_per_kg_is_refused(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    services.session_record(
        session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    with pytest.raises(ValidationError, match=r"is 35\.0 mg"):
        services.session_record(
            session=session,
            by=clinician,
            section=ChartSection.DOSE,
            values={**dose_values("iv"), "total_mg": 70},
        )


def test_the_first_spravato_dose_is_56_mg_with_two_devices(patient, clinician, monday):
    session = session_opened(course_started(patient, Modality.SPRAVATO, clinician=clinician))
    services.session_record(
        session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    with pytest.raises(ValidationError, match="Day 1"):
        services.session_record(
            session=session,
            by=clinician,
            section=ChartSection.DOSE,
            values={**dose_values("spravato"), "spravato_dose_mg": 84, "device_count": 3},
        )
    with pytest.raises(ValidationError, match="2 devices"):
        services.session_record(
            session=session,
            by=clinician,
            section=ChartSection.DOSE,
            values={**dose_values("spravato"), "device_count": 3},
        )


def test_a_spravato_session_needs_rems_enrollment_on_file(patient, clinician, monday):
    approve_patient(patient, Modality.SPRAVATO, clinician=clinician)
    course = services.course_start(
        patient=patient, modality=Modality.SPRAVATO, start_date=dt.date(2026, 3, 2), by=clinician
    )
    planned = course.planned.first()
    planned.appointment = visit_checked_in(patient, Modality.SPRAVATO)
    planned.save()
    with pytest.raises(ValidationError, match="REMS"):
        services.session_start(appointment=planned.appointment, by=clinician)


def test_the_front_desk_cannot_chart(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    with pytest.raises(ValidationError, match="Only a nurse or prescriber"):
        services.session_record(
            session=session, by=FrontDeskFactory(), section="pre_dose", values=PRE_DOSE_OK
        )


# ---------------------------------------------------------------- the discharge gate


def test_discharge_is_blocked_until_the_escort_is_confirmed(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    session_charted(session, by=clinician, discharge={**DISCHARGE_OK, "escort_confirmed": False})
    with pytest.raises(ValidationError) as refused:
        services.session_discharge(session=session, by=clinician)
    assert refused.value.messages == [
        "The responsible adult driving the patient home is not confirmed."
    ]
    services.session_record(
        session=session, by=clinician, section=ChartSection.DISCHARGE, values=DISCHARGE_OK
    )
    done = services.session_discharge(session=session, by=clinician)
    assert done.status == DosingSession.Status.DISCHARGED
    assert done.discharged_at is not None


def test_discharge_lists_everything_still_missing(patient, clinician, monday):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    with pytest.raises(ValidationError) as refused:
        services.session_discharge(session=session, by=clinician)
    text = " ".join(refused.value.messages)
    for missing in (
        "Pre-dose vitals",
        "dose",
        "Pre-discharge vitals",
        "responsible adult",
        "aftercare",
    ):
        assert missing in text


def test_spravato_discharge_waits_two_hours_from_the_servers_first_device_stamp(
    patient, clinician, monday
):
    session = session_opened(course_started(patient, Modality.SPRAVATO, clinician=clinician))
    services.session_record(
        session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    first_device = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PACIFIC)
    monday.move_to(first_device)
    services.session_record(
        session=session, by=clinician, section=ChartSection.DOSE, values=dose_values("spravato")
    )
    session.refresh_from_db()
    assert session.first_device_at == first_device  # "First device now": the server's clock
    monday.move_to(first_device + dt.timedelta(minutes=40))
    services.session_record(
        session=session,
        by=clinician,
        section=ChartSection.BP40,
        values={"bp40_systolic": 138, "bp40_diastolic": 88},
    )
    services.session_record(
        session=session, by=clinician, section=ChartSection.DISCHARGE, values=DISCHARGE_OK
    )
    monday.move_to(first_device + dt.timedelta(minutes=100))
    with pytest.raises(ValidationError, match="20 minutes to go"):
        services.session_discharge(session=session, by=clinician)
    monday.move_to(first_device + dt.timedelta(minutes=121))
    done = services.session_discharge(session=session, by=clinician)
    assert done.rems_form.due_on == dt.date(2026, 3, 9)


def test_a_discharged_chart_is_closed(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    with pytest.raises(ValidationError, match="closed"):
        services.session_record(
            session=session, by=clinician, section="pre_dose", values=PRE_DOSE_OK
        )
    with pytest.raises(ValidationError, match="closed"):
        services.session_discharge(session=session, by=clinician)


def test_discharge_writes_the_next_day_checkin_without_clinical_words(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    row = Notification.objects.get(kind=Kind.AFTERCARE_CHECKIN)
    assert row.recipient == patient
    assert row.send_at == dt.datetime(2026, 3, 3, 10, 0, tzinfo=PACIFIC)
    assert row.idempotency_key == f"session:{session.pk}:aftercare-checkin"
    assert set(row.context) <= ALLOWED_CONTEXT
    assert f"/treatments/my/sessions/{session.pk}/checkin/" in row.context["url"]


def test_discharge_calls_the_registered_hooks_inside_its_transaction(patient, clinician, monday):
    seen: list[tuple[int, bool]] = []

    def hook(session: DosingSession) -> None:
        seen.append((session.pk, session.discharged_at is not None))

    hooks.register_session_discharged(hook)
    try:
        session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    finally:
        hooks.unregister_session_discharged(hook)
    assert seen == [(session.pk, True)]


def test_a_failing_hook_rolls_the_discharge_back(patient, clinician, monday):
    session = session_charted(
        session_opened(course_started(patient, clinician=clinician), by=clinician), by=clinician
    )

    def broken(session: DosingSession) -> None:
        raise RuntimeError("integration is down")

    hooks.register_session_discharged(broken)
    try:
        with pytest.raises(RuntimeError):
            services.session_discharge(session=session, by=clinician)
    finally:
        hooks.unregister_session_discharged(broken)
    session.refresh_from_db()
    assert session.status == DosingSession.Status.IN_PROGRESS
    assert not Notification.objects.filter(kind=Kind.AFTERCARE_CHECKIN).exists()


def test_discharge_completes_the_booked_visit(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(patient, clinician=clinician, start_date=dt.date(2026, 3, 3))
    services.course_schedule_series(course=course, location=location, by=front_desk)
    with time_machine.travel(dt.datetime(2026, 3, 3, 12, 0, tzinfo=PACIFIC), tick=False):
        session = session_discharged(course, by=clinician)
    session.appointment.refresh_from_db()
    assert session.appointment.status == Appointment.Status.COMPLETED


# ---------------------------------------------------------------- maintenance and boosters


def test_when_induction_ends_the_course_moves_to_maintenance_with_its_booster(
    patient, clinician, front_desk, monday
):
    course = course_started(patient, clinician=clinician, booster_interval_days=18)
    for _ in range(5):
        session_discharged(course, by=clinician)
    course.refresh_from_db()
    assert course.phase == Course.Phase.INDUCTION
    session_discharged(course, by=clinician)
    course.refresh_from_db()
    assert course.phase == Course.Phase.MAINTENANCE
    assert course.next_booster_due == dt.date(2026, 3, 20)  # 2 March + 18 days
    booster = course.planned.get(kind=PlannedSession.Kind.BOOSTER)
    assert booster.target_date == dt.date(2026, 3, 20)
    rows = Notification.objects.filter(topic=f"course:{course.pk}:booster").order_by("send_at")
    assert [(r.kind, r.send_at.astimezone(PACIFIC).date()) for r in rows] == [
        (Kind.BOOSTER_DUE, dt.date(2026, 3, 17)),
        (Kind.BOOSTER_OVERDUE, dt.date(2026, 3, 22)),
    ]
    assert all(set(r.context) <= ALLOWED_CONTEXT for r in rows)


def test_a_new_booster_interval_moves_the_due_date_and_its_reminders(patient, clinician, monday):
    course = course_started(patient, clinician=clinician, booster_interval_days=18)
    for _ in range(6):
        session_discharged(course, by=clinician)
    services.course_set_booster_interval(course=course, interval_days=28, by=clinician)
    course.refresh_from_db()
    assert course.next_booster_due == dt.date(2026, 3, 30)
    pending = Notification.objects.filter(
        topic=f"course:{course.pk}:booster", status=Notification.Status.PENDING
    )
    assert {r.idempotency_key.split(":")[3] for r in pending} == {"2026-03-30"}


def test_booking_the_booster_cancels_its_reminders(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(patient, clinician=clinician, booster_interval_days=18)
    for _ in range(6):
        session_discharged(course, by=clinician)
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert [p.kind for p in outcome.placed] == [PlannedSession.Kind.BOOSTER]
    assert outcome.placed[0].appointment.service.kind == "booster"
    assert not Notification.objects.filter(
        topic=f"course:{course.pk}:booster", status=Notification.Status.PENDING
    ).exists()


def test_a_spravato_course_reaches_maintenance_after_eight_treatments(patient, clinician, monday):
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    for _ in range(8):
        session_discharged(course, by=clinician)
    course.refresh_from_db()
    assert course.phase == Course.Phase.MAINTENANCE
    assert course.next_booster_due is None  # weeks 5-9 are still planned


# ---------------------------------------------------------------- aftercare


def test_the_patient_acknowledges_aftercare_items(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    items = list(AftercareItem.objects.filter(modality="iv", is_active=True))
    assert len(items) >= 6
    added = services.aftercare_acknowledge(
        session=session, patient=patient, item_ids=[i.pk for i in items]
    )
    assert added == len(items)
    again = services.aftercare_acknowledge(session=session, patient=patient, item_ids=[items[0].pk])
    assert again == 0
    assert AftercareAcknowledgement.objects.filter(session=session).count() == len(items)


def test_spravato_aftercare_says_no_driving_until_after_restful_sleep() -> None:
    texts = AftercareItem.objects.filter(modality="spravato").values_list("text", flat=True)
    assert any("restful" in t for t in texts)
    assert any("988" in t for t in texts)


def test_another_patient_cannot_acknowledge(patient, other_patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    with pytest.raises(ValidationError, match="not your session"):
        services.aftercare_acknowledge(
            session=session, patient=other_patient, item_ids=[AftercareItem.objects.first().pk]
        )


def test_a_quiet_checkin_alerts_nobody(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    monday.move_to(services.checkin_opens_at(session))
    result = services.aftercare_checkin_submit(
        session=session,
        patient=patient,
        nausea="mild",
        dizziness="none",
        bp_concern=False,
        self_harm_thoughts=False,
    )
    assert not result.self_harm
    assert not StaffAlert.objects.exists()
    assert Notification.objects.get(kind=Kind.AFTERCARE_CHECKIN).status == "cancelled"


def test_a_concerning_checkin_alerts_the_clinicians(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    monday.move_to(services.checkin_opens_at(session))
    services.aftercare_checkin_submit(
        session=session,
        patient=patient,
        nausea="severe",
        dizziness="none",
        bp_concern=True,
        self_harm_thoughts=False,
    )
    alert = StaffAlert.objects.get()
    assert alert.kind == StaffAlert.Kind.AFTERCARE_CONCERN
    assert "severe nausea" in alert.title
    assert "blood pressure" in alert.title
    assert not alert.urgent


def test_self_harm_with_other_concerns_is_one_alert_that_names_them(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    monday.move_to(services.checkin_opens_at(session))
    services.aftercare_checkin_submit(
        session=session,
        patient=patient,
        nausea="severe",
        dizziness="none",
        bp_concern=False,
        self_harm_thoughts=True,
    )
    alert = StaffAlert.objects.get(patient=patient)
    assert (alert.kind, alert.urgent) == (StaffAlert.Kind.URGENT_SCREENING, True)
    assert "next-day check-in" in alert.title
    assert "severe nausea" in alert.title


def test_each_aftercare_check_in_is_its_own_safety_episode(patient, clinician, monday):
    """Self-harm reported after two sessions: two episodes, two alerts (the old key, one
    per patient, swallowed the second)."""
    course = course_started(patient, clinician=clinician)
    for _ in range(2):
        session = session_discharged(course, by=clinician)
        monday.move_to(services.checkin_opens_at(session))
        services.aftercare_checkin_submit(
            session=session,
            patient=patient,
            nausea="none",
            dizziness="none",
            bp_concern=False,
            self_harm_thoughts=True,
        )
    assert StaffAlert.objects.filter(patient=patient).count() == 2


def test_thoughts_of_self_harm_take_the_safety_path(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    monday.move_to(services.checkin_opens_at(session))
    result = services.aftercare_checkin_submit(
        session=session,
        patient=patient,
        nausea="none",
        dizziness="none",
        bp_concern=False,
        self_harm_thoughts=True,
    )
    assert result.self_harm
    assert Intake.objects.get(patient=patient).urgent
    assert StaffAlert.objects.filter(urgent=True, kind=StaffAlert.Kind.URGENT_SCREENING).exists()
    # One answer, one alert: no second "safety concern in a check-in" beside it.
    assert StaffAlert.objects.filter(patient=patient).count() == 1
    with pytest.raises(ValidationError, match="already sent"):
        services.aftercare_checkin_submit(
            session=session,
            patient=patient,
            nausea="none",
            dizziness="none",
            bp_concern=False,
            self_harm_thoughts=True,
        )
