"""Plain-language explanations of a Determination: the writer, its phrases and translations,
deadlines, glossary, the grounding and readability checks, and the renderers (render: text and
Markdown; page: HTML; output: any of the four formats).

May import: schema, dates, templates (nothing above the parse layer).
"""

from __future__ import annotations

from imr_llm.explain.budget import explain
from imr_llm.explain.writer import readable_text

__all__ = ["explain", "readable_text"]
