"""What the security tests walk: the access matrix's routes, as the people allowed in.

Nothing is listed here by hand. The routes come from tests/access/<app>_routes.py (which
the matrix forces every app to keep complete), and the views' own `@require(...)`
capabilities say which pages are clinical, so a page that lands tomorrow is covered
by these tests the day it lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import resolve, reverse

from portal.permissions import Capability
from tests.access.spec import ACTORS, Actor, Route, World
from tests.access.test_access_matrix import ROUTES

CLINICAL_CAPABILITIES = frozenset(
    {Capability.CLINICAL_VIEW, Capability.SESSION_CHART, Capability.CLINICAL_DECIDE}
)
SUCCESS = {200, 201, 204, 301, 302, 303}
# Who to try first when several may open a page: the patient who owns the objects, then
# staff from the most to the least clinical.
PREFERENCE: tuple[Actor, ...] = (
    "patient_a",
    "clinician",
    "front_desk",
    "clinic_admin",
    "patient_b",
    "anonymous",
)


@dataclass(frozen=True)
class Visit:
    route: Route
    actor: Actor
    url: str

    @property
    def label(self) -> str:
        return f"{self.actor} {self.route.method.upper()} {self.url}"


def route_url(route: Route, world: World) -> str:
    return reverse(route.name, kwargs=route.kwargs(world)) + route.query


def required_capabilities(url: str) -> frozenset[Capability]:
    func = resolve(url.split("?", 1)[0]).func
    return frozenset(getattr(func, "required_capabilities", ()))


def allowed_actors(route: Route) -> list[Actor]:
    return [a for a in PREFERENCE if route.expect[a] in SUCCESS]


def client_as(world: World, actor: Actor) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


def get_pages(world: World) -> list[Visit]:
    """Every GET route, as each person the matrix lets in with a 200."""
    visits = []
    for route in ROUTES:
        if route.method != "get":
            continue
        url = route_url(route, world)
        visits.extend(Visit(route, a, url) for a in ACTORS if route.expect[a] == 200)
    return visits


def clinical_pages(world: World) -> list[Visit]:
    """GET pages guarded by a clinical capability that a clinician may open."""
    return [
        Visit(route, "clinician", url)
        for route in ROUTES
        if route.method == "get"
        and route.expect["clinician"] == 200
        and required_capabilities(url := route_url(route, world)) & CLINICAL_CAPABILITIES
    ]


def post_routes(world: World) -> list[Visit]:
    """Every POST route of the matrix, as the first person allowed to use it."""
    visits = []
    for route in ROUTES:
        actors = allowed_actors(route)
        if route.method == "post" and actors:
            visits.append(Visit(route, actors[0], route_url(route, world)))
    return visits


def distinct_text(world: World) -> dict[str, Any]:
    """Patient A's identifying details, for tests that look for leaks."""
    patient = world.patient_a
    profile = getattr(patient, "patient_profile", None)
    values = {"email": patient.email, "full_name": patient.full_name}
    if profile is not None:
        values.update(
            legal_name=profile.legal_name,
            preferred_name=profile.preferred_name,
            phone=profile.phone,
        )
    return {k: v for k, v in values.items() if v}
