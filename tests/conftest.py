"""Shared fixtures. The network guard makes any connection off this machine fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["network_guard"]

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"
GOLD = ROOT / "evals" / "gold"


def real_letter_stems() -> list[str]:
    return sorted(p.stem for p in LETTERS.glob("*.txt") if not p.stem.startswith("SYN-"))


def synthetic_letter_stems() -> list[str]:
    return sorted(p.stem for p in LETTERS.glob("SYN-*.txt"))


def load_gold(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def letters_dir() -> Path:
    return LETTERS
