"""Hooks through which the apps above portal add to its pages without portal importing them.

portal sits at the bottom of the layers, so it cannot import intake or scheduling to
show "complete your intake" on the patient's home page. Instead each app registers, in
its AppConfig.ready(), navigation links, home-page panels and demo-data seeders here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest

from portal.permissions import Capability

Home = Literal["patient", "front_desk", "clinician"]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A card on a role's home page: `template` rendered with `context(request)`."""

    home: Home
    template: str
    context: Callable[[HttpRequest], dict[str, Any]] = field(default=lambda request: {})
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    """Adds an app's demo data in `seed_demo`; must be idempotent."""

    name: str
    seed: Callable[[], None]
    order: int = 100


@dataclass(frozen=True)
class TimelineEvent:
    """One dated line of a patient's chart timeline (newest first across every section)."""

    at: dt.datetime
    kind: str  # "Request", "Visit", "Dosing session", "Message" ...
    text: str
    url: str = ""


@dataclass(frozen=True)
class ChartPart:
    """What a section adds to a patient's chart: a card (`template` rendered with
    `context`) and dated events for the chart's one timeline."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    events: list[TimelineEvent] = field(default_factory=list)


@dataclass(frozen=True)
class ChartSection:
    """A part of the staff patient chart (portal:patient-chart) that an app contributes.

    `build(request=..., patient=...)` returns the part, or None when the viewer may not
    see it (it decides through portal.permissions, and audits the clinical reads it
    makes with portal.audit.audit_clinical_read). A section reads a bounded, fixed
    number of queries, whatever the patient's history.
    """

    name: str
    build: Callable[..., ChartPart | None]
    order: int = 100


@dataclass(frozen=True)
class PatientLink:
    """A link about one patient offered beside search results and on the chart (e.g. the
    desk's billing page): `url_name` takes the patient's user id."""

    label: str
    url_name: str
    capability: Capability
    order: int = 100


_nav: list[NavItem] = []
_panels: list[HomePanel] = []
_seeders: list[DemoSeeder] = []
_chart_sections: list[ChartSection] = []
_patient_links: list[PatientLink] = []


def register_chart_section(section: ChartSection) -> None:
    if all(s.name != section.name for s in _chart_sections):
        _chart_sections.append(section)
        _chart_sections.sort(key=lambda s: s.order)


def chart_sections() -> list[ChartSection]:
    return list(_chart_sections)


def register_patient_link(link: PatientLink) -> None:
    if link not in _patient_links:
        _patient_links.append(link)
        _patient_links.sort(key=lambda item: item.order)


def patient_links() -> list[PatientLink]:
    return list(_patient_links)


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)
        _nav.sort(key=lambda i: i.order)


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def register_demo_seeder(seeder: DemoSeeder) -> None:
    if all(s.name != seeder.name for s in _seeders):
        _seeders.append(seeder)
        _seeders.sort(key=lambda s: s.order)


def nav_items() -> list[NavItem]:
    return list(_nav)


def home_panels(home: Home) -> list[HomePanel]:
    return [p for p in _panels if p.home == home]


def demo_seeders() -> list[DemoSeeder]:
    return list(_seeders)
