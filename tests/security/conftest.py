"""The security tests reuse the access matrix's world: the cast plus patient A's objects."""

from __future__ import annotations

from tests.access.test_access_matrix import world  # noqa: F401  (a fixture, re-exported)
