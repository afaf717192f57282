"""Score an item's rationale anatomy and reasons against its gold labels.

Roles: each output sentence is paired with the gold sentence it overlaps most (rapidfuzz
partial_ratio on case- and space-folded text); per role, precision counts output sentences of
that role whose gold sentence has the same role, recall counts gold sentences of that role whose
paired output sentence has it. Items whose gold has no `rationale_roles` yet are skipped.

Reasons: an output reason is true when its evidence overlaps a gold reason's evidence of the same
item (its `evidence` or one of its `also_evidence` sentences: a ground said twice is one reason)
and (where the item has role labels) its evidence is a gold finding, conclusion or condition
sentence, not a guideline recital. A gold reason is recalled, once, when an output reason's
evidence overlaps any of its sentences. Both are also reported per category (the gold item's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from imr_llm.evals.comparators import Verdict
from imr_llm.evals.gold import GoldReason, GoldSentence, GoldTreatment
from imr_llm.schema import CATEGORIES, RationaleSentence, Treatment

OVERLAP_THRESHOLD = 90.0
"""rapidfuzz partial_ratio (0-100) at which two quotes count as the same words."""
MIN_OVERLAP_CHARS = 12
"""A shorter quote never counts as overlapping anything."""
REASON_ROLES = frozenset({"finding", "conclusion", "condition"})
ROLES = ("guideline", "finding", "conclusion", "condition")

Record = Callable[[str, Verdict, object, object], None]


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace('"', " ").split())


def overlap(a: str, b: str) -> float:
    """How well the shorter of two quotes stands inside the longer (0-100)."""
    from rapidfuzz import fuzz

    left, right = _fold(a), _fold(b)
    if min(len(left), len(right)) < MIN_OVERLAP_CHARS:
        return 0.0
    return float(fuzz.partial_ratio(left, right))


def _best(text: str, gold: Sequence[GoldSentence]) -> GoldSentence | None:
    scored = [(overlap(text, g.sentence), k) for k, g in enumerate(gold)]
    if not scored:
        return None
    score, k = max(scored)
    return gold[k] if score >= OVERLAP_THRESHOLD else None


def _best_output(gold: GoldSentence, got: Sequence[RationaleSentence]) -> RationaleSentence | None:
    scored = [(overlap(gold.sentence, s.text), k) for k, s in enumerate(got)]
    if not scored:
        return None
    score, k = max(scored)
    return got[k] if score >= OVERLAP_THRESHOLD else None


def score_roles(g: GoldTreatment, t: Treatment, record: Record) -> bool:
    """Per-role precision and recall of one item's sentence roles; False when not labelled."""
    if not g.rationale_roles:
        return False
    for sentence in t.sentences:
        match = _best(sentence.text, g.rationale_roles)
        if match is None:
            verdict = Verdict(0.0, f"sentence not in the gold: {sentence.text[:80]!r}")
        elif match.role != sentence.role:
            verdict = Verdict(0.0, f"{sentence.role} but gold says {match.role}")
        else:
            verdict = Verdict(1.0)
        record(
            f"rationale.role_precision[{sentence.role}]",
            verdict,
            match.role if match else None,
            sentence.text,
        )
    for gold in g.rationale_roles:
        found = _best_output(gold, t.sentences)
        if found is None:
            verdict = Verdict(0.0, f"gold sentence not found: {gold.sentence[:80]!r}")
        elif found.role != gold.role:
            verdict = Verdict(0.0, f"gold {gold.role}, tool says {found.role}")
        else:
            verdict = Verdict(1.0)
        record(
            f"rationale.role_recall[{gold.role}]",
            verdict,
            gold.sentence,
            found.role if found else None,
        )
    return True


def rests_on(evidence: str, gold: GoldReason) -> bool:
    """Whether a tool reason's evidence overlaps the gold reason's evidence or an alternate."""
    return any(overlap(evidence, quote) >= OVERLAP_THRESHOLD for quote in gold.all_evidence)


def score_reasons(g: GoldTreatment, t: Treatment, record: Record) -> None:
    category = g.category if g.category in CATEGORIES else "other"
    for reason in t.reasons:
        verdict = Verdict(1.0)
        labelled = _best(reason.evidence, g.rationale_roles) if g.rationale_roles else None
        if g.rationale_roles and (labelled is None or labelled.role not in REASON_ROLES):
            role = labelled.role if labelled else "no gold sentence"
            verdict = Verdict(
                0.0, f"{reason.code}: evidence is {role}, not a finding: {reason.evidence!r}"
            )
        elif not any(rests_on(reason.evidence, gold) for gold in g.reasons):
            verdict = Verdict(0.0, f"{reason.code}: no gold reason rests on {reason.evidence!r}")
        for name in ("reasons.precision", f"reasons.precision[{category}]"):
            record(name, verdict, [x.evidence for x in g.reasons], reason.evidence)
    for gold in g.reasons:
        named = any(rests_on(reason.evidence, gold) for reason in t.reasons)
        verdict = Verdict(1.0) if named else Verdict(0.0, f"reason not found: {gold.reason}")
        for name in ("reasons.recall", f"reasons.recall[{category}]"):
            record(name, verdict, gold.evidence, [r.evidence for r in t.reasons])
