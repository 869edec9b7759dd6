"""The admin: clinic data is editable, and no admin path creates a refused request or a
double booking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from scheduling.models import AppointmentRequest, ServiceKind
from tests.scheduling.factories import folsom, service_of

pytestmark = pytest.mark.django_db

ADD = "/admin/scheduling/appointmentrequest/add/"


def admin_request_data(patient, **overrides):
    today = timezone.localdate()
    data = {
        "patient": patient.pk,
        "service": service_of(ServiceKind.CONSULTATION).pk,
        "preferred_location": folsom().pk,
        "preferred_date_1": (today + dt.timedelta(days=2)).isoformat(),
        "preferred_time_1": "morning",
        "preferred_date_2": (today + dt.timedelta(days=3)).isoformat(),
        "preferred_time_2": "any",
        "preferred_date_3": "",
        "preferred_time_3": "",
        "contact_preference": "email",
        "payer_kind": "self_pay",
        "plan_name": "",
        "note": "",
        "status": "pending",
        "decline_reason": "",
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_a_medi_cal_request(client_for, clinic_admin, patient):
    client = client_for(clinic_admin)
    response = client.post(
        ADD, admin_request_data(patient, payer_kind="commercial", plan_name="Health Net Medi-Cal")
    )
    assert response.status_code == 200
    assert "does not currently accept Medi-Cal" in response.content.decode()
    assert not AppointmentRequest.objects.exists()
    accepted = client.post(ADD, admin_request_data(patient))
    assert accepted.status_code == 302
    assert AppointmentRequest.objects.count() == 1


def test_appointments_are_read_only_in_the_admin(client_for, clinic_admin):
    client = client_for(clinic_admin)
    assert client.get("/admin/scheduling/appointment/").status_code == 200
    assert client.get("/admin/scheduling/appointment/add/").status_code == 403


def test_clinic_data_is_editable_in_the_admin(client_for, clinic_admin):
    client = client_for(clinic_admin)
    for model in ("service", "room", "clinicianhours", "payerrule", "schedulingsettings"):
        assert client.get(f"/admin/scheduling/{model}/").status_code == 200, model
