"""With PORTAL_REQUIRE_STAFF_MFA on, staff set up an authenticator before any staff page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import enrol_totp
from tests.factories import ClinicAdminFactory, ClinicianFactory, FrontDeskFactory

STAFF_WITHOUT_MFA = [
    (FrontDeskFactory, "/front-desk/"),
    (ClinicianFactory, "/clinician/"),
    (ClinicAdminFactory, "/front-desk/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "url"), STAFF_WITHOUT_MFA)
def test_it_sends_staff_without_totp_to_set_it_up(
    settings: Any, client_for: Any, factory: Any, url: str
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client: Client = client_for(factory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    follow = client.get(response["Location"], follow=True)
    assert "Staff accounts need two-factor authentication" in follow.content.decode()


@pytest.mark.django_db
def test_it_blocks_every_staff_path_not_only_home_pages(settings: Any, client_for: Any) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client = client_for(ClinicianFactory())
    for url in ("/", "/admin/", "/clinician/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/2fa/totp/activate/", url


@pytest.mark.django_db
def test_staff_without_totp_may_still_reach_the_setup_and_log_out(
    settings: Any, client_for: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client = client_for(FrontDeskFactory())
    # allauth asks for the password again (reauthentication) before showing the form.
    assert client.get("/accounts/2fa/totp/activate/").status_code in {200, 302}
    assert not client.get("/accounts/2fa/totp/activate/")["Location"].endswith("/front-desk/")
    assert client.get("/healthz").status_code in {200, 503}
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "url"), STAFF_WITHOUT_MFA)
def test_it_lets_staff_with_totp_through(
    settings: Any, client_for: Any, factory: Any, url: str
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    user = factory()
    enrol_totp(user)
    assert client_for(user).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "url"), STAFF_WITHOUT_MFA)
def test_it_lets_staff_through_when_the_setting_is_off(
    settings: Any, client_for: Any, factory: Any, url: str
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    assert client_for(factory()).get(url).status_code == 200


def test_patients_never_need_totp(settings: Any, client_for: Any, patient: Any) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    client = client_for(patient)
    assert client.get("/patient/").status_code == 200
    assert client.get("/patient/profile/").status_code == 200


def test_anonymous_visitors_are_not_sent_to_mfa(settings: Any, client: Client) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    response = client.get("/front-desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
