"""Every page each person reaches passes axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA).

The pages come from the access matrix (tests/access/): each GET route whose expected
status for that person is 200, with the matrix's own world of objects. Each person is
checked on a phone (390 px) and a desktop (1366 px), in one browser context each, and
also after an empty submit of the main forms (sign-up, sign-in, the request form, an
intake step, the daily mood), where errors must be tied to their fields and announced.
On the phone (390 px, and 320 px) no page may scroll sideways.

Run these alone with:  CI=true .venv/bin/python -m pytest tests/e2e/test_accessibility.py
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.access.spec import Actor, World
from tests.access.test_access_matrix import ROUTES, build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# axe-core's tags for WCAG 2.0, 2.1 and 2.2, levels A and AA (2.2 adds AA rules only),
# plus its best-practice rule against empty table headers (the issue asks for none).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
# Who is checked: every role, plus a new patient (patient B: no intake sent yet).
PEOPLE: tuple[Actor, ...] = (
    "anonymous",
    "patient_a",
    "patient_b",
    "front_desk",
    "clinician",
    "nurse",
    "therapist",
    "clinic_admin",
)
# Pages outside the matrix (allauth's), open to visitors.
VISITOR_PAGES = ("account_login", "account_signup", "account_reset_password")


@dataclass(frozen=True)
class EmptySubmit:
    """A form submitted empty (the browser's own checks off, as a server must expect)."""

    actor: Actor
    url_name: str
    button: str
    kwargs: tuple[tuple[str, str], ...] = ()
    presses: int = 1  # the intake's contact step may be empty: its next step may not


EMPTY_SUBMITS = (
    EmptySubmit("anonymous", "account_signup", "Sign Up"),
    EmptySubmit("anonymous", "account_login", "Sign In"),
    EmptySubmit("patient_a", "scheduling:request-create", "Send request"),
    EmptySubmit(
        "patient_b", "intake:intake-step", "Save and continue", (("step", "contact"),), presses=2
    ),
    EmptySubmit("patient_a", "integration:mood-edit", "Save mood"),
)


def _urls_for(actor: Actor, world: World) -> list[str]:
    urls: list[str] = []
    for route in ROUTES:
        if route.method == "get" and route.expect[actor] == 200:
            url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
            if url not in urls:
                urls.append(url)
    if actor == "anonymous":
        urls += [reverse(name) for name in VISITOR_PAGES]
    return urls


def _sign_in(context: Any, base_url: str, user: Any) -> None:
    """Signs in through Django's session (MFA and the login form have their own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


def _axe(page: Any) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " rules: {'empty-table-header': {enabled: true}}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


def _sideways_scroll(page: Any) -> list[str]:
    """At 390 px and at 320 px (WCAG 1.4.10 reflow), the page never scrolls sideways."""
    problems = []
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        # Let resize observers (the trend charts) redraw first, as at a real 320 px load.
        overflow = page.evaluate(
            "() => new Promise(done => setTimeout(() => requestAnimationFrame(() => done("
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            ")), 100))"
        )
        if overflow > 0:
            problems.append(f"scrolls sideways by {overflow}px at {width}px")
    page.set_viewport_size(VIEWPORTS["phone"])
    return problems


def _check(page: Any, where: str, viewport: str) -> list[str]:
    found = _axe(page)
    if viewport == "phone":
        found += _sideways_scroll(page)
    return [f"{where} [{viewport}] {problem}" for problem in found]


def _announced(page: Any, where: str, viewport: str) -> list[str]:
    """A refused form says so in the title, and focus lands on the error summary."""
    problems = []
    if not page.title().startswith("Error:"):
        problems.append(f"title {page.title()!r} does not start with 'Error:'")
    focused = page.evaluate("() => document.activeElement.id")
    if focused != "error-summary":
        problems.append(f"focus on {focused or 'the body'!r}, not the error summary")
    return [f"{where} [{viewport}] {problem}" for problem in problems]


@pytest.mark.parametrize("actor", PEOPLE)
def test_every_page_a_person_reaches_passes_axe_on_a_phone_and_a_desktop(
    actor: Actor, live_server: Any, browser: Any
) -> None:
    world = build_world()
    base = live_server.url
    problems: list[str] = []
    checked = 0
    for viewport, size in VIEWPORTS.items():
        context = browser.new_context(viewport=size)
        context.set_default_timeout(15_000)
        if actor != "anonymous":
            _sign_in(context, base, world.users[actor])
        page = context.new_page()
        for url in _urls_for(actor, world):
            try:
                response = page.goto(base + url)
            except PlaywrightError as error:  # a PDF or CSV download is not a page
                if "Download is starting" not in str(error):
                    raise
                continue
            assert response is not None
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # .ics, PDFs and CSV are not pages
            assert response.status == 200, f"{actor} {url}: {response.status}"
            problems += _check(page, url, viewport)
            checked += 1
        for submit in (s for s in EMPTY_SUBMITS if s.actor == actor):
            url = reverse(submit.url_name, kwargs=dict(submit.kwargs))
            page.goto(base + url)
            for _ in range(submit.presses):
                page.evaluate(
                    "() => document.querySelectorAll('form').forEach(f => f.noValidate = true)"
                )
                page.locator("main").get_by_role("button", name=submit.button).click()
                page.wait_for_load_state()
            where = f"{url} (empty submit)"
            problems += _announced(page, where, viewport) + _check(page, where, viewport)
            checked += 1
        context.close()
    assert checked, f"no pages checked for {actor}"
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
