"""{% link 'app:name' %} and {% asset 'path' %}: {% url %} for a link without arguments and
{% static %} for a file, each resolved once a process (portal.links)."""

from __future__ import annotations

from django import template

from portal.links import static_url, url_for

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    return url_for(name)


@register.simple_tag
def asset(path: str) -> str:
    """{% static %} for the layout's own files, resolved once a process."""
    return static_url(path)
