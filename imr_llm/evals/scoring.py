"""Score one letter's determination and explanation against its gold file, field by field.

Every field gets a list of scores (one per letter, item or reason) and every score below 1 a
recorded miss with its reason. Treatments are aligned gold-to-output by best request match
before item fields are compared.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from imr_llm.citations import distinct_sources
from imr_llm.evals import comparators as cmp
from imr_llm.evals.diagnoses import score_diagnoses
from imr_llm.evals.gold import GoldFile, GoldTreatment
from imr_llm.evals.rationale_scoring import score_reasons, score_roles
from imr_llm.explain import readable_text
from imr_llm.explain.budget import text_words, word_budget
from imr_llm.explain.grounding import outcome_problem, reading_grade, ungrounded_numbers
from imr_llm.explain.readability import GRADE_LIMIT
from imr_llm.schema import Determination, Explanation, Treatment
from imr_llm.specialties import canonical_specialties

ALIGN_THRESHOLD = 60.0
"""Request similarity (rapidfuzz) below which a gold item and an output item are not paired."""


@dataclass
class Miss:
    field: str
    reason: str
    expected: Any = None
    got: Any = None
    item: int | None = None


@dataclass
class LetterScore:
    letter: str
    synthetic: bool
    scores: dict[str, list[float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    def record(
        self,
        name: str,
        verdict: cmp.Verdict,
        expected: Any = None,
        got: Any = None,
        item: int | None = None,
    ) -> None:
        self.scores.setdefault(name, []).append(verdict.score)
        if verdict.score < 1.0:
            self.misses.append(
                Miss(name, verdict.reason or "mismatch", _plain(expected), _plain(got), item)
            )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["misses"] = [asdict(m) for m in self.misses]
        return data


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def align(gold: list[GoldTreatment], got: list[Treatment]) -> list[tuple[int, int]]:
    """(gold index, output index) pairs, best request match first, each side used once."""
    pairs = []
    for i, g in enumerate(gold):
        for j, t in enumerate(got):
            score = max(
                cmp.similarity(g.request, t.request),
                cmp.similarity(g.original_request or g.request, t.original_request or t.request),
            )
            # Letter order breaks ties (identical requests such as repeated service lines).
            pairs.append((score, -abs(i - j), i, j))
    used_gold: set[int] = set()
    used_got: set[int] = set()
    matched = []
    for score, _, i, j in sorted(pairs, reverse=True):
        if score < ALIGN_THRESHOLD or i in used_gold or j in used_got:
            continue
        used_gold.add(i)
        used_got.add(j)
        matched.append((i, j))
    return sorted(matched)


def score_letter(
    gold: GoldFile,
    determination: Determination,
    explanation: Explanation | None,
    letter_text: str,
) -> LetterScore:
    result = LetterScore(letter=gold.letter, synthetic=gold.synthetic)
    result.record(
        "format",
        cmp.enum(gold.format, determination.source.format),
        gold.format,
        determination.source.format,
    )
    for name in type(gold.case).model_fields:
        want, have = getattr(gold.case, name), getattr(determination.case, name)
        verdict = (
            cmp.enum(want, have)
            if name in {"priority", "case_number"}
            else cmp.date_match(want, have)
        )
        result.record(f"case.{name}", verdict, want, have)
    result.record(
        "reviewer.licensed_states",
        cmp.ordered_list(gold.reviewer.licensed_states, determination.reviewer.licensed_states),
        gold.reviewer.licensed_states,
        determination.reviewer.licensed_states,
    )
    result.record(
        "reviewer.specialties",
        cmp.list_f1(
            canonical_specialties(gold.reviewer.specialties),  # gold keeps the letter's spelling
            determination.reviewer.specialties,
            fuzzy=True,
        ),
        gold.reviewer.specialties,
        determination.reviewer.specialties,
    )
    result.record(
        "patient.age",
        cmp.number(gold.patient.age, determination.patient.age),
        gold.patient.age,
        determination.patient.age,
    )
    result.record(
        "patient.sex",
        cmp.enum(gold.patient.sex, determination.patient.sex),
        gold.patient.sex,
        determination.patient.sex,
    )
    result.record(
        "patient.diagnoses",
        cmp.list_f1(gold.patient.diagnoses, determination.patient.diagnoses, fuzzy=True),
        gold.patient.diagnoses,
        determination.patient.diagnoses,
    )
    score_diagnoses(result, gold.patient.diagnoses, determination.patient.diagnoses)
    _score_treatments(result, gold, determination, explanation)
    if explanation is not None:
        _score_explanation(result, gold, determination, explanation, letter_text)
    return result


def _score_treatments(
    result: LetterScore,
    gold: GoldFile,
    determination: Determination,
    explanation: Explanation | None,
) -> None:
    pairs = align(gold.treatments, determination.treatments)
    found = {i for i, _ in pairs}
    kept = {j for _, j in pairs}
    for i, g in enumerate(gold.treatments):
        if i not in found:
            result.record(
                "treatments.found", cmp.Verdict(0.0, "item not found"), g.request, None, i + 1
            )
        else:
            result.record("treatments.found", cmp.Verdict(1.0))
    for j, t in enumerate(determination.treatments):
        verdict = cmp.Verdict(1.0) if j in kept else cmp.Verdict(0.0, "item not in the letter")
        result.record("treatments.extra_free", verdict, None, t.request, j + 1)
    for i, j in pairs:
        g, t = gold.treatments[i], determination.treatments[j]
        item = i + 1
        result.record(
            "treatment.request", cmp.text(g.request, t.request), g.request, t.request, item
        )
        result.record(
            "treatment.original_request",
            cmp.text(g.original_request, t.original_request),
            g.original_request,
            t.original_request,
            item,
        )
        result.record(
            "treatment.decision", cmp.enum(g.decision, t.decision), g.decision, t.decision, item
        )
        result.record(
            "treatment.retrospective",
            cmp.exact(g.retrospective, t.retrospective),
            g.retrospective,
            t.retrospective,
            item,
        )
        result.record(
            "treatment.dates_of_service",
            cmp.ordered_list(g.dates_of_service, t.dates_of_service),
            g.dates_of_service,
            t.dates_of_service,
            item,
        )
        result.record(
            "treatment.category", cmp.enum(g.category, t.category), g.category, t.category, item
        )
        got_ca = distinct_sources(t.claims_administrator_guidelines)
        result.record(
            "treatment.claims_administrator_guideline_sources",
            cmp.list_f1(g.claims_administrator_guideline_sources, got_ca),
            g.claims_administrator_guideline_sources,
            got_ca,
            item,
        )
        got_rv = distinct_sources(t.reviewer_guidelines)
        result.record(
            "treatment.reviewer_guideline_sources",
            cmp.list_f1(g.reviewer_guideline_sources, got_rv),
            g.reviewer_guideline_sources,
            got_rv,
            item,
        )

        def record(name: str, verdict: cmp.Verdict, want: Any, have: Any, at: int = item) -> None:
            result.record(name, verdict, want, have, at)

        scored = score_roles(g, t, record)
        result.metrics["role_items"] = result.metrics.get("role_items", 0.0) + float(scored)
        score_reasons(g, t, record)


def phrase_found(phrase: str, text: str) -> bool:
    """A gold phrase is named when it starts at a word boundary (spaces and hyphens folded)."""
    words = [re.escape(w) for w in phrase.casefold().split()]
    pattern = r"\b" + r"[\s-]+".join(words)
    return re.search(pattern, text.casefold()) is not None


def _score_explanation(
    result: LetterScore,
    gold: GoldFile,
    determination: Determination,
    explanation: Explanation,
    letter_text: str,
) -> None:
    pairs = align(gold.treatments, determination.treatments)
    for i, j in pairs:
        g = gold.treatments[i]
        if j >= len(explanation.items):
            result.record(
                "explanation.outcome",
                cmp.Verdict(0.0, "no explanation for item"),
                g.decision,
                None,
                i + 1,
            )
            continue
        written = explanation.items[j]
        problem = outcome_problem(written.outcome, g.decision, explanation.lang)
        if written.decision != g.decision:
            problem = f"explains {written.decision!r} but the letter says {g.decision!r}"
        result.record(
            "explanation.outcome",
            cmp.Verdict(0.0 if problem else 1.0, problem),
            g.decision,
            written.outcome,
            i + 1,
        )
        for reason in g.reasons:
            named = any(phrase_found(p, written.explanation) for p in reason.phrases)
            verdict = (
                cmp.Verdict(1.0)
                if named
                else cmp.Verdict(0.0, f"reason not named: {reason.reason}")
            )
            result.record("explanation.reason_coverage", verdict, reason.phrases, None, i + 1)
    prose = readable_text(explanation)
    grade = reading_grade(prose) if explanation.lang == "en" else explanation.reading_grade
    result.metrics["reading_grade"] = grade
    result.record(
        "explanation.reading_grade_ok",
        cmp.Verdict(1.0 if grade <= GRADE_LIMIT else 0.0, f"grade {grade} > {GRADE_LIMIT}"),
        GRADE_LIMIT,
        grade,
    )
    computed = {d.date for d in explanation.deadlines if d.date}
    stray = ungrounded_numbers(prose, letter_text, computed)
    result.record(
        "explanation.grounded",
        cmp.Verdict(0.0 if stray else 1.0, f"numbers or dates not in the letter: {stray}"),
        [],
        stray,
    )
    missing = [
        name
        for name, present in (
            ("items", len(explanation.items) == len(determination.treatments)),
            ("next_steps", bool(explanation.next_steps)),
            ("deadlines", bool(explanation.deadlines) or not determination.treatments),
            ("help", bool(explanation.help)),
            ("glossary", bool(explanation.glossary)),
            ("notice", bool(explanation.notice)),
        )
        if not present
    ]
    result.record(
        "explanation.sections",
        cmp.Verdict(0.0 if missing else 1.0, f"missing sections: {missing}"),
        [],
        missing,
    )
    words = text_words(explanation)  # the text format, as the budget is set (issue 10)
    limit = word_budget(len(explanation.items))
    result.metrics["words"] = float(words)
    result.record(
        "explanation.length_ok",
        cmp.Verdict(1.0 if words <= limit else 0.0, f"{words} words > {limit}"),
        limit,
        words,
    )
