"""Working days: Monday to Friday, except the bank holidays of England and Wales.

The bank holidays come from the maintained `holidays` package (subdivision ENG; Wales has the
same ones), so a substitute day ("Boxing Day (observed)") or a one-off holiday is not missed.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

BANK_HOLIDAYS_OF = ("GB", "ENG")  # country and subdivision in the holidays package


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays in England and Wales in one year."""
    country, subdiv = BANK_HOLIDAYS_OF
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The working day that is count working days after day."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
