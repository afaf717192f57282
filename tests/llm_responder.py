"""A responder for the fake OpenAI server that answers imr-llm's two prompts the way a good
model would: it reads the letter out of the request and answers from the offline engine.

It proves plumbing, not model quality. Run a demo server with it:

    python tests/fake_openai_server.py --port 8765 --responder tests/llm_responder.py:respond
"""

from __future__ import annotations

import json
import re
from typing import Any

from fake_openai_server import Reply

from imr_llm.explain import explain
from imr_llm.explain.phrases import phrases
from imr_llm.formats import parse_letter
from imr_llm.offline import build_determination


def letter_of(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        content = message.get("content")
        if isinstance(content, str) and "<letter>" in content:
            match = re.search(r"<letter>\n(.*)\n</letter>", content, re.S)
            if match:
                return match.group(1)
    raise ValueError("no <letter> in the request")


def wanted_model(request: dict[str, Any]) -> str:
    """'LetterUnderstanding' or 'ExplanationDraft', whatever the instructor mode."""
    text = json.dumps(request)
    return "ExplanationDraft" if "ExplanationDraft" in text else "LetterUnderstanding"


def understanding(letter: str) -> dict[str, Any]:
    determination = build_determination(parse_letter(letter), sha256="", path=None, warnings=[])
    return {
        "diagnoses": determination.patient.diagnoses,
        "items": [
            {
                "decision": t.decision,
                "category": t.category,
                "reasons": [{"summary": r.summary, "evidence": r.evidence} for r in t.reasons][:3]
                or [{"summary": "The reviewer's finding.", "evidence": t.decision_evidence}],
                "missing": t.missing[:3],
            }
            for t in determination.treatments
        ],
    }


def explanation(letter: str, lang: str = "en") -> dict[str, Any]:
    determination = build_determination(parse_letter(letter), sha256="", path=None, warnings=[])
    written = explain(determination, letter, lang="es" if lang == "es" else "en")
    return {
        "headline": written.headline,
        "items": [
            {
                "outcome": i.outcome,
                # an item may stand on the reviewer's finding alone, shown as a quote
                "reasons": i.reasons[:3] or [phrases(written.lang)[f"fallback_{i.decision}"]],
                "what_you_can_do": i.what_you_can_do,
            }
            for i in written.items
        ],
    }


def answer(request: dict[str, Any]) -> dict[str, Any]:
    letter = letter_of(request)
    if wanted_model(request) == "ExplanationDraft":
        return explanation(letter, "es" if "Write in Spanish" in json.dumps(request) else "en")
    return understanding(letter)


def reply_with(request: dict[str, Any], payload: dict[str, Any] | str) -> Reply:
    """Send `payload` the way the request's instructor mode expects it."""
    if request.get("tools"):
        return Reply.tool_call(payload)
    text = payload if isinstance(payload, str) else json.dumps(payload)
    if "response_format" not in request:  # MD_JSON mode
        return Reply.content(f"```json\n{text}\n```")
    return Reply.content(text)


def respond(request: dict[str, Any]) -> Reply:
    return reply_with(request, answer(request))
