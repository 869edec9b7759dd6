from __future__ import annotations

from tests.access.spec import PATIENT_PAGE, Route, World


def build(world: World) -> None:
    pass


ROUTES = [
    Route("scheduling:appointment-list", PATIENT_PAGE),
]
