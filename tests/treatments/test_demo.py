"""The demo seeder gives the demo patient an IV course with one discharged infusion."""

from __future__ import annotations

import pytest

from intake.demo import seed_demo_intakes
from portal.management.commands.seed_demo import seed_people
from treatments.demo import seed_demo_course
from treatments.models import Course, DosingSession

pytestmark = pytest.mark.django_db


def test_the_demo_patient_has_a_course_with_one_infusion_done_and_seeding_twice_is_harmless():
    seed_people()
    seed_demo_intakes()
    seed_demo_course()
    seed_demo_course()
    course = Course.objects.get(patient__email="patient@demo.clinic")
    assert course.modality == "iv"
    assert course.planned.count() == 6
    assert list(DosingSession.objects.values_list("status", flat=True)) == ["discharged"]
