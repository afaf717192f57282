"""Dates that matter after an IMR decision, computed from the letter's own dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from imr_llm.explain import facts
from imr_llm.explain.holidays_ca import california_holidays
from imr_llm.schema import Deadline, Determination


def is_working_day(day: date) -> bool:
    """Not a Saturday, Sunday or California state holiday."""
    return day.weekday() < 5 and day not in california_holidays(day.year)


def last_working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _appeal_day(decision_date: date) -> date:
    """Decision date + 30 days, before any move to a working day."""
    return decision_date + timedelta(days=int(facts.APPEAL_DAYS.value))


def safe_appeal_date(decision_date: date) -> date:
    """The last working day on or before decision date + 30 days. An extension for a weekend or
    holiday must not be relied on (domain.md, "Deadlines that land on a weekend or holiday")."""
    return last_working_day_on_or_before(_appeal_day(decision_date))


def appeal_date_moved(decision_date: date) -> bool:
    """Whether the safe appeal date is earlier than decision date + 30 days (day 30 is not a
    working day): only then is it said to be "moved back to a working day"."""
    return safe_appeal_date(decision_date) != _appeal_day(decision_date)


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start`, skipping weekends and California state holidays."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _days_after(start: date | None, days: str) -> date | None:
    return start + timedelta(days=int(days)) if start else None


def compute_deadlines(determination: Determination) -> list[Deadline]:
    decision_date = determination.case.decision_date
    decisions = {t.decision for t in determination.treatments}
    out: list[Deadline] = []
    if "upheld" in decisions:
        basis = f"{facts.APPEAL_DAYS.source}; counted here from the decision date"
        if decision_date and appeal_date_moved(decision_date):
            basis += ", and moved back to a working day, the safe choice"
        safe = safe_appeal_date(decision_date) if decision_date else None
        out.append(Deadline(what="appeal", date=safe, basis=basis))
    overturned = [t for t in determination.treatments if t.decision == "overturned"]
    if any(not t.retrospective for t in overturned):
        out.append(
            Deadline(
                what="authorization",
                date=add_working_days(decision_date, int(facts.AUTHORIZE_WORKING_DAYS.value))
                if decision_date
                else None,
                basis=f"{facts.AUTHORIZE_WORKING_DAYS.source}; counted here from the decision "
                "date (weekends and California holidays skipped)",
            )
        )
    if any(t.retrospective for t in overturned):
        out.append(
            Deadline(
                what="payment",
                date=_days_after(decision_date, facts.PAY_DAYS.value),
                basis=f"{facts.PAY_DAYS.source}; counted here from the decision date",
            )
        )
    ur_date = determination.case.ur_denial_date
    if "upheld" in decisions and ur_date:
        out.append(
            Deadline(
                what="new-request",
                date=add_months(ur_date, int(facts.UR_EFFECT_MONTHS.value)),
                basis=f"{facts.UR_EFFECT_MONTHS.source}; counted from the UR denial date",
            )
        )
    return out
