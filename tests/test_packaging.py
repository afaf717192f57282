"""The package data: setuptools finds every subpackage itself (packages.find), and the prompt
and page templates are declared as package data."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).parent.parent


def test_packages_are_found_not_listed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "packages" not in setuptools or "find" in setuptools["packages"]
    found = set(find_packages(str(ROOT), include=["imr_llm*"]))
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "imr_llm").rglob("__init__.py")
    }
    assert on_disk == found


def test_templates_are_package_data() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package, patterns in data["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        if patterns == ["*.j2"]:
            assert list(folder.glob("*.j2")), package
