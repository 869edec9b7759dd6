"""Hooks through which the apps above portal add to its pages without portal importing them.

portal sits at the bottom of the layers, so it cannot import intake or scheduling to
show "complete your intake" on the patient's home page. Instead each app registers, in
its AppConfig.ready(), navigation links, home-page panels and demo-data seeders here.
"""

from __future__ import annotations

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


_nav: list[NavItem] = []
_panels: list[HomePanel] = []
_seeders: list[DemoSeeder] = []


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
