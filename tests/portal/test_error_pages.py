"""403, 404 and 500 pages wear the portal's layout, fit a phone, lead home and, for
patients, show the crisis lines; a 403 logs one line with the user and the path."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory

from portal import urls as root_urls
from portal.models import User
from portal.views import server_error

pytestmark = pytest.mark.django_db

PHONE = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def assert_portal_layout(html: str) -> None:
    assert PHONE in html
    assert "portal.css" in html
    assert 'data-testid="error-home"' in html


def test_a_404_uses_the_layout_and_shows_a_patient_the_crisis_lines(
    patient: User, client_for
) -> None:
    response = client_for(patient).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_portal_layout(html)
    assert 'href="tel:988"' in html
    assert 'href="tel:911"' in html


def test_a_403_uses_the_layout_and_shows_a_patient_the_crisis_lines(
    patient: User, client_for
) -> None:
    response = client_for(patient).get("/front-desk/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html)
    assert 'data-testid="error-crisis"' in html


def test_staff_error_pages_lead_home_without_the_patient_crisis_box(
    front_desk: User, client_for
) -> None:
    response = client_for(front_desk).get("/no-such-page/")
    html = response.content.decode()
    assert_portal_layout(html)
    assert 'data-testid="error-crisis"' not in html


def test_the_500_page_renders_without_the_request_and_shows_the_crisis_lines() -> None:
    assert root_urls.handler500 == "portal.views.server_error"
    response = server_error(RequestFactory().get("/boom/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert_portal_layout(html)
    assert 'href="tel:988"' in html
    assert "Sign out" not in html  # nothing that reads the (possibly broken) session


def test_a_403_logs_one_line_with_the_user_and_path(patient: User, client_for, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client_for(patient).get("/front-desk/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert records[0].getMessage() == f"Forbidden: user={patient.pk} role=patient path=/front-desk/"
