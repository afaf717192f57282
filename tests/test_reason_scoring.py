"""Reason scoring: a ground the reviewer states twice is one gold reason (`also_evidence`)."""

from __future__ import annotations

from imr_llm.evals.comparators import Verdict
from imr_llm.evals.gold import GoldReason, GoldSentence, GoldTreatment
from imr_llm.evals.rationale_scoring import score_reasons
from imr_llm.schema import Reason, Treatment

GUIDELINE = "The guidelines recommend imaging only when red flags are present."
FIRST = "There is no evidence of red flag conditions on examination."
SECOND = "The record does not document any conditions that meet the guidelines."
OTHER = "There is no documentation of trialed and failed physical therapy."


def _gold(reasons: list[GoldReason]) -> GoldTreatment:
    roles = [GoldSentence(sentence=GUIDELINE, role="guideline")]
    roles += [GoldSentence(sentence=s, role="finding") for s in (FIRST, SECOND, OTHER)]
    return GoldTreatment(
        request="MRI of the hip",
        original_request=None,
        decision="upheld",
        retrospective=False,
        dates_of_service=[],
        category="imaging/diagnostic",
        claims_administrator_guideline_sources=[],
        reviewer_guideline_sources=[],
        reasons=reasons,
        rationale_roles=roles,
    )


def _tool(*evidence: str) -> Treatment:
    reasons = [Reason(code=f"r{k}", summary="s", evidence=e) for k, e in enumerate(evidence)]
    return Treatment(
        request="MRI of the hip",
        decision="upheld",
        decision_evidence="Upheld",
        category="imaging/diagnostic",
        reasons=reasons,
    )


def _score(gold: GoldTreatment, tool: Treatment) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = {}

    def record(name: str, verdict: Verdict, expected: object, got: object) -> None:
        scores.setdefault(name, []).append(verdict.score)

    score_reasons(gold, tool, record)
    return scores


MERGED = GoldReason(reason="no red flags", evidence=FIRST, also_evidence=[SECOND])
PLAIN = GoldReason(reason="no therapy tried", evidence=OTHER)


def test_alternate_evidence_makes_a_tool_reason_true_and_recalls_its_gold_reason() -> None:
    scores = _score(_gold([MERGED, PLAIN]), _tool(SECOND))
    assert scores["reasons.precision"] == [1.0]
    assert sorted(scores["reasons.recall"]) == [0.0, 1.0]


def test_without_the_alternate_the_same_tool_reason_is_false() -> None:
    alone = GoldReason(reason="no red flags", evidence=FIRST)
    scores = _score(_gold([alone, PLAIN]), _tool(SECOND))
    assert scores["reasons.precision"] == [0.0]
    assert scores["reasons.recall"] == [0.0, 0.0]


def test_a_ground_said_twice_is_recalled_once() -> None:
    scores = _score(_gold([MERGED, PLAIN]), _tool(FIRST, SECOND))
    assert scores["reasons.precision"] == [1.0, 1.0]
    assert scores["reasons.recall"] == [1.0, 0.0]
    assert scores["reasons.recall[imaging/diagnostic]"] == [1.0, 0.0]


def test_a_guideline_sentence_stays_false_even_as_an_alternate() -> None:
    merged = GoldReason(reason="no red flags", evidence=FIRST, also_evidence=[GUIDELINE])
    scores = _score(_gold([merged]), _tool(GUIDELINE))
    assert scores["reasons.precision"] == [0.0]
