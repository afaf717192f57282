"""An explanation in each output format of `imr-llm summarize`: text, md, json or html.

The one place that knows all four, so that render (text, md) and page (html) do not import
each other in a circle.
"""

from __future__ import annotations

from imr_llm.explain.page import to_html
from imr_llm.explain.render import to_markdown, to_text
from imr_llm.schema import Explanation

EXTENSIONS = {"text": "txt", "md": "md", "json": "json", "html": "html"}


def render_explanation(explanation: Explanation, output_format: str) -> str:
    """The explanation as text, md, json or html (the formats of `imr-llm summarize`)."""
    if output_format == "json":
        return explanation.model_dump_json(indent=2)
    if output_format == "html":
        return to_html(explanation)
    if output_format == "md":
        return to_markdown(explanation)
    return to_text(explanation)
