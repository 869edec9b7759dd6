"""Placing one planned session by hand uses the slot picker: the planned day first and
marked, the days after grouped below, and the clinician filter narrowing the times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from intake.modalities import Modality
from tests.factories import ClinicianFactory
from tests.scheduling.factories import folsom, hours_every_day
from tests.treatments.factories import course_started

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 3, 3)


def test_the_planned_day_comes_first_and_the_clinician_filter_narrows(
    client_for, patient, clinician, front_desk, infusion_chair, monday, location
):
    other_nurse = ClinicianFactory(full_name="Nico Alvarez", clinician_kind="nurse")
    hours_every_day(other_nurse, folsom())
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    planned = course.planned.filter(kind="dosing").order_by("sequence")[1]
    url = reverse("treatments:planned-place", args=[course.pk, planned.pk])
    start = planned.target_date - dt.timedelta(days=1)
    client = client_for(front_desk)
    page = client.get(url, {"start": start.isoformat(), "days": 3})
    picker = page.context["picker"]
    assert picker.groups[0].day == planned.target_date
    assert picker.groups[0].fits
    assert [g.day for g in picker.groups[1:]] == [
        start,
        planned.target_date + dt.timedelta(days=1),
    ]
    html = page.content.decode()
    assert "On the planned day" in html
    assert {name for _pk, name in picker.clinicians} == {str(clinician), "Nico Alvarez"}

    narrowed = client.get(
        url, {"start": start.isoformat(), "days": 3, "clinician": other_nurse.pk}
    ).context["picker"]
    assert {o.offer.clinician_id for g in narrowed.groups for o in g.options} == {other_nurse.pk}
