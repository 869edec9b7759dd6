"""Set-ups for treatments tests, built through the real services."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from intake.modalities import Modality
from portal.models import User
from scheduling.models import Appointment, ServiceKind
from tests.factories import ClinicianFactory
from tests.intake.factories import approve_patient, enrol_rems
from tests.scheduling.factories import AppointmentFactory, service_of
from treatments import services
from treatments.models import Course, DosingSession
from treatments.services import ChartSection

PRE_DOSE_OK: dict[str, Any] = {
    "pre_systolic": 128,
    "pre_diastolic": 82,
    "pre_heart_rate": 74,
    "pre_spo2": 98,
    "fasted": True,
    "no_alcohol_or_substances": True,
    "nasal_spray_timing_ok": True,
}
DISCHARGE_OK: dict[str, Any] = {
    "dis_systolic": 130,
    "dis_diastolic": 84,
    "dis_heart_rate": 76,
    "dis_spo2": 98,
    "escort_name": "Sam Rivera",
    "escort_phone": "(916) 555-0189",
    "escort_confirmed": True,
    "aftercare_reviewed": True,
}


def dose_values(modality: str) -> dict[str, Any]:
    if modality == Modality.IV:
        return {"weight_kg": decimal.Decimal("70.0"), "dose_mg_per_kg": decimal.Decimal("0.50")}
    if modality == Modality.SPRAVATO:
        return {"spravato_dose_mg": 56, "device_count": 2, "lot_number": "LOT-4411"}
    return {"total_mg": decimal.Decimal("100.0"), "kap_route": "sublingual"}


DOSING_SERVICE = {
    Modality.IV: ServiceKind.IV_INFUSION,
    Modality.SPRAVATO: ServiceKind.SPRAVATO,
    Modality.KAP: ServiceKind.KAP,
}


def visit_checked_in(
    patient: User, modality: str, *, starts_at: dt.datetime | None = None
) -> Appointment:
    """Today's dosing visit of `patient`, checked in now: a row written directly (the
    booking rules are scheduling's tests). Each visit of the day starts a minute after
    the last and blocks one minute, so one patient's visits never overlap."""
    if starts_at is None:
        day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        earlier = Appointment.objects.filter(patient=patient, starts_at__gte=day_start).count()
        starts_at = day_start + dt.timedelta(minutes=earlier)
    return AppointmentFactory(
        patient=patient,
        service=service_of(DOSING_SERVICE[Modality(modality)]),
        starts_at=starts_at,
        blocked=DateTimeTZRange(starts_at, starts_at + dt.timedelta(minutes=1), "[)"),
        status=Appointment.Status.CHECKED_IN,
        status_changed_at=timezone.now(),
    )


def a_clinician(clinician: User | None = None) -> User:
    return clinician or ClinicianFactory()


def course_started(
    patient: User,
    modality: Modality = Modality.IV,
    *,
    clinician: User | None = None,
    start_date: dt.date | None = None,
    booster_interval_days: int | None = None,
    concurrent_reason: str = "",
) -> Course:
    doctor = a_clinician(clinician)
    approve_patient(patient, modality, clinician=doctor)
    if modality == Modality.SPRAVATO:
        enrol_rems(patient, prescriber=doctor)
    return services.course_start(
        patient=patient,
        modality=modality,
        start_date=start_date or timezone.localdate(),
        by=doctor,
        booster_interval_days=booster_interval_days,
        confirm_concurrent=bool(concurrent_reason),
        concurrent_reason=concurrent_reason,
    )


def session_opened(
    course: Course, *, sequence: int | None = None, by: User | None = None
) -> DosingSession:
    """Open the chart of the course's next planned dose (or dose `sequence`) from a visit
    today that the patient is checked in for (one is made when it has none)."""
    planned = course.planned.filter(kind__in=["dosing", "booster"], session__isnull=True)
    if sequence is not None:
        planned = planned.filter(sequence=sequence)
    planned = planned.select_related("appointment").order_by("sequence").first()
    visit = planned.appointment
    if visit is None or visit.status != Appointment.Status.CHECKED_IN:
        visit = visit_checked_in(course.patient, course.modality)
        planned.appointment = visit
        planned.save(update_fields=["appointment", "updated_at"])
    return services.session_start(appointment=visit, by=a_clinician(by))


def backdate_spravato_clock(session: DosingSession, *, minutes: int = 125) -> DosingSession:
    """Fixture shortcut: move a Spravato chart's check-in, opening and first-device stamp
    `minutes` back and record the 40-minute reading, so the observation time is over.
    (The real clock is walked in test_dosing_day.py and the browser test.)"""
    first = timezone.now() - dt.timedelta(minutes=minutes)
    DosingSession.objects.filter(pk=session.pk).update(
        checked_in_at=first - dt.timedelta(minutes=5),
        created_at=first - dt.timedelta(minutes=5),
        first_device_at=first,
        dose_given_at=first,
        dose_stamped_at=first,
        bp40_systolic=136,
        bp40_diastolic=86,
        bp40_recorded_at=first + dt.timedelta(minutes=40),
    )
    session.refresh_from_db()
    return session


def session_charted(
    session: DosingSession, *, by: User | None = None, discharge: dict[str, Any] | None = None
) -> DosingSession:
    nurse = a_clinician(by)
    services.session_record(
        session=session, by=nurse, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    services.session_record(
        session=session, by=nurse, section=ChartSection.DOSE, values=dose_values(session.modality)
    )
    if session.modality == Modality.SPRAVATO:
        backdate_spravato_clock(session)
    services.session_record(
        session=session,
        by=nurse,
        section=ChartSection.DISCHARGE,
        values=DISCHARGE_OK if discharge is None else discharge,
    )
    session.refresh_from_db()
    return session


def session_discharged(course: Course, *, by: User | None = None) -> DosingSession:
    nurse = a_clinician(by)
    session = session_charted(session_opened(course, by=nurse), by=nurse)
    return services.session_discharge(session=session, by=nurse)
