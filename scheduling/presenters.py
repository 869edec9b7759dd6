"""Markup for the front desk's two busy tables, drawn in Python rather than by template tags.

The busy day view is a grid of ~36 rooms by ~14 hours holding ~60 visit cards; drawn by
nested template loops it cost more than everything else on the page together. Each card
is drawn here once, with `format_html` (every value escaped; only markup we wrote, and
the desk's buttons, which are already safe, go in unescaped), and each hour's row is
joined from its cells; while the day's rows are unchanged the drawing is reused (DayGrid).
The request queue's 25 rows are drawn the same way, one `format_html` a row instead of
nine template lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from portal.links import url_for_ids
from portal.markup import format_html
from scheduling.selectors import DayView

__all__ = ["DayGrid", "day_grid", "queue_rows", "status_buttons"]

_CARD = (
    '<div class="{}" data-testid="day-appointment-{}">'
    '<div class="fw-semibold small">{}</div>'
    '<div class="small">{}</div>'
    '<span class="badge text-bg-secondary">{}</span></div>'
)
# The same card with a form for the desk's buttons, which go between this and _FORM_CLOSE
# (see DayGrid): one format_html a card, not two.
_CARD_WITH_FORM = _CARD.removesuffix("</div>") + (
    '<form method="post" action="{}" class="d-flex flex-wrap gap-1 mt-1">'
)
_FORM_CLOSE = "</form></div>"
_BUSY = '<div class="small text-muted">{}</div>'
_CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_BUTTON = (
    '<button type="submit" name="status" value="{}" class="btn btn-outline-primary btn-sm py-0">'
    "{}</button>"
)
_ROOM_HEADER = '<th scope="col">{}<div class="small text-muted fw-normal">{}</div></th>'
_ROOM_HEADER_NO_KIND = '<th scope="col">{}</th>'
_BLANK = "<td></td>"
_HOUR_OPEN = '<tr><th scope="row" class="text-nowrap">{}</th>'
_FILLED_OPEN = '<td class="table-light">'


def status_buttons(actions: list[tuple[str, str]], *, csrf_token: str) -> SafeString:
    """The desk's buttons for a visit in one status, each (status value, label), after
    the form's CSRF field ({% csrf_token %}'s markup). The same for every visit in that
    status: drawn once a page."""
    return format_html(_CSRF, csrf_token) + format_html_join("", _BUTTON, actions)


@dataclass(frozen=True)
class DayGrid:
    """The day view's markup: the column headers, and the body in pieces around the
    places where a visit's status buttons go. The buttons carry the request's CSRF token,
    so they are put in per request (`body`); everything else is the same for every
    request that reads the same day, and is drawn once (day_grid)."""

    header: SafeString
    pieces: tuple[str, ...]  # markup before the first slot, between slots, after the last
    slots: tuple[str, ...]  # the visit status whose buttons go in each slot

    def body(self, buttons: dict[str, SafeString]) -> SafeString:
        """The grid's rows with `buttons` (by visit status) in their slots."""
        parts = [self.pieces[0]]
        for status, piece in zip(self.slots, self.pieces[1:], strict=True):
            parts += (buttons[status], piece)
        # The pieces came out of format_html or are constant markup; buttons are safe.
        return mark_safe("".join(parts))  # noqa: S308


def day_grid(view: DayView, *, actionable: frozenset[str]) -> DayGrid:
    """The day view's markup. Visits whose status is in `actionable` (empty for who may
    not act) get a form posting to their status URL, with a slot for the buttons."""
    urls = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return _draw_day_grid(view, actionable, urls)


# Keyed on the DayView object, which scheduling.selectors.day_view shares between requests
# that read the same rows: the desk's reloads redraw nothing until something changes.
# `_urls` (URLconf, script prefix) is in the key for the action URLs drawn into the cards.
@lru_cache(maxsize=32)
def _draw_day_grid(view: DayView, actionable: frozenset[str], _urls: tuple[str, str]) -> DayGrid:
    action_url = url_for_ids("scheduling:appointment-status", "appointment_id")
    header = [
        format_html(_ROOM_HEADER, column.label, column.kind)
        if column.kind
        else format_html(_ROOM_HEADER_NO_KIND, column.label)
        for column in view.columns
    ]
    drawn: dict[int, tuple[SafeString, SafeString]] = {}
    for appointment in view.appointments:
        shown = (
            appointment["card_class"],
            appointment["pk"],
            appointment["headline"],
            appointment["detail"],
            appointment["status_label"],
        )
        card = (
            format_html(_CARD_WITH_FORM, *shown, action_url(appointment["pk"]))
            if appointment["status"] in actionable
            else format_html(_CARD, *shown)
        )
        drawn[appointment["pk"]] = (card, format_html(_BUSY, appointment["busy"]))
    pieces: list[str] = []
    slots: list[str] = []
    parts: list[str] = []
    for hour, cells in view.rows:
        parts.append(format_html(_HOUR_OPEN, hour))
        for empty_rooms, entries in cells:
            if empty_rooms:
                parts.append(_BLANK * empty_rooms)
                continue
            parts.append(_FILLED_OPEN)
            for starts_here, appointment in entries:
                card, busy = drawn[appointment["pk"]]
                if not starts_here:
                    parts.append(busy)
                    continue
                parts.append(card)
                if appointment["status"] in actionable:
                    pieces.append("".join(parts))
                    slots.append(appointment["status"])
                    parts = [_FORM_CLOSE]
            parts.append("</td>")
        parts.append("</tr>")
    pieces.append("".join(parts))
    # Every cell came out of format_html.
    return DayGrid(
        header=mark_safe("".join(header)),  # noqa: S308
        pieces=tuple(pieces),
        slots=tuple(slots),
    )


_QUEUE_ROW = (
    '<tr data-testid="queue-row-{}"><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td>'
    '<td class="small">{}</td><td class="small">{}</td><td>{}</td><td>{}</td></tr>'
)
_MOVE_BADGE = mark_safe('<span class="badge text-bg-info">Move</span> ')
_OPEN = '<a class="btn btn-sm btn-primary" href="{}">Open</a>'


def queue_rows(rows: list[dict[str, Any]]) -> SafeString:
    """The queue's table rows, from request_queue_page's display rows (with `open_url`)."""
    drawn = [
        format_html(
            _QUEUE_ROW,
            row["pk"],
            row["sent"],
            row["patient"],
            _MOVE_BADGE if row["is_move"] else "",
            row["visit"],
            row["location"],
            row["preferred"],
            row["payer"],
            row["status"],
            format_html(_OPEN, row["open_url"]) if row["open_url"] else "",
        )
        for row in rows
    ]
    # Every row came out of format_html.
    return mark_safe("".join(drawn))  # noqa: S308
