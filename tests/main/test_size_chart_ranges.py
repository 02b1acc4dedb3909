"""The size charts leave no gap between sizes: each size's range ends where the next one's
starts, the smallest reads "up to" and the largest "from" (the walkthrough found S 86-91 then
M 96-101: a 93 cm chest had no size)."""

from __future__ import annotations

import re

import pytest

from main.sizes import SIZE_CHARTS

RANGE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")
UP_TO = re.compile(r"^up to (\d+(?:\.\d+)?)$")
FROM = re.compile(r"^from (\d+(?:\.\d+)?)$")


def bounds(value: str) -> tuple[float | None, float | None]:
    for pattern, parts in ((RANGE, lambda m: (m[1], m[2])), (UP_TO, lambda m: (None, m[1])),
                           (FROM, lambda m: (m[1], None))):
        match = pattern.match(value)
        if match:
            low, high = parts(match)
            return (float(low) if low else None, float(high) if high else None)
    raise AssertionError(f"{value!r} is neither a range nor 'up to'/'from'")


RANGED = [slug for slug, chart in SIZE_CHARTS.items() if any("-" in value for _, value in chart.rows)]


def test_the_apparel_charts_are_ranges():
    assert set(RANGED) == {"apparel", "kids-apparel"}


@pytest.mark.parametrize("slug", RANGED)
def test_each_range_starts_where_the_last_ended(slug):
    rows = SIZE_CHARTS[slug].rows
    ranges = [bounds(value) for _, value in rows]
    for (size, _), (low, high) in zip(rows, ranges, strict=True):
        assert low is None or high is None or low < high, size
    for (size, _), (_, high), (low, _) in zip(rows, ranges, ranges[1:], strict=False):
        assert high is not None and high == low, f"{slug}: a gap or an overlap after {size}"
    assert ranges[0][0] is None, "the smallest size reads 'up to'"
    assert ranges[-1][1] is None, "the largest size reads 'from'"


def test_the_chart_page_shows_the_new_ranges(client):
    page = client.get("/size-charts/apparel/").content.decode()
    assert "86-96" in page and "up to 86" in page and "from 126" in page
