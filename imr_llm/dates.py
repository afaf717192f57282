"""Calendar dates as letters write them."""

from __future__ import annotations

from datetime import date


def safe_date(year: int, month: int, day: int) -> date | None:
    """A real date, with two-digit years read as 20xx; None for an impossible one."""
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None
