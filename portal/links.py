"""Links on the busiest pages, resolved once per process instead of once per request.

reverse() costs tens of microseconds; a 25-row list with two links a row spent more on
reversing than on its query, and the patient's home reversed a dozen fixed links on every
visit. Two helpers give exactly what reverse() gives (tested):
- `url_for_ids(name, kwarg)`: a function pk -> URL, for one link per row; the pattern is
  resolved once and the id spliced in;
- `url_for(name)`: a link without arguments (`{% link 'app:name' %}` in a template);
- `static_url(path)`: a static file's URL (`{% asset 'path' %}`), which for the hashed
  files of a deployment means a look-up in the manifest on every page otherwise.
They remember their answer per URLconf and script prefix, forgotten when a test swaps the
URLconf or the static files' settings; a deployment never changes them while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no row will have, so splitting on it finds the one place the id goes.
_MARKER = 2_147_483_647
_resolved: dict[tuple[Any, ...], Any] = {}


@receiver(setting_changed)
def _forget_resolved(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "STATIC_URL", "STORAGES"}:
        _resolved.clear()


def _key(*parts: Any) -> tuple[Any, ...]:
    return (*parts, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def url_for(name: str) -> str:
    """reverse(name), for a URL that takes no arguments."""
    key = _key(name)
    url = _resolved.get(key)
    if url is None:
        url = _resolved[key] = reverse(name)
    return url


def static_url(path: str) -> str:
    """What {% static path %} prints."""
    key = _key("static", path)
    url = _resolved.get(key)
    if url is None:
        url = _resolved[key] = static(path)
    return url


def url_for_ids(name: str, kwarg: str | None = None) -> Callable[[int], str]:
    """A function pk -> reverse(name, kwargs={kwarg: pk}), or args=[pk] without `kwarg`."""
    key = _key(name, kwarg)
    split = _resolved.get(key)
    if split is None:
        url = reverse(name, kwargs={kwarg: _MARKER}) if kwarg else reverse(name, args=[_MARKER])
        split = _resolved[key] = tuple(url.split(str(_MARKER)))
    head, tail = split
    return lambda pk: f"{head}{pk}{tail}"
