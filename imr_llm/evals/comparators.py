"""Named comparators. Each returns a score in [0, 1] and, below 1, the reason for the miss."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

TEXT_THRESHOLD = 90.0
"""rapidfuzz token_sort_ratio (0-100, case and spacing folded) at which two texts match."""
LIST_ITEM_THRESHOLD = 85.0
"""rapidfuzz token_set_ratio at which two list items (diagnoses, specialties) match."""


@dataclass(frozen=True)
class Verdict:
    score: float
    reason: str | None = None


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def exact(expected: Any, got: Any) -> Verdict:
    if expected == got:
        return Verdict(1.0)
    return Verdict(0.0, f"expected {expected!r}, got {got!r}")


def date_match(expected: date | None, got: date | None) -> Verdict:
    if expected == got:
        return Verdict(1.0)
    if got is None:
        return Verdict(0.0, f"expected {expected}, got nothing")
    if expected is None:
        return Verdict(0.0, f"expected nothing, got {got}")
    return Verdict(0.0, f"expected {expected}, got {got} ({(got - expected).days:+d} days)")


def number(expected: float | None, got: float | None) -> Verdict:
    if expected == got:
        return Verdict(1.0)
    return Verdict(0.0, f"expected {expected}, got {got}")


def enum(expected: str | None, got: str | None) -> Verdict:
    if expected == got:
        return Verdict(1.0)
    return Verdict(0.0, f"expected {expected!r}, got {got!r}")


def similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.token_sort_ratio(_fold(a), _fold(b)))


def text(expected: str | None, got: str | None) -> Verdict:
    if expected is None or got is None:
        return exact(expected, got)
    score = similarity(expected, got)
    if score >= TEXT_THRESHOLD:
        return Verdict(1.0)
    return Verdict(
        0.0,
        f"text differs (similarity {score:.0f} < {TEXT_THRESHOLD:.0f}): "
        f"expected {expected!r}, got {got!r}",
    )


def list_f1(
    expected: Sequence[Any],
    got: Sequence[Any],
    *,
    fuzzy: bool = False,
) -> Verdict:
    """F1 of two lists; items are paired one to one, fuzzily when `fuzzy`."""
    if not expected and not got:
        return Verdict(1.0)
    from rapidfuzz import fuzz

    def same(a: Any, b: Any) -> bool:
        if fuzzy:
            return float(fuzz.token_set_ratio(_fold(a), _fold(b))) >= LIST_ITEM_THRESHOLD
        return bool(_fold(a) == _fold(b)) if isinstance(a, str) else bool(a == b)

    unmatched = list(got)
    hits = 0
    missing = []
    for item in expected:
        partner = next((g for g in unmatched if same(item, g)), None)
        if partner is None:
            missing.append(item)
        else:
            unmatched.remove(partner)
            hits += 1
    precision = hits / len(got) if got else 0.0
    recall = hits / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if f1 == 1.0:
        return Verdict(1.0)
    parts = []
    if missing:
        parts.append(f"missing {missing!r}")
    if unmatched:
        parts.append(f"extra {unmatched!r}")
    return Verdict(round(f1, 4), "; ".join(parts))


def ordered_list(expected: Sequence[Any], got: Sequence[Any]) -> Verdict:
    return exact(list(expected), list(got))


COMPARATORS: dict[str, Callable[..., Verdict]] = {
    "exact": exact,
    "date": date_match,
    "number": number,
    "enum": enum,
    "text": text,
    "list_f1": list_f1,
    "ordered_list": ordered_list,
}
