"""Reviewed translations of the reason sentences and 'what was missing' phrases."""

from __future__ import annotations

REASON_SUMMARIES: dict[str, dict[str, str]] = {"es": {}}
MISSING: dict[str, dict[str, str]] = {"es": {}}
