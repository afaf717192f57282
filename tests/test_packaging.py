"""The wheel must ship every subpackage (pyproject lists them; an editable install would hide a
missing one)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "imr_llm").rglob("__init__.py")
    }
    assert on_disk - listed == set()
    assert (ROOT / config["package-dir"]["imr_llm.prompts"] / "extract.j2").is_file()
