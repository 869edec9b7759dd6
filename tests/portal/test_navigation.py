"""The layout's navigation: the links a role may open, the current one marked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def nav_links(html: str) -> list[tuple[str, bool]]:
    """(href, is current) for each link in the navigation bar."""
    nav = html.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]
    return [
        (href, 'aria-current="page"' in link)
        for link, href in re.findall(r'(<a class="nav-link[^"]*" href="([^"]+)"[^>]*>)', nav)
    ]


@pytest.mark.django_db
def test_a_patient_sees_their_links_with_the_current_page_marked(patient, client_for) -> None:
    page = reverse("treatments:my-courses")
    links = nav_links(client_for(patient).get(page).content.decode())
    assert (page, True) in links
    assert sum(current for _, current in links) == 1
    assert all(not href.startswith("/scheduling/desk") for href, _ in links)


@pytest.mark.django_db
def test_the_mark_does_not_follow_to_a_page_outside_the_bar(patient, client_for) -> None:
    client = client_for(patient)
    client.get(reverse("treatments:my-courses"))  # draws and keeps that page's navigation
    links = nav_links(client.get(reverse("portal:patient-home")).content.decode())
    assert links
    assert not any(current for _, current in links)


@pytest.mark.django_db
def test_front_desk_sees_the_desk_and_not_the_patients_links(front_desk, client_for) -> None:
    links = nav_links(client_for(front_desk).get(reverse("scheduling:day-view")).content.decode())
    hrefs = [href for href, _ in links]
    assert reverse("scheduling:request-queue") in hrefs
    assert reverse("portal:patient-home") not in hrefs
