"""Diagnosis precision and recall: each output diagnosis scores 1 for precision when it is one of
the gold diagnoses, each gold diagnosis 1 for recall when the output has it. Pooled over letters,
the means are micro-averaged precision and recall. A diagnosis matches when the two read the same
after case and whitespace folding (token sort similarity >= DIAGNOSIS_MATCH): a fragment ("2016",
"or tendon of wrist") matches nothing, so it costs precision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imr_llm.evals import comparators as cmp

if TYPE_CHECKING:
    from imr_llm.evals.scoring import LetterScore

DIAGNOSIS_MATCH = 85.0


def _pair(expected: list[str], got: list[str]) -> list[tuple[int, int]]:
    scored = sorted(
        ((cmp.similarity(e, g), i, j) for i, e in enumerate(expected) for j, g in enumerate(got)),
        reverse=True,
    )
    used_e: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score >= DIAGNOSIS_MATCH and i not in used_e and j not in used_g:
            used_e.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def score_diagnoses(result: LetterScore, expected: list[str], got: list[str]) -> None:
    """Record patient.diagnoses_precision (one score per output diagnosis) and
    patient.diagnoses_recall (one per gold diagnosis)."""
    pairs = _pair(expected, got)
    found = {i for i, _ in pairs}
    right = {j for _, j in pairs}
    for j, diagnosis in enumerate(got):
        verdict = cmp.Verdict(1.0) if j in right else cmp.Verdict(0.0, "not a gold diagnosis")
        result.record("patient.diagnoses_precision", verdict, None, diagnosis)
    for i, diagnosis in enumerate(expected):
        verdict = cmp.Verdict(1.0) if i in found else cmp.Verdict(0.0, "gold diagnosis missed")
        result.record("patient.diagnoses_recall", verdict, diagnosis, None)
