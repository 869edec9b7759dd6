"""Every number and date a page reads from its query string, fuzzed: never a 500.

Far-off dates (year 1, year 9999) once overflowed the day view and the confirm page's
slot search. The pages and their parameters are listed here, and a guard test fails
when a view starts reading request.GET without being listed.
"""

from __future__ import annotations

import inspect
import os
from urllib.parse import urlencode

import pytest
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access.spec import World
from tests.access.test_access_matrix import ROUTES, world  # noqa: F401 (the fixture)
from tests.security.routes import allowed_actors, client_as, route_url

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))

ODD = ["", " ", "x", "-1", "0", "1e309", "NaN", "\x00", "99999999999999999999", "2026-02-30"]
DATE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "10000-01-01", *ODD]),
    st.text(max_size=12),
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(ODD),
    st.text(max_size=12),
)
EDGE_DATES = ["9999-12-31", "0001-01-01", "2100-12-31", "2000-01-01", "10000-01-01", *ODD]
EDGE_NUMBERS = [str(2**31), str(-(2**31) - 1), str(2**63), "14", "15", *ODD]
TEXT = st.one_of(st.sampled_from(ODD), st.text(max_size=30))

# url name -> the query parameters its view reads, and what kind each is.
PARAMS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "scheduling:day-view": {"day": DATE, "location": NUMBER},
    "scheduling:request-confirm": {
        "start": DATE,
        "days": NUMBER,
        "location": NUMBER,
        "clinician": NUMBER,
        "room": NUMBER,
    },
    "treatments:planned-place": {
        "start": DATE,
        "days": NUMBER,
        "location": NUMBER,
        "clinician": NUMBER,
        "room": NUMBER,
    },
    "scheduling:request-queue": {
        "status": TEXT,
        "location": NUMBER,
        "service": NUMBER,
        "page": NUMBER,
    },
    "integration:slot-list": {"day": DATE},
    "scheduling:superbill": {"start": DATE, "end": DATE},
    "messaging:inbox": {"page": NUMBER},
    "scheduling:telehealth-list": {"page": NUMBER},
    "messaging:staff-inbox": {"show": TEXT, "page": NUMBER},
    "scheduling:billing-account-superbill": {"start": DATE, "end": DATE},
    "intake:review-queue": {"start": NUMBER, "status": TEXT, "location": TEXT},
    "intake:status-board": {"status": TEXT},
    "intake:intake-support": {"next": TEXT},
    "integration:trends": {"range": TEXT},
    "integration:patient-trends": {"range": TEXT},
    "portal:patient-search": {"q": TEXT, "page": NUMBER},
    "notifications:outbox-list": {"page": NUMBER},
}
GET_ROUTES = {r.name: r for r in ROUTES if r.method == "get"}


def reads_query_string(func: object) -> bool:
    source = inspect.getsource(inspect.unwrap(func))  # type: ignore[arg-type]
    return "request.GET" in source or "_trend_context(request" in source


def test_every_page_that_reads_the_query_string_is_fuzzed(world: World) -> None:  # noqa: F811
    unlisted = [
        name
        for name, route in GET_ROUTES.items()
        if reads_query_string(resolve(route_url(route, world).split("?")[0]).func)
        and name not in PARAMS
    ]
    assert unlisted == []


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_query_string_values_never_give_a_500(name: str, world: World) -> None:  # noqa: F811
    route = GET_ROUTES[name]
    client = client_as(world, allowed_actors(route)[0])
    url = route_url(route, world)
    strategy = st.fixed_dictionaries({}, optional=PARAMS[name])
    # The edges every parameter gets for sure, before Hypothesis's random ones.
    for param, kind in PARAMS[name].items():
        edges = EDGE_DATES if kind is DATE else EDGE_NUMBERS if kind is NUMBER else ODD
        for value in edges:
            response = client.get(f"{url}?{urlencode({param: value})}")
            assert response.status_code < 500, (param, value, response.status_code)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=strategy)
    def check(query: dict[str, str]) -> None:
        response = client.get(f"{url}?{urlencode(query)}")
        assert response.status_code < 500, (query, response.status_code)

    check()


def test_a_far_off_day_in_the_day_view_says_why_it_shows_today(world: World) -> None:  # noqa: F811
    client = client_as(world, "front_desk")
    for day in ("9999-12-31", "0001-01-01"):
        response = client.get(f"/scheduling/desk/day/?day={day}")
        assert response.status_code == 200
        assert "Pick a day between" in response.content.decode()


def test_a_far_off_search_on_the_confirm_page_says_why(world: World) -> None:  # noqa: F811
    route = GET_ROUTES["scheduling:request-confirm"]
    client = client_as(world, "front_desk")
    response = client.get(route_url(route, world) + "?start=9999-12-31&days=14")
    assert response.status_code == 200
    assert 'data-testid="search-invalid"' in response.content.decode()
