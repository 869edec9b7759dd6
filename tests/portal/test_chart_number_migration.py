"""Migration portal 0007 numbers the patients who were there before it, in the order they
joined, and new patients carry on from there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import PatientProfile, User

BEFORE = [("portal", "0005_clinician_kinds")]
AFTER = [("portal", "0007_patient_chart_number")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_patients_are_numbered_in_the_order_they_joined() -> None:
    executor = _migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        users = apps.get_model("portal", "User")
        profiles = apps.get_model("portal", "PatientProfile")
        first = users.objects.create(email="first@example.test", role="patient")
        second = users.objects.create(email="second@example.test", role="patient")
        # Made in the other order: the profile made first is numbered first.
        profiles.objects.create(user=second, legal_name="Second")
        profiles.objects.create(user=first, legal_name="First")
        executor = _migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        profiles = apps.get_model("portal", "PatientProfile")
        numbers = dict(profiles.objects.values_list("legal_name", "chart_number"))
        assert numbers == {"Second": "C-000001", "First": "C-000002"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    newcomer = User.objects.create(email="third@example.test", role="patient")
    assert PatientProfile.objects.create(user=newcomer).chart_number == "C-000003"
