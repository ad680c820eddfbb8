"""Working days skip bank holidays in England and Wales, and a promise of first contact is
warned about before it lapses: urgent 2 hours before the working day ends, routine on the
morning of the last working day."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from frontdoor.alerts.rules import WorkingHours, promise_for
from frontdoor.settings import get_settings
from frontdoor.store.link_worker import due_by
from frontdoor.working_days import add_working_days, bank_holidays, is_working_day

HOURS = WorkingHours(time(9, 0), time(17, 0))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday, Christmas Eve
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 12, 28), False),  # Boxing Day falls on a Saturday: Monday instead
        (date(2026, 12, 29), True),
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 8, 31), False),  # summer bank holiday (England and Wales, not Scotland)
        (date(2026, 8, 3), True),  # Scotland's summer bank holiday is not ours
        (date(2026, 11, 28), False),  # a Saturday
    ],
)
def test_working_days_are_weekdays_that_are_not_bank_holidays(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_the_bank_holidays_come_from_the_package_for_any_year() -> None:
    assert date(2030, 4, 22) in bank_holidays(2030)  # Easter Monday 2030, no list to update
    weekdays_off = [day for day in bank_holidays(2026) if day.weekday() < 5]
    assert len(weekdays_off) == 8  # England and Wales have 8 bank holidays a year


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 12, 23), 2, date(2026, 12, 29)),  # over Christmas and Boxing Day (observed)
        (date(2026, 4, 2), 2, date(2026, 4, 8)),  # over Good Friday and Easter Monday
        (date(2026, 11, 26), 2, date(2026, 11, 30)),  # an ordinary weekend
        (date(2026, 12, 25), 1, date(2026, 12, 29)),  # from a bank holiday itself
        (date(2026, 12, 23), 0, date(2026, 12, 23)),
    ],
)
def test_adding_working_days(start: date, count: int, expected: date) -> None:
    assert add_working_days(start, count) == expected


def test_the_routine_promise_skips_bank_holidays() -> None:
    # Wednesday 23 December 2026, 10:00 (UK winter time is UTC): due by the end of Tuesday 29th.
    assert due_by(datetime(2026, 12, 23, 10, 0), "routine") == datetime(2026, 12, 29, 23, 59, 59)
    # Thursday 2 April 2026, 10:00 in summer time: due by the end of Wednesday 8th.
    assert due_by(datetime(2026, 4, 2, 9, 0), "routine") == datetime(2026, 4, 8, 22, 59, 59)


def test_routine_is_warned_about_on_the_morning_of_the_last_working_day() -> None:
    promise = promise_for(datetime(2026, 12, 23, 10, 0), "routine", HOURS)
    assert promise.warn_at == datetime(2026, 12, 29, 9, 0)  # 09:00 on Tuesday 29th, GMT
    easter = promise_for(datetime(2026, 4, 2, 9, 0), "routine", HOURS)
    assert easter.warn_at == datetime(2026, 4, 8, 8, 0)  # 09:00 summer time is 08:00 UTC


@pytest.mark.parametrize("urgency", ["urgent", "crisis"])
def test_urgent_is_warned_about_two_hours_before_the_working_day_ends(urgency: str) -> None:
    promise = promise_for(datetime(2026, 12, 1, 10, 0), urgency, HOURS)
    assert promise.due_at == datetime(2026, 12, 1, 23, 59, 59)
    assert promise.warn_at == datetime(2026, 12, 1, 15, 0)
    summer = promise_for(datetime(2026, 7, 1, 9, 0), urgency, HOURS)
    assert summer.warn_at == datetime(2026, 7, 1, 14, 0)  # 15:00 summer time


def test_an_urgent_referral_arriving_late_in_the_day_is_warned_about_at_once() -> None:
    arrived = datetime(2026, 12, 1, 16, 30)
    assert promise_for(arrived, "urgent", HOURS).warn_at == arrived


def test_the_working_day_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKING_DAY_STARTS", "08:30")
    monkeypatch.setenv("WORKING_DAY_ENDS", "16:00")
    hours = WorkingHours.from_settings(get_settings())
    assert promise_for(datetime(2026, 12, 1, 10, 0), "urgent", hours).warn_at == datetime(
        2026, 12, 1, 14, 0
    )
    routine = promise_for(datetime(2026, 12, 23, 10, 0), "routine", hours)
    assert routine.warn_at == datetime(2026, 12, 29, 8, 30)


def test_a_warning_is_due_from_its_time_until_a_day_after_the_promise_lapsed() -> None:
    promise = promise_for(datetime(2026, 12, 1, 10, 0), "urgent", HOURS)
    assert not promise.warn_now(datetime(2026, 12, 1, 14, 59))
    assert promise.warn_now(datetime(2026, 12, 1, 15, 0))
    assert promise.warn_now(datetime(2026, 12, 2, 9, 0))  # lapsed overnight: still told
    assert not promise.warn_now(datetime(2026, 12, 3, 0, 0))
