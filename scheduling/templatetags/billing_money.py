"""`{{ cents|money }}`: integer cents printed as dollars, by the one rule in billing.py."""

from __future__ import annotations

from django import template

from scheduling.billing import money as money_text

register = template.Library()


@register.filter
def money(cents: int | None) -> str:
    return "" if cents is None else money_text(int(cents))
