"""Every page a signed-in user gets says Cache-Control: no-store (the access matrix's
routes, each as an actor it is meant for), so a shared workstation keeps no PHI."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access.spec import ACTORS, Route, World
from tests.access.test_access_matrix import ROUTES, world  # noqa: F401 (the fixture)

SIGNED_IN = [actor for actor in ACTORS if actor != "anonymous"]


def allowed_actor(route: Route) -> str:
    return next((a for a in SIGNED_IN if route.expect[a] == 200), SIGNED_IN[0])


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "get"], ids=lambda r: r.name)
def test_signed_in_pages_are_not_stored(route: Route, world: World) -> None:  # noqa: F811
    client = Client()
    client.force_login(world.users[allowed_actor(route)])
    response = client.get(reverse(route.name, kwargs=route.kwargs(world)) + route.query)
    assert response["Cache-Control"] == "no-store", (route.name, response.status_code)
