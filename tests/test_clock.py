"""bot/clock.py: 'today' is the borrower's today."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.clock import today_in, utcnow, zone

EVENING_UTC = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "zone_name, expected",
    [
        ("Asia/Shanghai", date(2026, 11, 24)),  # UTC+8: already tomorrow
        ("Asia/Tokyo", date(2026, 11, 24)),
        ("Pacific/Kiritimati", date(2026, 11, 24)),  # UTC+14
        ("Europe/London", date(2026, 11, 23)),
        ("America/New_York", date(2026, 11, 23)),
        ("Pacific/Pago_Pago", date(2026, 11, 23)),  # UTC-11
        ("UTC", date(2026, 11, 23)),
    ],
)
def test_today_across_the_date_line(zone_name, expected):
    assert today_in(zone_name, EVENING_UTC) == expected


def test_early_morning_utc_is_still_yesterday_in_new_york():
    now = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    assert today_in("America/New_York", now) == date(2026, 11, 23)
    assert today_in("Asia/Shanghai", now) == date(2026, 11, 24)


def test_the_moment_not_its_offset_decides():
    shanghai_evening = datetime(2026, 11, 24, 4, 0, tzinfo=timezone(timedelta(hours=8)))  # 20:00Z on the 23rd
    assert today_in("America/New_York", shanghai_evening) == date(2026, 11, 23)
    assert today_in("Asia/Shanghai", shanghai_evening) == date(2026, 11, 24)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", None, "../etc/passwd", "/etc/localtime", "Asia"])
def test_unknown_zone_falls_back_to_utc(name):
    assert zone(name).key == "UTC"
    assert today_in(name, EVENING_UTC) == date(2026, 11, 23)


def test_fallback_zone_can_be_chosen():
    assert zone("Nowhere/Land", default="Asia/Shanghai").key == "Asia/Shanghai"
    assert zone("America/New_York", default="Asia/Shanghai").key == "America/New_York"


def test_now_is_aware_utc():
    now = utcnow()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert abs((datetime.now(timezone.utc) - now).total_seconds()) < 5
    assert today_in("UTC") == datetime.now(timezone.utc).date() or today_in("UTC") == now.date()
