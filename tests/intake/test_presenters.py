"""The review queue's rows, drawn in Python: the template's markup, every value escaped."""

from __future__ import annotations

import pytest

from intake.presenters import review_queue_rows
from intake.selectors import QueueRow


def row(**changes: object) -> QueueRow:
    base: dict[str, object] = {
        "pk": 7,
        "url": "/intake/review/7/",
        "name": "Dana Rivera",
        "urgent": False,
        "status": "Submitted",
        "waiting_since": "Sun 29 Nov, 11:56",
        "phq9": "13",
        "phq9_band": "moderate",
        "gad7": "9",
        "gad7_band": "mild",
        "cssrs_risk": "low",
        "exclude_flags": 0,
        "review_flags": 0,
        "location": "Folsom",
    }
    base.update(changes)
    return QueueRow(**base)  # type: ignore[typeddict-item]


def test_a_row_prints_every_cell_in_the_columns_order() -> None:
    html = review_queue_rows([row()])
    assert html == (
        '<tr data-testid="queue-row"><td><a href="/intake/review/7/">Dana Rivera</a></td>'
        "<td>Submitted</td><td>Sun 29 Nov, 11:56</td>"
        '<td>13 <span class="text-muted">moderate</span></td>'
        '<td>9 <span class="text-muted">mild</span></td><td>low</td>'
        '<td><span class="text-muted">none</span></td><td>Folsom</td></tr>'
    )


def test_an_urgent_intake_is_shaded_and_badged() -> None:
    html = review_queue_rows([row(urgent=True)])
    assert html.startswith('<tr class="table-danger" data-testid="queue-row">')
    assert '<td><span class="badge text-bg-danger me-1">Urgent</span><a href=' in html


@pytest.mark.parametrize(
    ("exclude", "review", "cell"),
    [
        (0, 0, '<span class="text-muted">none</span>'),
        (2, 0, '<span class="badge text-bg-danger">2 exclude</span> '),
        (0, 1, '<span class="badge text-bg-warning">1 review</span>'),
        (
            1,
            3,
            '<span class="badge text-bg-danger">1 exclude</span> '
            '<span class="badge text-bg-warning">3 review</span>',
        ),
    ],
)
def test_flags_show_exclusions_then_reviews_or_say_none(
    exclude: int, review: int, cell: str
) -> None:
    html = review_queue_rows([row(exclude_flags=exclude, review_flags=review)])
    assert f"<td>{cell}</td>" in html


def test_names_and_places_are_escaped() -> None:
    html = review_queue_rows([row(name="<script>x</script>", location='"><img src=x>')])
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x&gt;" in html


def test_no_rows_draw_nothing() -> None:
    assert review_queue_rows([]) == ""
