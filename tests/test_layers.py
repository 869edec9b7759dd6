"""The apps stand in layers and import only downwards (docs/architecture.md):

    integration  ->  treatments  ->  scheduling  ->  intake  ->  portal

Every .py file of every app, migrations included, is read as a syntax tree (nothing is
imported or run) and each dependency on another app is checked against the layers:
`import` / `from ... import` (relative ones resolved), `importlib.import_module("...")`,
a migration's `dependencies`, and lazy model references such as
`ForeignKey("scheduling.Appointment")`. A lower layer learns of a higher one only
through portal.extensions hooks or notification rows.

Strings that merely name an app are allowed in one place: the project wiring in
portal/settings.py (INSTALLED_APPS) and portal/urls.py (`include("intake.urls")`), which
is how Django composes the apps, not a dependency of portal's code on theirs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS: dict[str, int] = {
    "portal": 0,
    "intake": 1,
    "scheduling": 2,
    "treatments": 3,
    "integration": 4,
}
FIELD_CALLS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


@dataclass(frozen=True)
class Dependency:
    path: str
    line: int
    target: str  # a dotted module path or an app label
    how: str

    @property
    def app(self) -> str:
        return self.target.split(".")[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve_relative(path: Path, level: int, module: str | None) -> str:
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, module] if module else base)


def string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    for keyword in call.keywords:
        if keyword.arg == "to" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def dependencies_in(source: str, path: Path) -> Iterator[Dependency]:
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(source, filename=rel)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Dependency(rel, node.lineno, alias.name, "import")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = resolve_relative(path, node.level, node.module)
            else:
                target = node.module or ""
            yield Dependency(rel, node.lineno, target, "from-import")
        elif isinstance(node, ast.Call):
            name = call_name(node)
            value = string_arg(node)
            if value is None:
                continue
            if name in {"import_module", "__import__"}:
                yield Dependency(rel, node.lineno, value, "import_module")
            elif name in FIELD_CALLS and "." in value:
                yield Dependency(rel, node.lineno, value, "model reference")
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            for item in node.value.elts:
                if (
                    isinstance(item, ast.Tuple)
                    and item.elts
                    and isinstance(item.elts[0], ast.Constant)
                    and isinstance(item.elts[0].value, str)
                ):
                    yield Dependency(rel, item.lineno, item.elts[0].value, "migration dependency")


def app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def upward(path: Path, source: str) -> list[Dependency]:
    own = LAYERS[app_of(path)]
    return [
        dep for dep in dependencies_in(source, path) if dep.app in LAYERS and LAYERS[dep.app] > own
    ]


def python_files() -> list[Path]:
    return sorted(
        path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def test_no_app_imports_a_layer_above_it() -> None:
    found = [dep for path in python_files() for dep in upward(path, path.read_text())]
    assert not found, "Upward dependencies (see docs/architecture.md):\n" + "\n".join(
        f"  {d.path}:{d.line} {d.how} {d.target}" for d in found
    )


def test_it_reads_the_files_of_every_layer_including_migrations() -> None:
    files = python_files()
    assert {app_of(path) for path in files} == set(LAYERS)
    assert any("migrations" in path.parts for path in files)
    assert ROOT / "portal" / "notifications" / "__init__.py" in files


# The scanner itself: each kind of upward dependency is caught, downward ones are not.

FAKE_INTAKE = ROOT / "intake" / "services.py"
FAKE_PORTAL = ROOT / "portal" / "notifications" / "tasks.py"
FAKE_MIGRATION = ROOT / "intake" / "migrations" / "0009_fake.py"


@pytest.mark.parametrize(
    ("path", "source", "target"),
    [
        (FAKE_PORTAL, "import intake.selectors", "intake.selectors"),
        (FAKE_PORTAL, "from scheduling.models import Appointment", "scheduling.models"),
        (FAKE_INTAKE, "from treatments import hooks", "treatments"),
        (FAKE_INTAKE, "def f():\n    from integration.window import w\n", "integration.window"),
        (
            FAKE_INTAKE,
            "import importlib\nimportlib.import_module('scheduling.slots')",
            "scheduling.slots",
        ),
        (
            FAKE_INTAKE,
            "x = models.ForeignKey('scheduling.Appointment', on_delete=1)",
            "scheduling.Appointment",
        ),
        (
            FAKE_INTAKE,
            "x = models.ForeignKey(to='treatments.DosingSession')",
            "treatments.DosingSession",
        ),
        (
            FAKE_MIGRATION,
            "dependencies = [('portal', '0001'), ('scheduling', '0002_x')]",
            "scheduling",
        ),
        (FAKE_PORTAL, "from ...scheduling import models", "scheduling"),
    ],
)
def test_the_scanner_catches_an_upward_dependency(path: Path, source: str, target: str) -> None:
    assert [d.target for d in upward(path, source)] == [target]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        (FAKE_INTAKE, "from portal.models import User\nfrom portal.notifications import kinds"),
        (FAKE_INTAKE, "from .instruments import phq9_score\nfrom . import rules"),
        (FAKE_PORTAL, "from ..models import User\nimport django.db"),
        (FAKE_MIGRATION, "dependencies = [('portal', '0001'), ('intake', '0001')]"),
        (
            ROOT / "integration" / "views.py",
            "from treatments.selectors import x\nimport scheduling",
        ),
    ],
)
def test_the_scanner_allows_downward_and_own_imports(path: Path, source: str) -> None:
    assert upward(path, source) == []


# Inside portal.notifications the modules form no import cycle, lazy (in-function)
# imports included: a cycle there once hid behind a late import (dispatch -> services ->
# tasks -> dispatch) and made import order decide whether the worker started.

NOTIFICATIONS = ROOT / "portal" / "notifications"


def internal_imports(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the modules of the same set it imports anywhere in its file."""
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for name, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                targets.append(node.module)
            graph[name].update(t for t in targets if t in sources and t != name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph[node]):
            cycle = visit(nxt, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_the_notification_modules_import_each_other_without_a_cycle() -> None:
    sources = {
        module_name(p): p.read_text()
        for p in sorted(NOTIFICATIONS.glob("*.py"))
        if p.name != "__init__.py"
    }
    assert "portal.notifications.dispatch" in sources
    assert find_cycle(internal_imports(sources)) is None


def test_the_cycle_finder_sees_a_cycle_through_a_lazy_import() -> None:
    sources = {
        "portal.notifications.dispatch": "from portal.notifications.services import x\n",
        "portal.notifications.services": "def f():\n    from portal.notifications import tasks\n",
        "portal.notifications.tasks": "from portal.notifications.dispatch import y\n",
    }
    assert find_cycle(internal_imports(sources)) == [
        "portal.notifications.dispatch",
        "portal.notifications.services",
        "portal.notifications.tasks",
        "portal.notifications.dispatch",
    ]
