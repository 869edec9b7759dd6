"""Clinic data kept in the process: read once, forgotten when it changes."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.clinic_data import ClinicDataCache, clear_all
from portal.models import Location


def _active_slugs() -> tuple[str, ...]:
    return tuple(
        Location.objects.filter(is_active=True).order_by("slug").values_list("slug", flat=True)
    )


active_slugs = ClinicDataCache(_active_slugs, models=(Location,))
no_memory = ClinicDataCache(_active_slugs, models=(Location,), seconds=0)


def queries_for(read: ClinicDataCache[tuple[str, ...]]) -> tuple[tuple[str, ...], int]:
    with CaptureQueriesContext(connection) as queries:
        value = read()
    return value, len(queries.captured_queries)


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_second_read_costs_no_query() -> None:
    first, asked = queries_for(active_slugs)
    again, asked_again = queries_for(active_slugs)
    assert (asked, asked_again) == (1, 0)
    assert again == first
    assert "folsom" in first  # the seeded locations


def test_a_saved_location_shows_on_the_next_read() -> None:
    active_slugs()
    Location.objects.create(name="Davis", slug="davis", address="1 Main St")
    value, asked = queries_for(active_slugs)
    assert asked == 1
    assert "davis" in value


def test_a_deleted_or_deactivated_location_is_gone_on_the_next_read() -> None:
    davis = Location.objects.create(name="Davis", slug="davis", address="1 Main St")
    assert "davis" in active_slugs()
    davis.is_active = False
    davis.save()
    assert "davis" not in active_slugs()
    davis.delete()
    assert "davis" not in active_slugs()


def test_a_read_inside_a_transaction_is_never_kept() -> None:
    with transaction.atomic():
        Location.objects.create(name="Davis", slug="davis", address="1 Main St")
        assert "davis" in active_slugs()  # this transaction sees its own row ...
        transaction.set_rollback(True)
    value, asked = queries_for(active_slugs)  # ... which nobody else ever will
    assert asked == 1
    assert "davis" not in value


def test_a_read_older_than_its_seconds_is_read_again() -> None:
    no_memory()
    _, asked = queries_for(no_memory)
    assert asked == 1


def test_clear_all_forgets_every_kept_read() -> None:
    active_slugs()
    clear_all()
    _, asked = queries_for(active_slugs)
    assert asked == 1
