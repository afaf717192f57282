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
from imr_llm.skeleton import build_skeleton


def letter_of(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        content = message.get("content")
        if isinstance(content, str) and "<letter>" in content:
            match = re.search(r"<letter>\n(.*)\n</letter>", content, re.S)
            if match:
                return match.group(1)
    raise ValueError("no <letter> in the request")


def wanted_model(request: dict[str, Any]) -> str:
    """'LetterUnderstanding', 'ExplanationDraft' or 'GroundedAnswer', whatever the mode."""
    text = json.dumps(request)
    for name in ("GroundedAnswer", "ExplanationDraft"):
        if name in text:
            return name
    return "LetterUnderstanding"


ItemSentences = dict[int, list[tuple[int, str, str]]]
"""item -> [(sentence id, role, text)], as the 'ground' prompt numbers them."""


def items_of(request: dict[str, Any]) -> ItemSentences:
    """The numbered sentences of the request's <items> message, per item."""
    text = next(m["content"] for m in request["messages"] if "<items>" in str(m["content"]))
    items: ItemSentences = {}
    current = 0
    for line in text.splitlines():
        heading = re.match(r"Item (\d+):", line)
        if heading:
            current = int(heading.group(1))
            items[current] = []
        sentence = re.match(r"\s+\[(\d+)\] \((\w+)\) (.*)", line)
        if sentence and current:
            items[current].append((int(sentence.group(1)), sentence.group(2), sentence.group(3)))
    return items


def grounded(request: dict[str, Any]) -> dict[str, Any]:
    """The 'ground' prompt's answer: per item, one plain reason citing the item's first
    finding, conclusion or condition sentence (the numbered lines of the <items> message)."""
    spanish = "sentence in Spanish" in str(request["messages"][0]["content"])
    said = "El revisor explicó el motivo en la carta." if spanish else None
    return {
        "items": [
            {
                "item": item,
                "reasons": [
                    {
                        "text": said or "The reviewer explained why in the letter.",
                        "sentence_ids": [next(i for i, role, _ in lines if role != "guideline")],
                    }
                ],
            }
            for item, lines in items_of(request).items()
            if any(role != "guideline" for _, role, _ in lines)
        ]
    }


def understanding(letter: str) -> dict[str, Any]:
    determination = build_skeleton(parse_letter(letter), sha256="", path=None, warnings=[])
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
    determination = build_skeleton(parse_letter(letter), sha256="", path=None, warnings=[])
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
    if wanted_model(request) == "GroundedAnswer":
        return grounded(request)
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
