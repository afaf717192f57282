"""Calendar dates as letters write them."""

from __future__ import annotations

from datetime import date

from imr_llm import regex_cache

_DATE_NUMERIC = regex_cache.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})")


def safe_date(year: int, month: int, day: int) -> date | None:
    """A real date, with two-digit years read as 20xx; None for an impossible one."""
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_numeric_date(value: str | None) -> date | None:
    """'11/09/2016', '11-9-16' -> date; None for anything that is not a real date."""
    if not value:
        return None
    match = _DATE_NUMERIC.search(value)
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    return safe_date(year, month, day)


HEADER_DATE_ORDER = (
    ("date_of_injury", "Date of Injury"),
    ("ur_denial_date", "UR Denial Date"),
    ("application_received", "Application Received"),
    ("date_assigned", "Date Assigned"),
    ("decision_date", "Decision Date"),
)
"""The header dates in the order the process runs: the injury, the UR denial, the IMR
application, its assignment to a reviewer, the decision. Equal dates are allowed."""


def out_of_order(dates: dict[str, date | None]) -> dict[str, str]:
    """The header dates that break the process order, each with the reason; a wrong date is
    worse than none, so the caller drops them. Repeatedly takes the date in the most
    violations (every date tied for most, when no single one stands out)."""
    present = {key: dates.get(key) for key, _ in HEADER_DATE_ORDER}
    labels = dict(HEADER_DATE_ORDER)
    order = [key for key, _ in HEADER_DATE_ORDER]
    dropped: dict[str, str] = {}
    while True:
        clashes: dict[str, list[str]] = {}
        for i, early in enumerate(order):
            for late in order[i + 1 :]:
                a, b = present[early], present[late]
                if a is not None and b is not None and a > b:
                    clashes.setdefault(early, []).append(late)
                    clashes.setdefault(late, []).append(early)
        if not clashes:
            return dropped
        most = max(len(v) for v in clashes.values())
        for key, others in clashes.items():
            if len(others) == most:
                other = labels[others[0]]
                dropped[key] = (
                    f"{labels[key]} {present[key]} is out of order with {other} "
                    f"{present[others[0]]}"
                )
                present[key] = None
