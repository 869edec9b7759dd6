"""{% link 'app:name' %}: {% url %} for a link without arguments, resolved once a process."""

from __future__ import annotations

from django import template

from portal.links import url_for

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    return url_for(name)
