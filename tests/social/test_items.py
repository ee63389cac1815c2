"""Times as platforms and exports write them, read as aware UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.collect.social.items import parse_time

UTC = dt.UTC


def test_platform_times_and_vietnamese_written_times() -> None:
    assert parse_time("2026-11-29T07:51:00Z") == dt.datetime(2026, 11, 29, 7, 51, tzinfo=UTC)
    assert parse_time("2026-11-29T07:51:00+0700") == dt.datetime(2026, 11, 29, 0, 51, tzinfo=UTC)
    assert parse_time("1764402660") == dt.datetime(2025, 11, 29, 7, 51, tzinfo=UTC)
    # A listening tool's export writes Hà Nội time, day first, either way round.
    hanoi_0751 = dt.datetime(2026, 11, 29, 0, 51, tzinfo=UTC)
    assert parse_time("29/11/2026 07:51") == hanoi_0751
    assert parse_time("07:51 29/11/2026") == hanoi_0751
    assert parse_time("9/3/2026 7:05:09") == dt.datetime(2026, 3, 9, 0, 5, 9, tzinfo=UTC)
    assert parse_time("29-11-2026") == dt.datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
    # ... or the ISO way without a zone (read as UTC, such a post stood 7 hours in the future)
    assert parse_time("2026-11-29 07:51") == hanoi_0751
    assert parse_time("2026-11-29T07:51:00") == hanoi_0751
    for wrong in ("31/02/2026 07:00", "29/11/2026 25:00", "hôm qua"):
        with pytest.raises(ValueError):
            parse_time(wrong)


def test_digits_are_a_day_unix_seconds_or_unix_milliseconds() -> None:
    """Before, 20261129 was read as Unix seconds (23 August 1970) and milliseconds refused."""
    midnight_in_hanoi = dt.datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
    assert parse_time("20261129") == parse_time(20261129) == midnight_in_hanoi
    in_milliseconds = dt.datetime(2025, 11, 29, 7, 6, 40, tzinfo=UTC)
    assert parse_time("1764400000000") == parse_time(1764400000000) == in_milliseconds
    assert parse_time(1764400000) == in_milliseconds
    with pytest.raises(ValueError):
        parse_time("20261345")  # no 45th of a 13th month


def test_a_boolean_or_a_unix_time_before_social_networks_is_no_time() -> None:
    """JSON's true was 1970-01-01 00:00:01 and "0" was 1 January 1970: a count or a flag in
    the time column, now refused in words naming it."""
    for flag in (True, False):
        with pytest.raises(ValueError):
            parse_time(flag)
    for wrong, day in (("0", "01/01/1970"), (1000000000, "09/09/2001")):
        with pytest.raises(ValueError) as refused:
            parse_time(wrong)
        said = f"{wrong!r} đọc theo giờ Unix là ngày {day}, trước năm 2004: không phải lúc đăng"
        assert str(refused.value) == said
