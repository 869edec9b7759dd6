"""Each security control, with a test that fails when the control is switched off.

tests/portal covers how each control behaves. Here each test first shows the control
biting, then switches it off (a setting, or its middleware taken out) and shows the
same request getting through: proof that the first assertion depends on the control
and not on something else that happens to refuse the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

import portal.audit
import portal.settings as production
from portal.audit import AuditEvent
from portal.models import Role, User
from tests.access.spec import World
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.security.routes import CLINICAL_CAPABILITIES, Visit, clinical_pages, get_pages

START = dt.datetime(2026, 3, 3, 17, 0, tzinfo=dt.UTC)
MFA_MIDDLEWARE = "portal.middleware.StaffMFARequiredMiddleware"
IDLE_MIDDLEWARE = "portal.middleware.IdleTimeoutMiddleware"
STAFF_FACTORIES = {
    "front_desk": FrontDeskFactory,
    "clinician": ClinicianFactory,
    "clinic_admin": lambda **kw: User.objects.create_user(
        password=TEST_PASSWORD, role=Role.CLINIC_ADMIN, is_staff=True, **kw
    ),
}


def without(middleware: list[str], name: str) -> list[str]:
    assert name in middleware, f"{name} is not installed at all"
    return [m for m in middleware if m != name]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- staff MFA ---------------------------------------------------------------------------


def test_production_requires_staff_mfa_by_default() -> None:
    assert production.PORTAL_REQUIRE_STAFF_MFA is True
    assert MFA_MIDDLEWARE in production.MIDDLEWARE


def test_every_staff_page_waits_for_totp_and_would_not_if_mfa_were_off(
    world: World, settings: Any
) -> None:
    staff_pages = [v for v in get_pages(world) if v.actor in STAFF_FACTORIES]
    assert staff_pages, "no staff pages found in the access matrix"
    fresh = {
        role: make(email=f"nototp.{role}@example.test") for role, make in STAFF_FACTORIES.items()
    }
    setup_url = reverse("mfa_activate_totp")

    def answers(visit: Visit) -> Any:
        client = Client()
        client.force_login(fresh[visit.actor])
        return client.get(visit.url)

    for visit in staff_pages:
        response = answers(visit)
        assert response.status_code == 302, visit.label
        assert response["Location"] == setup_url, visit.label

    settings.PORTAL_REQUIRE_STAFF_MFA = False
    for visit in staff_pages:
        assert answers(visit).status_code == 200, f"{visit.label} with MFA off"

    settings.PORTAL_REQUIRE_STAFF_MFA = True
    settings.MIDDLEWARE = without(settings.MIDDLEWARE, MFA_MIDDLEWARE)
    for visit in staff_pages:
        assert answers(visit).status_code == 200, f"{visit.label} without the middleware"


def test_a_staff_password_alone_does_not_sign_in(clinician: User, settings: Any) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": clinician.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(reverse("portal:clinician-home")).status_code == 302

    # Premise: without the TOTP device the same password signs straight in.
    clinician.authenticator_set.all().delete()
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client = Client()
    client.post(reverse("account_login"), {"login": clinician.email, "password": TEST_PASSWORD})
    assert signed_in(client)


# --- login rate limit ----------------------------------------------------------------------


@pytest.fixture
def production_rate_limits(db: None, settings: Any) -> Iterator[None]:
    # The suite raises the limits (it logs in a lot); put production's back, on a clean slate.
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


TOO_MANY = b"Too many failed login attempts"


def failed_logins(client: Client, email: str, times: int) -> list[bool]:
    """Wrong passwords; for each, whether the portal said "too many attempts"."""
    refused = []
    for _ in range(times):
        response = client.post(
            reverse("account_login"), {"login": email, "password": "wrong-guess-1"}
        )
        assert response.status_code in {200, 429}
        refused.append(response.status_code == 429 or TOO_MANY in response.content)
    return refused


def test_production_limits_failed_logins_per_account() -> None:
    assert "login_failed" in production.ACCOUNT_RATE_LIMITS
    assert "/key" in production.ACCOUNT_RATE_LIMITS["login_failed"]


def test_password_guessing_is_stopped_and_would_not_be_without_limits(
    production_rate_limits: None, settings: Any
) -> None:
    victim = PatientFactory(email="guessed@example.test")
    client = Client()
    assert failed_logins(client, victim.email, 5) == [False] * 5
    # The sixth try is refused even with the right password.
    response = client.post(
        reverse("account_login"), {"login": victim.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429 or TOO_MANY in response.content
    assert not signed_in(client)

    settings.ACCOUNT_RATE_LIMITS = False
    cache.clear()
    client = Client()
    assert failed_logins(client, victim.email, 6) == [False] * 6
    client.post(reverse("account_login"), {"login": victim.email, "password": TEST_PASSWORD})
    assert signed_in(client), "premise: without limits the seventh try gets in"


def test_one_address_cannot_spray_many_accounts(
    production_rate_limits: None, settings: Any
) -> None:
    client = Client()
    refused = [failed_logins(client, f"spray{n}@example.test", 1)[0] for n in range(12)]
    assert refused[:10] == [False] * 10
    assert refused[10:] == [True, True]

    settings.ACCOUNT_RATE_LIMITS = False
    cache.clear()
    assert not any(failed_logins(client, f"spray{n}@example.test", 1)[0] for n in range(12))


# --- idle timeout --------------------------------------------------------------------------


def visit_after(client: Client, url: str, minutes: float) -> Any:
    with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
        return client.get(url)


def signed_in_clinician(clinician: User) -> Client:
    client = Client()
    with time_machine.travel(START, tick=False):
        client.force_login(clinician)
        assert client.get(reverse("portal:clinician-home")).status_code == 200
    return client


def test_idle_staff_are_signed_out_and_would_not_be_without_the_control(
    clinician: User, settings: Any
) -> None:
    url = reverse("portal:clinician-home")
    assert visit_after(signed_in_clinician(clinician), url, 16).status_code == 302

    settings.MIDDLEWARE = without(settings.MIDDLEWARE, IDLE_MIDDLEWARE)
    # The session cookie alone lives as long as the longest role limit (30 minutes).
    assert visit_after(signed_in_clinician(clinician), url, 16).status_code == 200


def test_the_staff_limit_is_what_signs_them_out(clinician: User, settings: Any) -> None:
    url = reverse("portal:clinician-home")
    settings.PORTAL_STAFF_IDLE_MINUTES = 60
    assert visit_after(signed_in_clinician(clinician), url, 16).status_code == 200


def test_production_idle_limits_are_short() -> None:
    assert production.PORTAL_STAFF_IDLE_MINUTES <= 15
    assert production.PORTAL_PATIENT_IDLE_MINUTES <= 30
    assert IDLE_MIDDLEWARE in production.MIDDLEWARE
    assert production.SESSION_SAVE_EVERY_REQUEST is True


# --- audit coverage ------------------------------------------------------------------------

# Pages guarded by a clinical capability that show no patient's clinical data, each with the
# reason; an entry whose page does not exist (or starts auditing) fails below.
AUDIT_EXEMPT: dict[str, str] = {}


def unaudited(world: World, visits: list[Visit]) -> list[str]:
    client = Client()
    client.force_login(world.users["clinician"])
    missing = []
    for visit in visits:
        before = AuditEvent.objects.count()
        response = client.get(visit.url)
        assert response.status_code == 200, visit.label
        if AuditEvent.objects.count() == before:
            missing.append(visit.route.name)
    return missing


def test_clinical_pages_are_found_from_the_views_own_capabilities(world: World) -> None:
    pages = clinical_pages(world)
    assert "portal:clinician-home" in {v.route.name for v in pages}
    assert all(CLINICAL_CAPABILITIES for v in pages)


def test_every_clinical_page_leaves_an_audit_record(world: World) -> None:
    visits = [v for v in clinical_pages(world) if v.route.name not in AUDIT_EXEMPT]
    missing = unaudited(world, visits)
    assert not missing, f"clinical pages that write no AuditEvent for a clinician: {missing}"


def test_audit_exemptions_are_still_needed(world: World) -> None:
    names = {v.route.name: v for v in clinical_pages(world)}
    assert set(AUDIT_EXEMPT) <= set(names), "exempt pages that no longer exist"
    exempt = [names[n] for n in AUDIT_EXEMPT]
    assert sorted(unaudited(world, exempt)) == sorted(AUDIT_EXEMPT), "exempt pages now audit"


def test_the_audit_check_fails_when_auditing_is_switched_off(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    audited = [
        v
        for v in clinical_pages(world)
        if v.route.name not in AUDIT_EXEMPT and v.route.name not in unaudited(world, [v])
    ]
    assert audited, "no audited clinical page yet to switch off"

    # The one place audit rows are written (one row, or a list page's rows), now
    # writing nothing.
    monkeypatch.setattr(portal.audit, "_write", lambda events: None)
    assert unaudited(world, audited) == [v.route.name for v in audited]
