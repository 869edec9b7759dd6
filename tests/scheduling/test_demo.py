"""The demo seeder gives every location its chairs and rooms, the demo clinicians their
hours and the demo patient a waiting request, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.models import Location
from scheduling.models import AppointmentRequest, ClinicianHours, Room, RoomKind

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_rooms_hours_and_a_request() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Room.objects.count(),
        ClinicianHours.objects.count(),
        AppointmentRequest.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        Room.objects.count(),
        ClinicianHours.objects.count(),
        AppointmentRequest.objects.count(),
    )
    for location in Location.objects.all():
        kinds = set(location.rooms.values_list("kind", flat=True))
        assert {RoomKind.INFUSION_CHAIR, RoomKind.SPRAVATO_ROOM, RoomKind.THERAPY_ROOM} <= kinds
    assert ClinicianHours.objects.filter(location__isnull=True).exists()  # telehealth hours
    assert AppointmentRequest.objects.filter(patient__email="patient@demo.clinic").count() == 1
