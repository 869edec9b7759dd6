"""Turn an outbox row's kind and context into the words that are sent.

Templates see only the keys of the context contract (a time, a location name or
"telehealth", a link, "urgent") plus the clinic's public name and phone: whatever else a
caller stored, no template can print it. The privacy test renders every kind through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from portal.formats import format_time, format_when
from portal.notifications.kinds import Kind

# The only keys a caller may put in a notification's context (see services). `visits`
# lists several visits in one message (a booked series): each only a time and a place.
# `telehealth` (True) says the place is a video visit: its words are written when the
# message is rendered, in the recipient's language (services.visit_place).
CONTEXT_KEYS = frozenset({"starts_at", "location", "telehealth", "url", "urgent", "visits"})
VISIT_KEYS = frozenset({"starts_at", "location", "telehealth"})
# The English words of scheduling.models.TELEHEALTH_PLACE (portal sits below scheduling,
# so cannot import it). Rows written before `telehealth` was stored hold these words as
# their location, in English whoever the recipient: they are translated too.
TELEHEALTH_WORDS = "Telehealth (video)"
MAX_VISITS = 30


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms: str


def stored_when(value: str | dt.datetime | None) -> str:
    """A stored moment (ISO text in the row's context) as portal.formats prints it,
    "Tue 3 Mar, 10:00 AM"; "" for nothing or a value we cannot read, because a message
    that leaves the time out beats one that is never sent."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    if value.tzinfo is None:
        return ""
    return format_when(value)


def stored_time(value: str | dt.datetime | None) -> str:
    """A stored moment's clock time only ("3:40 PM"); "" when unreadable."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    if value.tzinfo is None:
        return ""
    return format_time(value)


def place(context: Mapping[str, Any]) -> str:
    """A visit's place in the active language: the location's name, or the words for a
    video visit."""
    location = str(context.get("location") or "")
    if context.get("telehealth") is True or location == TELEHEALTH_WORDS:
        return gettext("Telehealth (video)")
    return location


def template_context(context: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "when": stored_when(context.get("starts_at")),
        "time": stored_time(context.get("starts_at")),
        "first_name": str(context.get("first_name") or "")[:40],
        "location": place(context),
        "url": str(context.get("url") or settings.PORTAL_BASE_URL + "/"),
        "urgent": bool(context.get("urgent")),
        "visits": [
            {"when": stored_when(v.get("starts_at")), "location": place(v)}
            for v in (context.get("visits") or [])[:MAX_VISITS]
            if isinstance(v, Mapping)
        ],
        "clinic_name": settings.PORTAL_CLINIC_NAME,
        "clinic_phone": settings.PORTAL_CLINIC_PHONE,
    }


def render_message(
    kind: Kind | str, context: Mapping[str, Any], *, language: str = "en"
) -> RenderedMessage:
    """The words of one message in `language` (the recipient's, portal.i18n.language_of):
    templates, day and month names and times all follow it."""
    kind = Kind(kind)
    with translation.override(language):
        return _render(kind, context)


def _render(kind: Kind, context: Mapping[str, Any]) -> RenderedMessage:
    values = template_context(context)
    folder = f"notifications/{kind.value}"
    subject = " ".join(render_to_string(f"{folder}/subject.txt", values).split())
    text = render_to_string(f"{folder}/body.txt", values).strip() + "\n"
    html = render_to_string(f"{folder}/body.html", values)
    sms = " ".join(render_to_string(f"{folder}/sms.txt", values).split())
    return RenderedMessage(subject=subject, text=text, html=html, sms=sms)
