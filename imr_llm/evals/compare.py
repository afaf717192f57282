"""Compare two run files, field by field and letter by letter; find regressions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr_llm.errors import UsageError


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 4)


def load_run(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot read run file {path} ({exc}); pass a file written by 'imr-llm eval --out'"
        ) from exc
    if "fields" not in data or "run" not in data:
        raise UsageError(f"{path} is not an imr-llm eval run file")
    return data


def field_changes(
    before: dict[str, Any], after: dict[str, Any], group: str = "real"
) -> list[FieldChange]:
    a = before["fields"].get(group, {})
    b = after["fields"].get(group, {})
    return [
        FieldChange(name, a.get(name, {}).get("score"), b.get(name, {}).get("score"))
        for name in sorted(set(a) | set(b))
    ]


def regressions(
    baseline: dict[str, Any], current: dict[str, Any], tolerance: float = 0.0
) -> list[FieldChange]:
    """Fields of the real group that fell by more than `tolerance` (or vanished)."""
    fallen = []
    for change in field_changes(baseline, current):
        if change.before is None:
            continue
        if change.after is None or change.after < change.before - tolerance:
            fallen.append(change)
    return fallen


def letter_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per letter and field, the mean score before and after, where it changed."""

    def means(run: dict[str, Any]) -> dict[tuple[str, str], float]:
        out = {}
        for letter in run["letters"]:
            for name, values in letter["scores"].items():
                out[(letter["letter"], name)] = round(sum(values) / len(values), 4)
        return out

    a, b = means(before), means(after)
    changes = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            changes.append(
                {"letter": key[0], "field": key[1], "before": a.get(key), "after": b.get(key)}
            )
    return changes
