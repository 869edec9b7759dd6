from __future__ import annotations

from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert
from portal.services import staff_invite
from tests.access.spec import (
    CLINICIAN_PAGE,
    FRONT_DESK_PAGE,
    PATIENT_PAGE,
    STAFF_PAGE,
    Route,
    World,
    expect,
)
from tests.factories import FrontDeskFactory


def build(world: World) -> None:
    world.objects["alert"] = StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING,
        patient=world.patient_a,
        title="Screening needs review",
        dedupe_key="matrix:alert",
    )
    invitee = FrontDeskFactory(email="matrix.invitee@example.test")
    staff_invite(user=invitee, invited_by=None)
    url = Notification.objects.get(recipient=invitee, kind=Kind.STAFF_INVITATION).context["url"]
    world.objects["invitation_token"] = url.rstrip("/").rsplit("/", 1)[1]


ROUTES = [
    # The home page sends each person to their own home (a redirect), and shows
    # visitors the landing page.
    Route(
        "portal:home",
        expect(
            anonymous=200,
            patient_a=302,
            patient_b=302,
            front_desk=302,
            clinician=302,
            therapist=302,
            clinic_admin=302,
        ),
    ),
    Route("portal:patient-home", PATIENT_PAGE),
    # The language switcher answers everyone with a redirect back (a cookie, and a
    # patient's profile language).
    Route(
        "portal:language-set",
        expect(
            anonymous=302,
            patient_a=302,
            patient_b=302,
            front_desk=302,
            clinician=302,
            therapist=302,
            clinic_admin=302,
        ),
        method="post",
        data=lambda w: {"language": "es", "next": "/"},
    ),
    Route("portal:profile-edit", PATIENT_PAGE),
    Route("portal:front-desk-home", FRONT_DESK_PAGE),
    Route("portal:clinician-home", CLINICIAN_PAGE),
    Route(
        "portal:alert-resolve",
        expect(clinician=302, nurse=403),
        kwargs=lambda w: {"alert_id": w.objects["alert"].pk},
        method="post",
    ),
    # An invitation link is its own key: whoever holds it sees the set-up page (GET
    # changes nothing; the account is set up only with the password and a valid code).
    Route(
        "portal:invitation-accept",
        expect(
            anonymous=200,
            patient_a=200,
            patient_b=200,
            front_desk=200,
            clinician=200,
            therapist=200,
            clinic_admin=200,
        ),
        kwargs=lambda w: {"token": w.objects["invitation_token"]},
    ),
    # Staff find a patient and open their chart (what each role sees inside it is
    # tested in tests/portal/test_patient_chart.py); a patient has neither.
    Route("portal:patient-search", STAFF_PAGE, query="?q=C-000001"),
    Route(
        "portal:patient-chart",
        STAFF_PAGE,
        kwargs=lambda w: {"patient_id": w.patient_a.pk},
    ),
    # Health is public on purpose (load balancers probe it); 200 or 503 by health.
    Route(
        "portal:healthz",
        expect(
            anonymous=503,
            patient_a=503,
            patient_b=503,
            front_desk=503,
            clinician=503,
            therapist=503,
            clinic_admin=503,
        ),
        query="",
    ),
]
