"""Set-ups for treatments tests, built through the real services."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.utils import timezone

from intake.modalities import Modality
from portal.models import User
from tests.factories import ClinicianFactory
from tests.intake.factories import approve_patient, enrol_rems
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


def dose_values(modality: str, *, first_device_at: dt.datetime | None = None) -> dict[str, Any]:
    if modality == Modality.IV:
        return {"weight_kg": decimal.Decimal("70.0"), "dose_mg_per_kg": decimal.Decimal("0.50")}
    if modality == Modality.SPRAVATO:
        return {
            "spravato_dose_mg": 56,
            "device_count": 2,
            "lot_number": "LOT-4411",
            "first_device_at": first_device_at or timezone.now() - dt.timedelta(hours=2, minutes=5),
        }
    return {"total_mg": decimal.Decimal("100.0"), "kap_route": "sublingual"}


def a_clinician(clinician: User | None = None) -> User:
    return clinician or ClinicianFactory()


def course_started(
    patient: User,
    modality: Modality = Modality.IV,
    *,
    clinician: User | None = None,
    start_date: dt.date | None = None,
    booster_interval_days: int | None = None,
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
    )


def session_opened(
    course: Course, *, sequence: int | None = None, by: User | None = None
) -> DosingSession:
    planned = course.planned.filter(kind__in=["dosing", "booster"], session__isnull=True)
    if sequence is not None:
        planned = planned.filter(sequence=sequence)
    return services.session_start(planned=planned.order_by("sequence").first(), by=a_clinician(by))


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
