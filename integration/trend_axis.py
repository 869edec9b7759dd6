"""The trend chart's axes, decided here (pure) so that a phone shows them readably.

At 390 px the chart is about 330 px wide and 200 px tall. Chart.js's own ticks on a time
axis fall between days, so one day was labelled twice ("Dec 1", "Dec 1"), and its y-axis
added the maximum beside the last step ("25" on top of "27"). Here:

- x: one tick per distinct day that has data, thinned evenly to at most `limit`, the
  first and last always kept; each labelled with its day and month (and year when the
  chart spans more than one calendar year), so no two labels read the same;
- y: the lower bound of each severity band and the scale's maximum (PHQ-9: 0 5 10 15 20
  27), which never sit closer than MIN_Y_GAP points apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils import dateformat

from portal.formats import patterns

MAX_X_TICKS = 5  # "12 Dec" is about 40 px: five fit 330 px with room between them
MIN_Y_GAP = 4  # points of a 0-27 scale, about 30 px at 200 px high


def x_ticks(days: Iterable[dt.date], *, limit: int = MAX_X_TICKS) -> list[dt.date]:
    """The days to label: distinct, oldest first, evenly thinned to `limit` at most."""
    if limit < 2:
        raise ValueError("an axis needs room for its first and last day")
    distinct = sorted(set(days))
    if len(distinct) <= limit:
        return distinct
    last = len(distinct) - 1
    return [distinct[round(i * last / (limit - 1))] for i in range(limit)]


def x_label_format(days: Sequence[dt.date]) -> str:
    """Day and month, in the active language's style (portal.formats); with the year when
    the days span calendar years."""
    style = patterns()
    if days and days[0].year != days[-1].year:
        return style.date
    return style.day_month


def x_axis(days: Iterable[dt.date], *, limit: int = MAX_X_TICKS) -> list[dict[str, str]]:
    """[{"x": "2026-12-01", "label": "1 Dec"}, ...] for the chart's x-axis."""
    ticks = x_ticks(days, limit=limit)
    style = x_label_format(ticks)
    return [{"x": day.isoformat(), "label": dateformat.format(day, style)} for day in ticks]


def y_ticks(bands: Sequence[tuple[int, str]]) -> list[int]:
    """The lower bound of each band, and the top of the scale (the last band's upper
    bound); a lower bound too close to the top gives way to it."""
    top = bands[-1][0]
    lowers = [0] + [upper + 1 for upper, _label in bands[:-1]]
    ticks = [value for value in lowers if top - value >= MIN_Y_GAP]
    return [*ticks, top]
