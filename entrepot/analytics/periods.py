"""Days, months and years, and how a date range splits into them (pure Python).

A range of 365 days read from daily rows touches 365 rows per key; `cover` splits it
into whole years, whole months and the days left at the edges, so it touches at most
a few dozen. The dashboards ask the rollups for exactly those periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAY, MONTH, YEAR = "d", "m", "y"
GRAINS = (DAY, MONTH, YEAR)


def start_of(grain: str, day: date) -> date:
    """The first day of the day, month or year that holds `day`."""
    if grain == DAY:
        return day
    if grain == MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(grain: str, start: date) -> date:
    """The first day of the period after the one starting on `start`."""
    if grain == DAY:
        return start + timedelta(days=1)
    if grain == MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


@dataclass(frozen=True)
class Span:
    """Periods of one grain whose first days run from `first` to `last` (inclusive)."""

    grain: str
    first: date
    last: date


def cover(start: date, end: date, grains: tuple[str, ...] = (YEAR, MONTH, DAY)) -> list[Span]:
    """Spans of periods that together are exactly the days start..end (inclusive),
    coarsest grain first where it fits. `grains` runs from coarse to fine and must end
    with DAY; leave YEAR out to get rows that can still be bucketed by month."""
    if start > end:
        return []
    grain, finer = grains[0], grains[1:]
    if grain == DAY:
        return [Span(DAY, start, end)]
    first = start_of(grain, start)
    if first < start:
        first = next_start(grain, first)
    last = start_of(grain, end)
    if next_start(grain, last) - timedelta(days=1) > end:
        last = _previous_start(grain, last)
    if last is None or first > last:
        return cover(start, end, finer)
    return [
        *cover(start, first - timedelta(days=1), finer),
        Span(grain, first, last),
        *cover(next_start(grain, last), end, finer),
    ]


def _previous_start(grain: str, start: date) -> date | None:
    day = start - timedelta(days=1)
    return start_of(grain, day)


def year_before(day: date) -> date:
    """The same day a year earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
