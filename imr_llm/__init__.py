"""imr-llm: read California workers' compensation IMR final determination letters."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
