"""The written-out California holiday table agrees with the `holidays` package it was taken from."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from imr_llm.explain.holidays_ca import FIRST_YEAR, LAST_YEAR, california_holidays


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_table_year_matches_the_holidays_package(year: int) -> None:
    expected = frozenset(holidays.country_holidays("US", subdiv="CA", years=year).keys())
    assert california_holidays(year) == expected


def test_year_outside_the_table_comes_from_the_package() -> None:
    year = LAST_YEAR + 1
    days = california_holidays(year)
    assert date(year, 7, 4) in days  # Independence Day, a Thursday in 2041
    assert days == frozenset(holidays.country_holidays("US", subdiv="CA", years=year).keys())
