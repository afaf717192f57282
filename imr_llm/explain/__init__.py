"""Plain-language explanations of a Determination."""

from __future__ import annotations

from imr_llm.explain.writer import explain, readable_text

__all__ = ["explain", "readable_text"]
