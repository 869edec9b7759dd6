"""The trend chart's axes at phone width: distinct day labels, y labels that never touch."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import translation

from intake.instruments import GAD7_BANDS, PHQ9_BANDS
from integration.trend_axis import MIN_Y_GAP, x_axis, x_label_format, x_ticks, y_ticks

DEC_1 = dt.date(2026, 12, 1)


def test_one_tick_per_day_however_many_points_share_it() -> None:
    # A PHQ-9, a GAD-7 and a mood on 1 Dec: one "1 Dec", not three.
    assert x_axis([DEC_1, DEC_1, DEC_1]) == [{"x": "2026-12-01", "label": "1 Dec"}]


def test_few_days_are_all_labelled_oldest_first() -> None:
    days = [DEC_1 + dt.timedelta(days=d) for d in (3, 0, 7)]
    assert x_ticks(days) == sorted(days)


@pytest.mark.parametrize("count", [6, 7, 30, 365])
@pytest.mark.parametrize("limit", [2, 3, 5])
def test_many_days_thin_evenly_keeping_the_first_and_last(count: int, limit: int) -> None:
    days = [DEC_1 - dt.timedelta(days=d) for d in range(count)]
    ticks = x_ticks(days, limit=limit)
    assert len(ticks) == limit
    assert len(set(ticks)) == limit
    assert ticks == sorted(ticks)
    assert (ticks[0], ticks[-1]) == (min(days), max(days))


def test_labels_never_repeat_even_across_years() -> None:
    days = [dt.date(2025, 12, 1) + dt.timedelta(days=7 * w) for w in range(60)]
    labels = [tick["label"] for tick in x_axis(days)]
    assert len(labels) == len(set(labels))
    assert labels[0] == "1 Dec 2025"
    assert x_label_format([dt.date(2026, 1, 1), dt.date(2026, 12, 31)]) == "j M"


def test_an_empty_axis_and_a_limit_too_small() -> None:
    assert x_axis([]) == []
    with pytest.raises(ValueError, match="first and last"):
        x_ticks([DEC_1], limit=1)


def test_y_ticks_are_the_band_bounds_and_the_top_none_crowded() -> None:
    # Was 0 5 10 15 20 25 27: "25" drawn over "27".
    assert y_ticks(PHQ9_BANDS) == [0, 5, 10, 15, 20, 27]
    assert y_ticks(GAD7_BANDS) == [0, 5, 10, 15, 21]
    for bands in (PHQ9_BANDS, GAD7_BANDS, ((4, "a"), (24, "b"), (26, "c"))):
        ticks = y_ticks(bands)
        assert all(b - a >= MIN_Y_GAP for a, b in itertools.pairwise(ticks))
        assert ticks[0] == 0
        assert ticks[-1] == bands[-1][0]


def test_labels_follow_the_readers_language() -> None:
    # portal.formats' style: Spanish writes the month in lower case, as the rest of the page.
    with translation.override("es"):
        assert x_axis([DEC_1]) == [{"x": "2026-12-01", "label": "1 dic"}]
        days = [dt.date(2025, 12, 1), dt.date(2026, 1, 5)]
        assert [t["label"] for t in x_axis(days)] == ["1 dic 2025", "5 ene 2026"]
