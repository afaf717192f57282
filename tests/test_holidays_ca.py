"""The written-out California holiday table agrees with the `holidays` package it was taken from."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from imr_llm.explain.holidays_ca import FIRST_YEAR, LAST_YEAR, california_holidays, days_off


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_table_year_matches_the_holidays_package(year: int) -> None:
    listed = holidays.country_holidays("US", subdiv="CA", years=year)
    assert california_holidays(year) == frozenset(d for d, n in listed.items() if days_off(n))
    # Susan B. Anthony Day is no day off (Government Code 6700); Presidents' Day on the same
    # date still is (2016, 2021).
    feb_15 = date(year, 2, 15)
    assert (feb_15 in california_holidays(year)) == (feb_15.weekday() == 0)


def test_year_outside_the_table_comes_from_the_package() -> None:
    year = LAST_YEAR + 1
    days = california_holidays(year)
    assert date(year, 7, 4) in days  # Independence Day, a Thursday in 2041
    listed = holidays.country_holidays("US", subdiv="CA", years=year)
    assert days == frozenset(d for d, n in listed.items() if days_off(n))
    assert date(year, 2, 15) not in days  # Susan B. Anthony Day, a Friday in 2041
