"""California state holidays (with the federal ones and the days they are observed), as the
`holidays` package lists them for `country_holidays("US", subdiv="CA")`, for 2010-2040, less the
days it lists that are not days off: February 15, "Susan B. Anthony Day", is not among the
holidays of Government Code section 6700, and state offices are open (the package counted it,
which put an insurer's 5-working-day date a day late whenever it fell in the count).

Written out as a table because loading `holidays` and computing one year costs about a quarter of
a second, most of a one-letter `summarize`. tests/test_holidays_ca.py checks every year of the
table against the package, so a change in the package (a new holiday) shows up there; years
outside the table are still asked of the package.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

# One line a year: the year, then each holiday as MMDD.
_TABLE = """
2010 0101 0118 0215 0331 0531 0704 0705 0906 1111 1125 1126 1224 1225 1231
2011 0101 0117 0221 0331 0530 0704 0905 1111 1124 1125 1225 1226
2012 0101 0102 0116 0220 0331 0528 0704 0903 1111 1112 1122 1123 1225
2013 0101 0121 0218 0331 0401 0527 0704 0902 1111 1128 1129 1225
2014 0101 0120 0217 0331 0526 0704 0901 1111 1127 1128 1225
2015 0101 0119 0216 0331 0525 0703 0704 0907 1111 1126 1127 1225
2016 0101 0118 0215 0331 0530 0704 0905 1111 1124 1125 1225 1226
2017 0101 0102 0116 0220 0331 0529 0704 0904 1110 1111 1123 1124 1225
2018 0101 0115 0219 0331 0528 0704 0903 1111 1112 1122 1123 1225
2019 0101 0121 0218 0331 0401 0527 0704 0902 1111 1128 1129 1225
2020 0101 0120 0217 0331 0525 0703 0704 0907 1111 1126 1127 1225
2021 0101 0118 0215 0331 0531 0618 0619 0704 0705 0906 1111 1125 1126 1224 1225 1231
2022 0101 0117 0221 0331 0530 0619 0620 0704 0905 1111 1124 1125 1225 1226
2023 0101 0102 0116 0220 0331 0529 0619 0704 0904 1110 1111 1123 1124 1225
2024 0101 0115 0219 0331 0401 0527 0619 0704 0902 1111 1128 1129 1225
2025 0101 0120 0217 0331 0526 0619 0704 0901 1111 1127 1128 1225
2026 0101 0119 0216 0331 0525 0619 0703 0704 0907 1108 1111 1126 1127 1225
2027 0101 0118 0215 0331 0531 0618 0619 0704 0705 0906 1029 1111 1125 1126 1224 1225 1231
2028 0101 0117 0221 0331 0529 0619 0704 0904 1017 1110 1111 1123 1124 1225
2029 0101 0115 0219 0331 0528 0619 0704 0903 1105 1111 1112 1122 1123 1225
2030 0101 0121 0218 0331 0401 0527 0619 0704 0902 1026 1111 1128 1129 1225
2031 0101 0120 0217 0331 0526 0619 0704 0901 1111 1114 1127 1128 1225
2032 0101 0119 0216 0331 0531 0618 0619 0704 0705 0906 1102 1111 1125 1126 1224 1225 1231
2033 0101 0117 0221 0331 0530 0619 0620 0704 0905 1022 1111 1124 1125 1225 1226
2034 0101 0102 0116 0220 0331 0529 0619 0704 0904 1110 1111 1123 1124 1225
2035 0101 0115 0219 0331 0528 0619 0704 0903 1030 1111 1112 1122 1123 1225
2036 0101 0121 0218 0331 0526 0619 0704 0901 1111 1127 1128 1225
2037 0101 0119 0216 0331 0525 0619 0703 0704 0907 1111 1126 1127 1225
2038 0101 0118 0215 0331 0531 0618 0619 0704 0705 0906 1111 1125 1126 1224 1225 1231
2039 0101 0117 0221 0331 0530 0619 0620 0704 0905 1111 1124 1125 1225 1226
2040 0101 0102 0116 0220 0331 0528 0619 0704 0903 1111 1112 1122 1123 1225
"""

FIRST_YEAR, LAST_YEAR = 2010, 2040


@lru_cache(maxsize=1)
def _parse_table() -> dict[int, frozenset[date]]:
    table: dict[int, frozenset[date]] = {}
    for line in _TABLE.split("\n"):
        if not line:
            continue
        year, *days = line.split()
        table[int(year)] = frozenset(date(int(year), int(day[:2]), int(day[2:])) for day in days)
    return table


@lru_cache(maxsize=32)
def california_holidays(year: int) -> frozenset[date]:
    """The days of `year` that `holidays` lists for California (state and federal holidays,
    and the days they are observed on)."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return _parse_table()[year]
    import holidays  # only for a year outside the table: slow to load

    listed = holidays.country_holidays("US", subdiv="CA", years=year)
    return frozenset(day for day, names in listed.items() if days_off(names))


NOT_DAYS_OFF = frozenset({"Susan B. Anthony Day"})
"""Days the `holidays` package lists for California on which offices are open."""


def days_off(names: str) -> bool:
    """Whether a day the package lists under `names` ("Presidents' Day; Susan B. Anthony Day")
    is a day off: it has a name other than NOT_DAYS_OFF."""
    return bool(set(names.split("; ")) - NOT_DAYS_OFF)
