"""Hostile and random input into every form the portal has, through the test client.

The forms are found, not listed: every page of the access matrix is opened as someone
allowed in, and each <form method=post> that posts to one of our apps is filled by
Hypothesis with huge strings, other scripts, NUL bytes, overflowing and negative
numbers, impossible dates, HTML and SQL. For every submission:

- never a 500;
- a refused submission (the form again, or 4xx) leaves every table of ours as it was;
- a refused form says why, next to a field (or in the form's own error box);
- what was typed comes back escaped, never as markup.

Each example runs inside a savepoint that is rolled back, so all examples start from
the same world. FUZZ_EXAMPLES (default 20) sets the examples per form.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portal.audit import AuditEvent
from tests.access.spec import World
from tests.access.test_access_matrix import ROUTES
from tests.security.forms import OUR_NAMESPACES, Field, Form, discover_forms
from tests.security.routes import allowed_actors, client_as

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
XSS = "<script>alert('x')</script>"
HOSTILE = [
    "",
    " ",
    "\t\n",
    "\x00",
    "Ann\x00Lee",
    "A" * 100_000,
    "é" * 5_000,
    "😀" * 3_000,
    "\u202eevil",
    "Ωμέγα",
    "Добрый день",
    "心理健康",
    "مرحبا",
    "-1",
    "0",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "٣",
    "1,5",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "31/12/2026",
    "2026-13-01T25:61",
    "2026-03-08T02:30",  # does not exist in Los Angeles (spring forward)
    "-0001-01-01",
    XSS,
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "' OR 1=1 --",
    "'; DROP TABLE portal_user; --",
    "%_%",
    "../../etc/passwd",
    "a@b",
    "@@",
    "true",
    "on",
    "null",
]
UNICODE = st.characters(exclude_categories=("Cs",))


def hostile_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(UNICODE, max_size=300),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats().map(str),
        st.tuples(st.integers(-20, 99_999), st.integers(-1, 99), st.integers(-1, 99)).map(
            lambda t: f"{t[0]}-{t[1]:02}-{t[2]:02}"
        ),
    )


def field_values(entry: Field) -> st.SearchStrategy[Any]:
    offered = [v for v in entry.values if v is not None]
    single = st.one_of(st.sampled_from(offered), hostile_values()) if offered else hostile_values()
    if entry.multiple or entry.kind == "checkbox":
        return st.lists(single, max_size=4)
    return single


def submissions(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """Every field either left out, or given what the page offers, or something hostile."""
    # Browsers always send the hidden CSRF field; the test client does not check its value.
    optional = {CSRF: st.just("t" * 64)}
    optional.update({name: field_values(entry) for name, entry in form.fields.items()})
    return st.fixed_dictionaries({}, optional=optional).flatmap(
        lambda data: st.dictionaries(
            st.text(UNICODE, min_size=1, max_size=20), hostile_values(), max_size=2
        ).map(lambda extra: {**extra, **data})
    )


def our_tables() -> list[str]:
    existing = set(connection.introspection.table_names())  # models not yet migrated: skip
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in OUR_NAMESPACES
        and model is not AuditEvent  # reading clinical pages rightly writes audit rows
        and not model._meta.proxy
        and model._meta.managed
        and model._meta.db_table in existing
    )


def row_counts(tables: list[str]) -> dict[str, int]:
    quoted = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {quoted(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


ERROR_MARKS = (b"invalid-feedback", b"is-invalid", b"errorlist", b"alert-danger")


def browser_shaped(form: Form, data: dict[str, Any]) -> bool:
    """A browser sends every text field, select and hidden input (checkboxes, radios and
    buttons only when chosen). A person only ever sends such a submission, so only those
    must answer with a message; any submission at all must still never 500 or half-write."""
    always_sent = {n for n, f in form.fields.items() if f.kind not in OPTIONAL_KINDS}
    return always_sent | {CSRF} <= set(data)


CSRF = "csrfmiddlewaretoken"
OPTIONAL_KINDS = {"checkbox", "radio", "button", "submit", "image", "file"}


def problems_with(client: Client, form: Form, data: dict[str, Any], tables: list[str]) -> str:
    """Submit once, inside a savepoint that is always rolled back; say what went wrong."""
    before = row_counts(tables)
    failure = ""
    try:
        with transaction.atomic():
            try:
                response = client.post(form.action, data)
                after = row_counts(tables)
            except Exception as exc:  # the test client re-raises what became a 500
                failure = f"500: {type(exc).__name__}: {str(exc)[:300]}"
            finally:
                transaction.set_rollback(True)
    except Exception as exc:  # a transaction the view left broken
        failure = failure or f"500 (transaction): {type(exc).__name__}: {str(exc)[:300]}"
    if failure:
        return failure
    status = response.status_code
    content = response.content
    changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
    if status >= 500:
        return f"{status}"
    if XSS.encode() in content:
        return "typed markup came back unescaped"
    if status == 200:
        if changed:
            return f"refused (200) but wrote rows: {changed}"
        if browser_shaped(form, data) and not any(mark in content for mark in ERROR_MARKS):
            return "refused (200) with no error message on the form"
    elif status >= 400 and changed:
        return f"refused ({status}) but wrote rows: {changed}"
    return ""


def fuzz(form: Form, client: Client, tables: list[str]) -> str:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: it would replay many requests
        suppress_health_check=list(HealthCheck),
    )
    @given(submissions(form))
    def run(data: dict[str, Any]) -> None:
        problem = problems_with(client, form, data, tables)
        if problem:
            shown = {
                k: (v[:80] + "..." if isinstance(v, str) and len(v) > 80 else v)
                for k, v in data.items()
            }
            found.append(f"{form.label}: {problem}\n    data: {shown!r}")
            raise AssertionError(problem)

    with contextlib.suppress(AssertionError):  # recorded in `found`, with the data
        run()
    return found[0] if found else ""


def test_forms_are_found_from_the_pages_themselves(world: World) -> None:
    forms = {form.action: form for form in discover_forms(world)}
    profile = forms[reverse("portal:profile-edit")]
    assert profile.actor == "patient_a"
    assert {"legal_name", "date_of_birth", "phone"} <= set(profile.fields)
    preferred = profile.fields["preferred_location"]
    assert preferred.kind == "select"
    assert len(preferred.values) >= 3  # the three clinics (and the empty choice)


def test_the_row_count_covers_every_app(db: None) -> None:
    tables = our_tables()
    assert "portal_user" in tables
    assert "portal_auditevent" not in tables
    assert set(row_counts(tables)) == set(tables)


def test_every_form_survives_hostile_input(world: World) -> None:
    tables = our_tables()
    forms = discover_forms(world)
    assert forms
    clients = {actor: client_as(world, actor) for actor in {f.actor for f in forms}}
    failures = [p for form in forms if (p := fuzz(form, clients[form.actor], tables))]
    assert not failures, "\n".join(failures)


def test_the_fuzzer_notices_a_form_that_writes_before_refusing(
    world: World, monkeypatch: Any
) -> None:
    # Premise check: a profile form that saves half its data and then fails must be caught.
    import portal.views

    original = portal.views.PatientProfileForm

    class HalfWrites(original):  # type: ignore[misc, valid-type]
        def is_valid(self) -> bool:
            from portal.models import Location

            Location.objects.create(name="Half", slug="half", address="-", phone="-")
            return False

    monkeypatch.setattr(portal.views, "PatientProfileForm", HalfWrites)
    form = next(f for f in discover_forms(world) if f.action == reverse("portal:profile-edit"))
    problem = fuzz(form, client_as(world, form.actor), our_tables())
    assert "wrote rows" in problem


# --- ids in the URL ----------------------------------------------------------------------

OUT_OF_RANGE_IDS = [0, 2**31, 2**63, 10**30]


def test_ids_out_of_range_are_refused_not_a_500(world: World) -> None:
    failures = []
    for route in ROUTES:
        kwargs = route.kwargs(world)
        numeric = [k for k, v in kwargs.items() if isinstance(v, int) and not isinstance(v, bool)]
        actors = allowed_actors(route)
        if not numeric or not actors:
            continue
        client = client_as(world, actors[0])
        for key in numeric:
            for bad in OUT_OF_RANGE_IDS:
                url = reverse(route.name, kwargs={**kwargs, key: bad})
                send = client.post if route.method == "post" else client.get
                status = send(url, route.data(world)).status_code
                if status not in {403, 404}:
                    failures.append(f"{actors[0]} {route.method.upper()} {url}: {status}")
    assert not failures, "\n".join(failures)
