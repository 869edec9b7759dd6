"""Small clinic data that the busy pages read on every request, kept in each process.

The front desk's queue and day view and the clinician's review queue each read the same
three locations, a dozen services or a location's rooms before their own rows: a query
apiece, about half a millisecond of Python and PostgreSQL for rows that change a few
times a year. These reads are kept in the web process for `seconds` (30 by default).

Freshness:
- a save or delete of one of the cache's models clears it in the process that made it;
- other web processes pick the change up within `seconds`: a new room or a renamed
  service shows up half a minute later there, which is fine for clinic data and is the
  reason nothing clinical or about a patient is kept this way;
- a read inside a transaction is never kept: it may see rows that are later rolled
  back, and (with the clearing above) this means a read made between a change and its
  commit cannot keep the old rows either.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_caches: list[ClinicDataCache[Any]] = []


class ClinicDataCache(Generic[T]):
    """`loader(*args)` kept per distinct `args` for `seconds`. What it returns is shared
    by every request in the process: return tuples or frozen values, never a list that
    a caller might append to."""

    def __init__(
        self,
        loader: Callable[..., T],
        *,
        models: tuple[type[Model], ...],
        seconds: float = 30.0,
    ) -> None:
        self.loader = loader
        self.seconds = seconds
        self._kept: dict[tuple[Hashable, ...], tuple[float, T]] = {}
        for model in models:
            # weak=False: the receiver is this cache's method, alive as long as the cache.
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        _caches.append(self)

    def __call__(self, *args: Hashable) -> T:
        if connection.in_atomic_block:
            return self.loader(*args)
        now = time.monotonic()
        kept = self._kept.get(args)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = self.loader(*args)
        self._kept[args] = (now, value)
        return value

    def clear(self) -> None:
        self._kept.clear()

    def _changed(self, **_: Any) -> None:
        self.clear()


def clear_all() -> None:
    """Forget every kept read in this process (tests start each case from the database)."""
    for cache in _caches:
        cache.clear()
