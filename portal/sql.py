"""Plain SQL that PostgreSQL plans once per connection, not once per request.

The busiest pages read through a few plain SQL queries (docs/architecture.md, "Reads on
the busiest pages"). Measured on the bench data, PostgreSQL spent longer *planning* each
of those four-to-six-table joins (0.2-1.5 ms) than running it (0.1-0.8 ms), and it plans
on the same cores that serve the pages. A prepared statement is planned at most a few
times per connection, then reuses its plan.

Django turns psycopg's own statement preparation off, and psycopg 3's server-side binding
(which would prepare every ORM query too) cost more Python per query than it saved: the
bare ceiling view lost a fifth of its throughput. So only these named reads are prepared,
by hand: `PREPARE` once on each new database connection, `EXECUTE` after that. (One
write is prepared too: the audit row that every staff read of clinical data adds.)

Parameters are typed once prepared: an id no bigint can hold is an error from
PostgreSQL, where the ORM (and a plain query's literal) finds no row. A read that takes
an id from a URL checks it with `fits_bigint` first.

A statement is tied to its connection: when Django opens a new one (CONN_MAX_AGE, a
failed health check) the next read prepares again. PREPARE is not transactional, so a
rolled-back transaction keeps it. The PREPARE goes through the driver's own cursor,
not Django's, so it is not counted as one of the page's queries: it runs once in a
connection's life, not once a request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import connection

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_names: set[str] = set()
_BIGINT = range(-(2**63), 2**63)


def fits_bigint(value: int) -> bool:
    """Whether an id can be a primary key at all (a URL's <int:...> takes any size)."""
    return value in _BIGINT


class PreparedQuery:
    """One named statement: `%(name)s` placeholders, as `cursor.execute` takes them.

    >>> OPEN = PreparedQuery("demo_open", "SELECT id FROM t WHERE owner = %(owner)s")
    >>> OPEN.fetchall({"owner": 7})
    """

    def __init__(self, name: str, sql: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a plain lower-case SQL name")
        if name in _names:
            raise ValueError(f"two prepared queries are named {name!r}")
        _names.add(name)
        self.name = name
        self.sql = sql
        order: list[str] = []

        def number(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in order:
                order.append(key)
            return f"${order.index(key) + 1}"

        # Sent without parameters, so the driver leaves '%' alone: '%%' means one '%'.
        body = _PLACEHOLDER.sub(number, sql).replace("%%", "%")
        self.parameters: tuple[str, ...] = tuple(order)
        self.prepare_sql = f"PREPARE {name} AS {body}"
        arguments = ", ".join(["%s"] * len(order))
        self.execute_sql = f"EXECUTE {name}({arguments})" if order else f"EXECUTE {name}"

    def fetchall(self, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        values = [_value(params or {}, key, self.name) for key in self.parameters]
        connection.ensure_connection()
        _prepare_once(self)
        with connection.cursor() as cursor:
            cursor.execute(self.execute_sql, values)
            return cursor.fetchall()

    def __repr__(self) -> str:
        return f"PreparedQuery({self.name!r})"


def _value(params: Mapping[str, Any], key: str, name: str) -> Any:
    try:
        return params[key]
    except KeyError:
        raise KeyError(f"{name} needs the parameter {key!r}") from None


def _prepare_once(query: PreparedQuery) -> None:
    raw = connection.connection
    state = getattr(connection, "portal_prepared", None)
    if state is None or state[0] is not raw:
        # A new connection: whatever was prepared went with the old one.
        state = (raw, set())
        connection.portal_prepared = state
    prepared: set[str] = state[1]
    if query.name in prepared:
        return
    with connection.wrap_database_errors, raw.cursor() as cursor:
        cursor.execute(query.prepare_sql)
    prepared.add(query.name)
