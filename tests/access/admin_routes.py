"""The Django admin's pages of every clinical model registered there, in the access
matrix: the list, a record, its history, add and delete, read (GET) and written (POST).

Clinical records are read-only in the admin for everyone and shown to no one who could
not read them in the portal. None of the six daily people is staff in the admin but the
clinic admin, who reads no clinical data: so everyone else is sent to the admin's
sign-in, and the clinic admin is refused every page and every write (the records are
unchanged: tests/portal/test_admin_side_door.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model

from intake.models import Intake, IntakeDecision
from portal.notifications.models import StaffAlert
from portal.permissions import ADMIN_CLINICAL_RECORDS
from tests.access.spec import ADMIN_LOGIN, Route, World, expect
from tests.intake.factories import approve_patient, enrol_rems

REFUSED = expect(
    anonymous=ADMIN_LOGIN,
    patient_a=ADMIN_LOGIN,
    patient_b=ADMIN_LOGIN,
    front_desk=ADMIN_LOGIN,
    clinician=ADMIN_LOGIN,
    therapist=ADMIN_LOGIN,
    clinic_admin=403,
)


def build(world: World) -> None:
    # The records are made on first use: the intake comes from intake_routes.build.
    return None


def _record(world: World, label: str) -> Model:
    """Patient A's record of `label`, made when a route first needs it."""
    if label in world.objects:
        return world.objects[label]
    patient = world.patient_a
    if label == "intake.intake":
        record: Model = world.objects.get("intake") or Intake.objects.get(patient=patient)
    elif label == "intake.intakedecision":
        approve_patient(patient, clinician=world.users["clinician"])
        record = IntakeDecision.objects.filter(patient=patient).latest("created_at")
    elif label == "intake.remsenrollment":
        record = enrol_rems(patient, prescriber=world.users["clinician"])
    elif label == "notifications.staffalert":
        record = world.objects.get("alert") or StaffAlert.objects.filter(patient=patient).first()
    else:  # pragma: no cover - a new clinical model in the admin needs its record here
        raise AssertionError(f"admin_routes cannot make a {label}")
    world.objects[label] = record
    return record


def registered_clinical_models() -> list[type[Model]]:
    return sorted(
        (
            model
            for model in admin.site._registry
            if model._meta.label_lower in ADMIN_CLINICAL_RECORDS
        ),
        key=lambda model: model._meta.label_lower,
    )


def admin_url_names() -> set[str]:
    return {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
        for model in registered_clinical_models()
        for page in ("changelist", "add", "change", "history", "delete")
    }


# What a write would try (an approved intake with modalities and no urgent flag, a
# decision's note rewritten): refused whatever it says.
WRITES: dict[str, dict[str, Any]] = {
    "intake.intake": {"status": "approved", "approved_modalities": '["iv"]', "urgent": ""},
    "intake.intakedecision": {"note": "Rewritten by the admin", "outcome": "approved"},
    "intake.remsenrollment": {"enrollment_reference": "FORGED"},
    "notifications.staffalert": {"resolved_at_0": "2026-01-01", "title": "nothing"},
}


def _routes() -> list[Route]:
    routes: list[Route] = []
    for model in registered_clinical_models():
        label = model._meta.label_lower
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

        def one(world: World, label: str = label) -> dict[str, Any]:
            return {"object_id": _record(world, label).pk}

        data = lambda world, label=label: {"patient": world.patient_a.pk, **WRITES[label]}  # noqa: E731
        routes += [
            Route(f"{prefix}_changelist", REFUSED),
            Route(f"{prefix}_add", REFUSED),
            Route(f"{prefix}_add", REFUSED, method="post", data=data),
            Route(f"{prefix}_change", REFUSED, kwargs=one),
            Route(f"{prefix}_change", REFUSED, kwargs=one, method="post", data=data),
            Route(f"{prefix}_history", REFUSED, kwargs=one),
            Route(f"{prefix}_delete", REFUSED, kwargs=one),
            Route(
                f"{prefix}_delete",
                REFUSED,
                kwargs=one,
                method="post",
                data=lambda w: {"post": "yes"},
            ),
        ]
    return routes


ROUTES = _routes()
