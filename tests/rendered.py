"""An explanation as each output format shows it, flattened to one line of plain text, for the
tests that check every format carries the same content."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from imr_llm.explain.page import to_html
from imr_llm.explain.render import to_markdown, to_text
from imr_llm.schema import Explanation


def flat(text: str) -> str:
    """Whitespace collapsed, JSON's escaped quotes plain."""
    return " ".join(text.split()).replace('\\"', '"')


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def every_format(explanation: Explanation) -> dict[str, str]:
    """text, md, html (tags gone, inline ones without a space) and json, each flattened."""
    inline = re.sub(r"</?(?:a|q|span|strong|em)\b[^>]*>", "", to_html(explanation))
    html = unescape(re.sub(r"<[^>]+>", " ", inline))
    return {
        "text": flat(to_text(explanation)),
        "md": flat(to_markdown(explanation)),
        "html": flat(html),
        "json": flat(" ".join(strings(json.loads(explanation.model_dump_json())))),
    }
