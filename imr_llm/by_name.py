"""Project objects loaded by name ("package.module:attribute"), for the few modules that must not
be imported until they are used: the command modules (`imr-llm --help` loads none of them) and
the LLM side of a run (the settings and the LLM engine: pydantic-settings, openai, instructor;
an offline run never loads them).

Every reference is a module-level constant of the module that loads it, so it can be read and
checked like an import: tests/test_imports.py resolves each one and holds it to the layers of
the import-linter contract. Nothing else in the package imports a project module inside a
function.

May import: nothing of the package (the lowest layer).
"""

from __future__ import annotations

import importlib
from typing import Any


def load(reference: str) -> Any:
    """The object named by `reference`, "package.module:attribute", importing its module."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)
