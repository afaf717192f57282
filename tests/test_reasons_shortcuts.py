"""The reasons' shortcuts give what the plain code gives: the rule pass of find_reasons (rules
read per decision, finding-only rules tested on the findings alone, whether care was given
before read only where such a rule fits, a negation not read where it changes nothing),
checked against the plain pass on every real letter's items, under both decisions and several
kinds of care; and the patterns compiled in a form sre can skip ahead in (caseless.skip_ahead,
a clause break written alternative by alternative), checked against the form they are written
in (or were) on every real letter's sentences."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm import reasons
from imr_llm.caseless import Caseless, lower_letters, skip_ahead
from imr_llm.denials import goes_with_denied_care
from imr_llm.prepare import prepare, skeleton
from imr_llm.schema import Category, Decision, RationaleSentence, Reason, Treatment

REAL = real_letter_stems()
# One kind of care for each test the rules make on it (medicine only, never for new care).
KINDS: tuple[Category, ...] = ("other", "opioid", "pharmaceutical", "surgery", "imaging/diagnostic")


@cache
def _treatments(stem: str) -> list[Treatment]:
    return skeleton(prepare(str(LETTERS / f"{stem}.txt"))).treatments


def _plain_fire(rule: reasons.ReasonRule, sentence: str, low: str, decision: Decision) -> bool:
    """reasons._fire as written before: the negation read on every concept."""
    if not any(map(low.__contains__, rule.triggers)):
        return False
    concept = rule.concept.search(sentence, low)
    if not concept or (rule.unless and rule.unless.search(sentence, low)):
        return False
    negated = reasons.negated_in_scope(sentence, concept.start(), concept.end())
    if rule.needs_negation and not negated:
        return False
    return not (decision == "overturned" and negated)


def _plain_rule_pass(
    sentences: list[RationaleSentence], decision: Decision, category: Category, request: str
) -> tuple[list[Reason], list[str]]:
    """The rule pass of find_reasons as written before: every rule, every own sentence, whether
    care was given before read first."""
    found: list[Reason] = []
    missing: list[str] = []
    own = [
        s
        for s in sentences
        if s.role in reasons.REASON_ROLES
        and not (decision == "upheld" and reasons.only_new_care(s.text, request))
        and not (
            decision == "overturned" and s.role == "finding" and reasons.only_counts_care(s.text)
        )
    ]
    prior: bool | None = None
    lows = [s.text.lower() for s in own]
    grounds = [
        (s, g, s_low if g is s.text else g.lower(), s_low, reasons._reported(s.text))
        for s, s_low in zip(own, lows, strict=True)
        for g in (reasons._grounds(s),)
    ]
    everything = " ".join(lows)
    for rule in reasons.RULES:
        if decision not in rule.decisions:
            continue
        if rule.code in reasons.NEEDS_PRIOR_CARE or rule.code == "improvement-shown":
            if rule.code == "improvement-shown" and category in reasons.NOT_FOR_NEW_CARE:
                continue
            if prior is None:
                prior = reasons._prior_care([s for s in sentences if s.role == "finding"])
            if not prior:
                continue
        if rule.code in reasons.MEDICINE_ONLY and category not in reasons.MEDICINES:
            continue
        if not any(map(everything.__contains__, rule.triggers)):
            continue
        for sentence, words, low, text_low, reported in grounds:
            if reported:
                continue
            if sentence.role == "conclusion" and rule.code not in reasons.CONCLUSION_RULES:
                continue
            if rule.code == "surgery-denied" and not goes_with_denied_care(sentence.text, text_low):
                continue
            if rule.code == "part-already-approved" and not reasons._more_depends(
                sentence, sentences
            ):
                continue
            if rule.in_conclusion:
                words, low = sentence.text, text_low
            if _plain_fire(rule, words, low, decision):
                if not any(sentence.id in r.sentence_ids for r in found):
                    found.append(
                        reasons._reason(rule.code, reasons._summary(rule, sentence.text), sentence)
                    )
                if rule.missing:
                    missing.append(rule.missing)
                break
        if len(found) >= reasons.MAX_REASONS:
            break
    return found, missing


@pytest.mark.parametrize("stem", REAL)
def test_the_rule_pass_gives_what_the_plain_pass_gives(stem: str) -> None:
    for item in _treatments(stem):
        for decision in ("upheld", "overturned"):
            for category in KINDS:
                found, missing = reasons.find_reasons(
                    item.sentences, decision, category, item.request
                )
                plain, plain_missing = _plain_rule_pass(
                    item.sentences, decision, category, item.request
                )
                ruled = [r for r in found if r.code != reasons.REVIEWER_FINDING]
                assert (ruled, missing) == (plain, plain_missing), (decision, category)


_EDGES = (
    "MED 120",
    "xmed above 90 MED",
    "_med exceeds 120 MME",
    "GI upset",
    "agi risk",
    "is not medically necessary",
    "this is not medically necessary",
    "Therefore, the request",
    "xtherefore",
    "not-medically necessary",
    "does not recommend",
    "it is not recommended; however, it was not documented",
    "a rebut, nonwhich, awhile, xhowever: not",
    "éMED above 90",
)


@cache
def _samples(tails: bool = False) -> tuple[str, ...]:
    """Every real letter's rationale sentences (with `tails`, each also from each word on,
    where a pattern anchored with ^ reads it), and edge cases for a leading \\b."""
    texts = {s.text for stem in REAL for item in _treatments(stem) for s in item.sentences}
    if tails:
        texts |= {text[at + 1 :] for text in texts for at, c in enumerate(text) if c == " "}
    return (*sorted(texts), *_EDGES, *(edge.upper() for edge in _EDGES))


_SKIPPED_B = re.compile(r"(\w)\(\?<!\\w\\w\)")


def _written(compiled: str) -> str:
    """The \\b form of a pattern compiled through skip_ahead (each X(?<!\\w\\w) as \\bX)."""
    return _SKIPPED_B.sub(r"\\b\1", compiled)


def _skip_ahead_patterns() -> list[tuple[str, Caseless]]:
    named = [
        ("_VERDICT", reasons._VERDICT),
        ("_GUIDELINE_VERDICT", reasons._GUIDELINE_VERDICT),
        ("_NEGATED_STATEMENT", reasons._NEGATED_STATEMENT),
    ]
    for rule in reasons.RULES:
        named.append((rule.code, rule.concept))
        if rule.unless:
            named.append((f"{rule.code} unless", rule.unless))
    return named


@pytest.mark.parametrize("name", [name for name, _ in _skip_ahead_patterns()])
def test_a_pattern_compiled_to_skip_ahead_matches_where_its_b_form_does(name: str) -> None:
    caseless = dict(_skip_ahead_patterns())[name]
    compiled = caseless.pattern.pattern
    written = _written(compiled)
    assert skip_ahead(written) == compiled
    plain, plain_twin = re.compile(written, re.I), re.compile(lower_letters(written))
    for sample in _samples():
        want = [m.span() for m in plain.finditer(sample)]
        assert [m.span() for m in caseless.pattern.compiled.finditer(sample)] == want, sample
        low = sample.lower()
        want = [m.span() for m in plain_twin.finditer(low)]
        assert [m.span() for m in caseless.finditer(sample, low)] == want, sample


def test_the_clause_break_and_the_negation_after_match_as_written_before() -> None:
    clause_break = re.compile(
        r"[;:]|,\s*(?:but|however|although|though|while|whereas|and\s+(?:the|he|she|there))\b|"
        r"\b(?:but|however|although|whereas|while)\b|\bwhich\b"
    )
    negation_after = re.compile(reasons._NEGATION_AFTER.pattern.pattern, re.I)
    for sample in _samples(tails=True):
        want = [m.span() for m in clause_break.finditer(sample)]
        assert [m.span() for m in reasons._CLAUSE_BREAK.finditer(sample)] == want, sample
        found = negation_after.search(sample)
        again = reasons._NEGATION_AFTER.search(sample, sample.lower())
        assert (again and again.span()) == (found and found.span()), sample
