"""`url_for_ids`: one link a row, for treatments' selectors until their reads move to
templates ({% url %}); delete this module when nothing imports it. Gives exactly what
reverse() gives (tested)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no row will have, so splitting on it finds the one place the id goes.
_MARKER = 2_147_483_647
_resolved: dict[tuple[Any, ...], tuple[str, ...]] = {}


@receiver(setting_changed)
def _forget_resolved(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _resolved.clear()


def url_for_ids(name: str, kwarg: str | None = None) -> Callable[[int], str]:
    """A function pk -> reverse(name, kwargs={kwarg: pk}), or args=[pk] without `kwarg`."""
    key = (name, kwarg, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    split = _resolved.get(key)
    if split is None:
        url = reverse(name, kwargs={kwarg: _MARKER}) if kwarg else reverse(name, args=[_MARKER])
        split = _resolved[key] = tuple(url.split(str(_MARKER)))
    head, tail = split
    return lambda pk: f"{head}{pk}{tail}"
