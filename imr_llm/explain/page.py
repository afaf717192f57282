"""The claimant page: one self-contained, printable, accessible HTML explanation."""

from __future__ import annotations

from imr_llm.schema import Explanation


def to_html(explanation: Explanation) -> str:
    raise NotImplementedError("the claimant page is being built")
