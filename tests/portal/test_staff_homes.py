"""The front-desk and clinician home pages, and handling an alert."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit import AuditEvent
from portal.models import User
from portal.notifications.models import StaffAlert


@pytest.fixture
def alert(patient: User) -> StaffAlert:
    return StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING,
        patient=patient,
        title="Screening needs review",
        urgent=True,
        dedupe_key="home-test:a",
    )


def test_the_clinician_home_lists_open_alerts_and_audits_each_read(
    client_for: Any, clinician: User, patient: User, alert: StaffAlert
) -> None:
    response = client_for(clinician).get("/clinician/")
    assert response.status_code == 200
    assert "Screening needs review" in response.content.decode()
    event = AuditEvent.objects.get(action="staff_alert.list")
    assert (event.actor, event.patient, event.object_id) == (clinician, patient, str(alert.pk))


def test_the_clinician_home_without_alerts_says_so_and_audits_nothing(
    client_for: Any, clinician: User
) -> None:
    response = client_for(clinician).get("/clinician/")
    assert "No open alerts." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_front_desk_never_sees_the_clinician_home(
    client_for: Any, front_desk: User, alert: StaffAlert
) -> None:
    assert client_for(front_desk).get("/clinician/").status_code == 403


def test_a_clinician_marks_an_alert_handled(
    client_for: Any, clinician: User, alert: StaffAlert
) -> None:
    response = client_for(clinician).post(f"/clinician/alerts/{alert.pk}/resolve/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_by == clinician


def test_resolving_an_alert_refuses_get_and_other_roles(
    client_for: Any, clinician: User, front_desk: User, patient: User, alert: StaffAlert
) -> None:
    url = f"/clinician/alerts/{alert.pk}/resolve/"
    assert client_for(clinician).get(url).status_code == 405
    assert client_for(front_desk).post(url).status_code == 403
    assert client_for(patient).post(url).status_code == 403
    assert client_for(clinician).post("/clinician/alerts/987654/resolve/").status_code == 404
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_the_front_desk_home_opens_for_front_desk_and_admin(
    client_for: Any, front_desk: User, clinic_admin: User, clinician: User, patient: User
) -> None:
    assert client_for(front_desk).get("/front-desk/").status_code == 200
    assert client_for(clinic_admin).get("/front-desk/").status_code == 200
    assert client_for(clinician).get("/front-desk/").status_code == 403
    assert client_for(patient).get("/front-desk/").status_code == 403
