"""Markup for the front desk's two busy tables, drawn in Python rather than by template tags.

The busy day view is a grid of ~36 rooms by ~14 hours holding ~60 visit cards; drawn by
nested template loops it cost more than everything else on the page together. Each card
is drawn here once, with `format_html` (every value escaped; only markup we wrote, and
the desk's buttons, which are already safe, go in unescaped), and each hour's row is
joined from its cells. The request queue's 25 rows are drawn the same way, one
`format_html` a row instead of nine template lookups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from portal.markup import format_html
from scheduling.selectors import DayView

__all__ = ["day_grid_header", "day_grid_rows", "queue_rows", "status_buttons"]

_CARD = (
    '<div class="{}" data-testid="day-appointment-{}">'
    '<div class="fw-semibold small">{}</div>'
    '<div class="small">{}</div>'
    '<span class="badge text-bg-secondary">{}</span></div>'
)
# The same card with the desk's buttons for it: one format_html a card, not two.
_CARD_WITH_ACTIONS = _CARD.removesuffix("</div>") + (
    '<form method="post" action="{}" class="d-flex flex-wrap gap-1 mt-1">{}</form></div>'
)
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


def day_grid_header(view: DayView) -> SafeString:
    """The grid's column headers: each room's name and kind."""
    cells = [
        format_html(_ROOM_HEADER, column.label, column.kind)
        if column.kind
        else format_html(_ROOM_HEADER_NO_KIND, column.label)
        for column in view.columns
    ]
    # Every cell came out of format_html.
    return mark_safe("".join(cells))  # noqa: S308


def _card(appointment: dict[str, Any], buttons: str, action_url: str) -> SafeString:
    shown = (
        appointment["card_class"],
        appointment["pk"],
        appointment["headline"],
        appointment["detail"],
        appointment["status_label"],
    )
    if buttons:
        return format_html(_CARD_WITH_ACTIONS, *shown, action_url, buttons)
    return format_html(_CARD, *shown)


def day_grid_rows(
    view: DayView,
    *,
    buttons: dict[str, SafeString],
    action_url: Callable[[int], str],
) -> SafeString:
    """The grid's body: a row an hour, its label and its cells. `buttons` are the desk's
    status buttons by status (safe markup, empty for who may not act); `action_url`
    gives the URL a visit's buttons post to."""
    drawn: dict[int, tuple[SafeString, SafeString]] = {}
    for appointment in view.appointments:
        status_buttons = buttons.get(appointment["status"], "")
        drawn[appointment["pk"]] = (
            _card(
                appointment,
                status_buttons,
                action_url(appointment["pk"]) if status_buttons else "",
            ),
            format_html(_BUSY, appointment["busy"]),
        )
    parts = []
    for hour, cells in view.rows:
        parts.append(format_html(_HOUR_OPEN, hour))
        for empty_rooms, entries in cells:
            if empty_rooms:
                parts.append(_BLANK * empty_rooms)
                continue
            parts.append(_FILLED_OPEN)
            for starts_here, appointment in entries:
                card, busy = drawn[appointment["pk"]]
                parts.append(card if starts_here else busy)
            parts.append("</td>")
        parts.append("</tr>")
    # Every part is constant markup or came out of format_html above.
    return mark_safe("".join(parts))  # noqa: S308


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
