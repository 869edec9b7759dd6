"""Demo treatment data for `make run`: the demo patient (approved for IV by intake's demo
seeder) has an IV course with its first infusion charted and discharged. Idempotent."""

from __future__ import annotations

import datetime as dt
import decimal

from django.utils import timezone

from intake.modalities import Modality
from intake.selectors import approved_modalities
from portal.models import Location, User
from scheduling.models import Appointment, Service, ServiceKind
from treatments import services
from treatments.models import Course

DEMO_PATIENT = "patient@demo.clinic"
DEMO_NURSE = "nurse@demo.clinic"
DEMO_PRESCRIBER = "clinician@demo.clinic"


def _checked_in_visit_today(patient: User, nurse: User) -> Appointment:
    """Today's 07:00 infusion, already checked in (demo data, written directly: the
    clinic's hours and rooms are the scheduling demo's business)."""
    service = Service.objects.filter(kind=ServiceKind.IV_INFUSION, is_active=True).first()
    starts_at = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(7)))
    ends_at = starts_at + service.duration
    return Appointment.objects.create(
        patient=patient,
        service=service,
        location=Location.objects.filter(is_active=True).order_by("name").first(),
        clinician=nurse,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked=service.blocked_range(starts_at, ends_at),
        status=Appointment.Status.CHECKED_IN,
        status_changed_at=timezone.now(),
        status_changed_by=nurse,
    )


def seed_demo_course() -> None:
    patient = User.objects.filter(email=DEMO_PATIENT).first()
    nurse = User.objects.filter(email=DEMO_NURSE).first()
    prescriber = User.objects.filter(email=DEMO_PRESCRIBER).first()
    if patient is None or nurse is None or prescriber is None:
        return
    if Course.objects.filter(patient=patient).exists():
        return
    if Modality.IV not in approved_modalities(patient=patient):
        return
    course = services.course_start(
        patient=patient,
        modality=Modality.IV,
        start_date=timezone.localdate() - dt.timedelta(days=1),
        by=prescriber,
    )
    first = course.planned.order_by("sequence").first()
    first.appointment = _checked_in_visit_today(patient, nurse)
    first.save(update_fields=["appointment", "updated_at"])
    session = services.session_start(appointment=first.appointment, by=nurse)
    chart = {
        services.ChartSection.PRE_DOSE: {
            "pre_systolic": 128,
            "pre_diastolic": 82,
            "pre_heart_rate": 74,
            "pre_spo2": 98,
            "fasted": True,
            "no_alcohol_or_substances": True,
        },
        services.ChartSection.DOSE: {
            "weight_kg": decimal.Decimal("70.0"),
            "dose_mg_per_kg": decimal.Decimal("0.50"),
        },
        services.ChartSection.MONITORING: {"sedation": "mild", "dissociation": "moderate"},
        services.ChartSection.DISCHARGE: {
            "dis_systolic": 130,
            "dis_diastolic": 84,
            "dis_heart_rate": 78,
            "dis_spo2": 98,
            "escort_name": "Sam Rivera",
            "escort_phone": "(916) 555-0189",
            "escort_confirmed": True,
            "aftercare_reviewed": True,
        },
    }
    for section, values in chart.items():
        services.session_record(session=session, by=nurse, section=section, values=values)
    services.session_discharge(session=session, by=nurse)
