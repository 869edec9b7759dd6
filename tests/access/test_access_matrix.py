"""Every URL of our apps, opened by eight people, with objects owned by patient A.

The URL list comes from the resolver: a new URL without a Route in
tests/access/<app>_routes.py fails `test_every_url_has_an_access_rule`.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access
from tests.access.admin_routes import admin_url_names
from tests.access.spec import ACTORS, ADMIN_LOGIN, LOGIN, Actor, Route, World
from tests.conftest import enrol_totp
from tests.factories import ClinicAdminFactory, ClinicianFactory, FrontDeskFactory, PatientFactory

OUR_NAMESPACES = {
    "portal",
    "notifications",
    "messaging",
    "intake",
    "scheduling",
    "treatments",
    "integration",
}


def _route_modules() -> list[Any]:
    return [
        importlib.import_module(f"tests.access.{info.name}")
        for info in pkgutil.iter_modules(tests.access.__path__)
        if info.name.endswith("_routes")
    ]


MODULES = _route_modules()
ROUTES: list[Route] = [route for module in MODULES for route in module.ROUTES]


def _our_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace in OUR_NAMESPACES and entry.name:
                names.add(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, None)
    # The Django admin's pages of every clinical model registered there.
    return names | admin_url_names()


def test_every_url_has_an_access_rule() -> None:
    missing = _our_url_names() - {route.name for route in ROUTES}
    assert not missing, f"URLs with no row in the access matrix: {sorted(missing)}"


def test_no_access_rule_names_a_url_that_is_gone() -> None:
    stale = {route.name for route in ROUTES} - _our_url_names()
    assert not stale, f"Access rules for URLs that no longer exist: {sorted(stale)}"


def build_world() -> World:
    """The cast and patient A's objects (also the accessibility test's world)."""
    users: dict[str, Any] = {
        "patient_a": PatientFactory(email="matrix.a@example.test"),
        "patient_b": PatientFactory(email="matrix.b@example.test"),
        "front_desk": FrontDeskFactory(email="matrix.fd@example.test"),
        "clinician": ClinicianFactory(email="matrix.doc@example.test"),
        "nurse": ClinicianFactory(email="matrix.rn@example.test", clinician_kind="nurse"),
        "therapist": ClinicianFactory(email="matrix.lmft@example.test", clinician_kind="therapist"),
        "clinic_admin": ClinicAdminFactory(email="matrix.admin@example.test"),
    }
    for key in ("front_desk", "clinician", "nurse", "therapist", "clinic_admin"):
        enrol_totp(users[key])
    world = World(users=users)
    for module in MODULES:
        module.build(world)
    return world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}:{r.name}")
def test_access(route: Route, actor: Actor, world: World) -> None:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    if route.method == "post":
        response = client.post(url, route.data(world))
    else:
        response = client.get(url)
    expected = route.expect[actor]
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, f"{actor} {url}: {response.status_code}"
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{actor} {route.method.upper()} {url}: {response.status_code}, expected {expected}"
        )
