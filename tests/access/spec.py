"""The vocabulary of the access matrix (tests/access/test_access_matrix.py).

Every URL pattern of our apps has a `Route` in a `tests/access/<app>_routes.py` module:
what each of six people gets when they open it, with objects owned by patient A. A new
URL without a Route fails the matrix, so access is decided for it on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Actor = Literal[
    "anonymous",
    "patient_a",
    "patient_b",
    "front_desk",
    "clinician",
    "nurse",
    "therapist",
    "clinic_admin",
]
# `clinician` is a prescriber; `nurse` and `therapist` are the other clinician kinds.
ACTORS: tuple[Actor, ...] = (
    "anonymous",
    "patient_a",
    "patient_b",
    "front_desk",
    "clinician",
    "nurse",
    "therapist",
    "clinic_admin",
)
SAME_AS_PRESCRIBER: Any = object()  # the nurse's default: whatever the prescriber gets
LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin_login"  # a redirect to the Django admin's sign-in (not staff there)
Expect = int | str  # a status code, LOGIN or ADMIN_LOGIN


@dataclass
class World:
    """The cast, plus objects the app modules create for patient A (by name)."""

    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def patient_a(self) -> Any:
        return self.users["patient_a"]


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict[Actor, Expect]
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    method: Literal["get", "post"] = "get"
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    query: str = ""


def expect(
    *,
    anonymous: Expect = LOGIN,
    patient_a: Expect = 403,
    patient_b: Expect = 403,
    front_desk: Expect = 403,
    clinician: Expect = 403,
    nurse: Expect = SAME_AS_PRESCRIBER,
    therapist: Expect = 403,
    clinic_admin: Expect = 403,
) -> dict[Actor, Expect]:
    """Default deny: anyone not named gets 403 (anonymous: the login page).

    A nurse gets what the prescriber (`clinician`) gets unless named: the routes only a
    prescriber may use name `nurse=403`. A therapist is denied unless named."""
    return {
        "anonymous": anonymous,
        "patient_a": patient_a,
        "patient_b": patient_b,
        "front_desk": front_desk,
        "clinician": clinician,
        "nurse": clinician if nurse is SAME_AS_PRESCRIBER else nurse,
        "therapist": therapist,
        "clinic_admin": clinic_admin,
    }


# Common shapes.
PATIENT_PAGE = expect(patient_a=200, patient_b=200)
PATIENT_A_OBJECT = expect(patient_a=200, patient_b=404)
FRONT_DESK_PAGE = expect(front_desk=200, clinic_admin=200)
CLINICIAN_PAGE = expect(clinician=200)
STAFF_PAGE = expect(front_desk=200, clinician=200, therapist=200, clinic_admin=200)
# Only a prescriber decides (eligibility, REMS, courses, alerts).
PRESCRIBER_PAGE = expect(clinician=200, nurse=403)
