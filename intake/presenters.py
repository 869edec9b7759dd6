"""Markup for the clinician's review queue rows, drawn in Python rather than by template tags.

The queue shows 25 intakes a page, and drawing each row through the template (a loop
with an `if` per badge and a lookup per cell) cost a third of the page. Each row is drawn
here once with `format_html`: every value is escaped, and only markup written here goes
in unescaped. The markup is the template's, cell for cell.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from intake.selectors import QueueRow
from portal.markup import format_html

_ROW = (
    '<tr{} data-testid="queue-row"><td>{}<a href="{}">{}</a></td><td>{}</td><td>{}</td>'
    '<td>{} <span class="text-muted">{}</span></td>'
    '<td>{} <span class="text-muted">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>'
)
_URGENT_ROW = mark_safe(' class="table-danger"')
_URGENT_BADGE = mark_safe('<span class="badge text-bg-danger me-1">Urgent</span>')
_NO_FLAGS = mark_safe('<span class="text-muted">none</span>')
_EXCLUDE = '<span class="badge text-bg-danger">{} exclude</span> '
_REVIEW = '<span class="badge text-bg-warning">{} review</span>'


def _flags(row: QueueRow) -> SafeString:
    exclude, review = row["exclude_flags"], row["review_flags"]
    if not exclude and not review:
        return _NO_FLAGS
    return format_html(
        "{}{}",
        format_html(_EXCLUDE, exclude) if exclude else "",
        format_html(_REVIEW, review) if review else "",
    )


def review_queue_rows(rows: list[QueueRow]) -> SafeString:
    """The queue's table rows: urgent ones shaded and badged, scores with their bands."""
    drawn = [
        format_html(
            _ROW,
            _URGENT_ROW if row["urgent"] else "",
            _URGENT_BADGE if row["urgent"] else "",
            row["url"],
            row["name"],
            row["status"],
            row["waiting_since"],
            row["phq9"],
            row["phq9_band"],
            row["gad7"],
            row["gad7_band"],
            row["cssrs_risk"],
            _flags(row),
            row["location"],
        )
        for row in rows
    ]
    # Every row came out of format_html.
    return mark_safe("".join(drawn))  # noqa: S308
