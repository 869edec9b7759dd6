"""Prepared reads: the busy pages' plain SQL, planned once per connection."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.models import Location
from portal.sql import PreparedQuery, fits_bigint

_numbers = itertools.count()


def fresh(sql: str) -> PreparedQuery:
    # Names are unique per process (two reads with one name would overwrite each other's
    # statement on the connection), so each test makes its own.
    return PreparedQuery(f"test_read_{next(_numbers)}", sql)


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_placeholders_are_numbered_by_first_use_and_a_repeat_reuses_its_number() -> None:
    read = fresh("SELECT %(b)s::int, %(a)s::int, %(b)s::int + 1")
    assert read.parameters == ("b", "a")
    assert read.prepare_sql.endswith("AS SELECT $1::int, $2::int, $1::int + 1")
    assert read.execute_sql == f"EXECUTE {read.name}(%s, %s)"


def test_a_doubled_percent_reaches_postgresql_as_one() -> None:
    read = fresh("SELECT 'x' LIKE '%%'")
    assert "LIKE '%'" in read.prepare_sql


def test_a_read_without_parameters_executes_by_name() -> None:
    read = fresh("SELECT 1")
    assert read.execute_sql == f"EXECUTE {read.name}"


@pytest.mark.django_db
def test_it_returns_what_the_plain_query_returns() -> None:
    Location.objects.create(name="Davis", slug="davis", address="1 Main St")
    sql = "SELECT slug, name FROM portal_location WHERE slug = ANY(%(slugs)s) ORDER BY slug"
    params = {"slugs": ["davis", "folsom", "nowhere"]}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plain = cursor.fetchall()
    assert fresh(sql).fetchall(params) == plain
    assert ("davis", "Davis") in plain


@pytest.mark.django_db
def test_it_prepares_once_per_connection_and_counts_as_one_query_a_call() -> None:
    read = fresh("SELECT %(n)s::int * 2")
    assert read.fetchall({"n": 2}) == [(4,)]
    assert read.name in prepared_names()
    with CaptureQueriesContext(connection) as queries:
        assert read.fetchall({"n": 21}) == [(42,)]
    assert [q["sql"] for q in queries.captured_queries] == [f"EXECUTE {read.name}(21)"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_prepares_again() -> None:
    read = fresh("SELECT %(n)s::int + 1")
    assert read.fetchall({"n": 1}) == [(2,)]
    connection.close()  # what CONN_MAX_AGE or a failed health check does
    assert read.name not in prepared_names()
    assert read.fetchall({"n": 2}) == [(3,)]
    assert read.name in prepared_names()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_prepared_in_a_rolled_back_transaction_still_runs() -> None:
    read = fresh("SELECT %(n)s::int")
    with transaction.atomic():
        assert read.fetchall({"n": 1}) == [(1,)]
        transaction.set_rollback(True)
    assert read.fetchall({"n": 5}) == [(5,)]


@pytest.mark.django_db
def test_a_missing_parameter_is_named() -> None:
    read = fresh("SELECT %(patient)s::int")
    with pytest.raises(KeyError, match="'patient'"):
        read.fetchall({})


def test_two_reads_cannot_share_a_name() -> None:
    read = fresh("SELECT 1")
    with pytest.raises(ValueError, match="two prepared queries"):
        PreparedQuery(read.name, "SELECT 2")


@pytest.mark.parametrize("name", ["", "Upper", "drop table", "a;b", "x" * 64, "1st"])
def test_a_name_must_be_a_plain_sql_name(name: str) -> None:
    with pytest.raises(ValueError, match="plain lower-case"):
        PreparedQuery(name, "SELECT 1")


@pytest.mark.parametrize(
    ("value", "fits"),
    [(0, True), (2**63 - 1, True), (2**63, False), (-(2**63), True), (-(2**63) - 1, False)],
)
def test_fits_bigint_is_the_range_of_a_primary_key(value: int, fits: bool) -> None:
    assert fits_bigint(value) is fits
