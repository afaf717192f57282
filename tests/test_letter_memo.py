"""The worker path's per-letter shortcuts give what the plain code gives: the letter's memo of
sentence roles and citations (skeleton._LetterMemo), the denial's findings read from the end
back (reasons._read_denial_findings), and rule patterns whose leading \\b is written as a
look-behind after their first letters."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm import categories, citations, rationale, reasons, skeleton
from imr_llm.caseless import lower_letters, skip_ahead
from imr_llm.formats import ParsedLetter
from imr_llm.prepare import prepare
from imr_llm.schema import RationaleSentence, SentenceRole

REAL = real_letter_stems()


@cache
def _parsed(stem: str) -> ParsedLetter:
    return prepare(str(LETTERS / f"{stem}.txt")).parsed


def test_a_letter_repeats_sentences_and_citations() -> None:
    # What the memo is for: without repeats on the real letters it would be dead weight.
    sentences = citations_seen = repeated = repeated_citations = 0
    for stem in REAL:
        seen: set[str] = set()
        cited: set[str] = set()
        for item in _parsed(stem).items:
            for sentence in rationale.rationale_sentences(item.rationale):
                sentences += 1
                repeated += sentence in seen
                seen.add(sentence)
            for paragraph in (item.claims_administrator_guideline, item.reviewer_guideline):
                citations_seen += 1
                repeated_citations += paragraph in cited
                cited.add(paragraph)
    assert repeated > sentences // 10 and repeated_citations > citations_seen // 10


@pytest.mark.parametrize("stem", REAL)
def test_the_letters_memo_gives_what_each_item_alone_gives(stem: str) -> None:
    parsed = _parsed(stem)
    memo = skeleton._LetterMemo()
    for item in parsed.items:
        alone = skeleton._treatment(item, parsed.text, skeleton._LetterMemo())
        shared = skeleton._treatment(item, parsed.text, memo)
        assert shared == alone
        for kept, fresh in zip(
            shared.claims_administrator_guidelines + shared.reviewer_guidelines,
            alone.claims_administrator_guidelines + alone.reviewer_guidelines,
            strict=True,
        ):
            assert kept.model_fields_set == fresh.model_fields_set
    roles = {
        s.text: s.role
        for t in skeleton.build_skeleton(parsed, sha256="0" * 64, path=None, warnings=[]).treatments
        for s in t.sentences
    }
    assert memo.roles == roles
    assert all(rationale.sentence_role(text) == role for text, role in memo.roles.items())


def test_a_memo_answer_is_the_memos_not_a_fresh_one() -> None:
    # The memo is read: a role planted in it comes back (so a memo of another letter would leak).
    sentence = "The patient has no documented functional improvement."
    planted: dict[str, SentenceRole] = {sentence: "condition"}
    (read,) = rationale.anatomy(sentence, sentence, 0, planted)
    assert read.role == "condition" and rationale.sentence_role(sentence) == "finding"
    fresh: dict[str, SentenceRole] = {}
    (again,) = rationale.anatomy(sentence, sentence, 0, fresh)
    assert again.role == "finding" and fresh == {sentence: "finding"}


def test_each_item_gets_citations_of_its_own() -> None:
    paragraph = (
        "The Claims Administrator based its decision on the MTUS Chronic Pain Medical Treatment "
        "Guidelines 2009, Section(s): Opioids, Criteria for Use, page 76-80."
    )
    memo: dict[str, list[citations.Citation]] = {}
    first = citations.parse_citations(paragraph, memo)
    second = citations.parse_citations(paragraph, memo)
    assert first == second == citations.parse_citations(paragraph) and first[0].sections
    assert first[0] is not second[0] and first[0].sections is not second[0].sections
    second[0].sections.append("changed")
    assert "changed" not in first[0].sections and memo[paragraph] == first


def _key_findings_eager(
    own: list[tuple[RationaleSentence, str, str, str]], taken: list[str], recital: int
) -> list[RationaleSentence]:
    """The denial's findings as the code read them before _read_denial_findings: every sentence
    tested, then the analysis after the recital kept where there is one."""
    candidates = [
        sentence
        for sentence, grounds, low, text_low in own
        if not reasons._background(sentence.text, text_low)
        and reasons._GIVES_REASON.search(grounds, low)
        and (sentence.role == "finding" or reasons._CONCLUSION_GROUNDS.search(grounds, low))
    ]
    analysis = [sentence for sentence in candidates if sentence.id > recital]
    if analysis:
        candidates = analysis
    candidates.reverse()
    said = [reasons._content_words(text) for text in taken]
    chosen: list[RationaleSentence] = []
    for sentence in candidates:
        if len(chosen) >= reasons.MAX_FINDINGS:
            break
        words = reasons._content_words(sentence.text)
        if not any(reasons._repeats(words, other) for other in said):
            chosen.append(sentence)
            said.append(words)
    return sorted(chosen, key=lambda sentence: sentence.id)


def _own(sentences: list[RationaleSentence]) -> list[tuple[RationaleSentence, str, str, str]]:
    return [
        (s, g, g.lower(), s.text.lower())
        for s in sentences
        if s.role in reasons.REASON_ROLES
        for g in (reasons._grounds(s),)
    ]


def _denial_findings(
    own: list[tuple[RationaleSentence, str, str, str]], taken: list[str], recital: int
) -> list[RationaleSentence]:
    """reasons._read_denial_findings of the same sentences, each with a Reading of its own."""
    readings = [(s, reasons.Reading(s)) for s, *_ in own]
    return reasons._read_denial_findings(readings, taken, recital)


def test_a_denials_findings_read_from_the_end_are_the_eager_ones() -> None:
    checked = 0
    for stem in REAL:
        parsed = _parsed(stem)
        for item in parsed.items:
            sentences = rationale.anatomy(item.rationale, parsed.text, item.rationale_start)
            own = _own(sentences)
            recitals = [-1, max((s.id for s in sentences if s.role == "guideline"), default=-1)]
            for recital in (*recitals, len(sentences) // 2, len(sentences)):
                for taken in ([], [own[-1][0].text] if own else []):
                    want = _key_findings_eager(own, taken, recital)
                    assert _denial_findings(own, taken, recital) == want
                    checked += bool(want)
    assert checked > 200


def test_a_denial_without_findings_after_the_recital_reads_those_before() -> None:
    texts = [
        ("There is no documentation of functional improvement.", "finding"),
        ("The MTUS recommends a trial of 6 visits.", "guideline"),
        ("The patient had surgery in 2015.", "finding"),
    ]
    sentences = [
        RationaleSentence(id=i, text=text, role=role)  # type: ignore[arg-type]
        for i, (text, role) in enumerate(texts)
    ]
    own = _own(sentences)
    got = _denial_findings(own, [], recital=1)
    assert [s.id for s in got] == [0] == [s.id for s in _key_findings_eager(own, [], 1)]
    # One candidate after the recital is enough: the one before it is then background.
    texts[2] = ("The patient has not failed conservative care.", "finding")
    sentences[2] = RationaleSentence(id=2, text=texts[2][0], role="finding")
    own = _own(sentences)
    assert [s.id for s in _denial_findings(own, [], recital=1)] == [2]


# The patterns as written before their leading \b became a look-behind after the first letters.
_AS_BEFORE = {
    "case the/this": r"\b(?:the\s+|this\s+)(?:patient|injured\s+worker|claimant|applicant|employee|"
    r"worker|individual|IW|member|requesting\s+(?:provider|physician)|treating\s+(?:provider|"
    r"physician|doctor)|provider|physician|(?:primary\s+)?treater|request(?:ed)?\b|"
    r"records?|medical\s+records?|documentation|progress\s+(?:note|report)s?|notes?|file|"
    r"submitted|case|exam(?:ination)?)",
    "case pronoun": r"\b(?:he|she|his|her|him)\b",
    "background request": r"\brequest\s+for\s+authorization\s+(?:is|was|dated)|\b(?:the\s+)?"
    r"request\s+(?:is|was)\s+for\b|\bis\s+requesting\b|\bwas\s+the\s+original\s+request|"
    r"^this\s+is\s+a\s+request\b",
}


def _now() -> dict[str, str]:
    background = dict(reasons._BACKGROUND)["request"]
    return {
        "case the/this": rationale._CASE.rules[0][1].pattern,
        "case pronoun": rationale._CASE.rules[24][1].pattern,
        "background request": background.pattern.pattern,
    }


@cache
def _letters_text() -> str:
    return "\n".join(prepare(str(path)).text for path in sorted(LETTERS.glob("*.txt")))


_EDGES = (
    "the patient",
    "bathe patient",
    "(the records",
    "xthe records",
    "he said",
    "she said",
    "the shed",
    "ashe",
    "his and her",
    "this is a request for",
    "Here, this is a request",
    "a\nthis is a request",
    "The Request Is For PT",
    "therequest is for",
    "it is requesting",
    "3his",
    "_he",
    "é he",
    "éhe",
)


@pytest.mark.parametrize("name", sorted(_AS_BEFORE))
def test_a_leading_b_as_a_look_behind_matches_where_it_did(name: str) -> None:
    now = _now()[name]
    assert now != _AS_BEFORE[name]
    text = _letters_text() + "\n" + "\n".join(_EDGES) + "\n" + "\n".join(_EDGES).upper()
    for pattern in (_AS_BEFORE[name], now):
        assert re.search(pattern, text, re.I)
    for sample in (text, *_EDGES, *(e.upper() for e in _EDGES)):
        before = [m.span() for m in re.finditer(_AS_BEFORE[name], sample, re.I)]
        assert [m.span() for m in re.finditer(now, sample, re.I)] == before, sample[:40]
        low = sample.lower()
        before_low = [m.span() for m in re.finditer(lower_letters(_AS_BEFORE[name]), low)]
        assert [m.span() for m in re.finditer(lower_letters(now), low)] == before_low


@cache
def _requests() -> tuple[str, ...]:
    return tuple(
        text
        for stem in REAL
        for item in _parsed(stem).items
        for text in (item.request, item.original_request or "")
    )


def test_skip_ahead_rewrites_only_a_leading_b_before_a_word_character() -> None:
    assert skip_ahead(r"\bMRI\b|x-?rays?\b|\bE&M\b") == r"M(?<!\w\w)RI\b|x-?rays?\b|E(?<!\w\w)&M\b"
    for kept in (r"\b(?:a|b)", r"\b\d", r"\\bx", r"x\b"):
        assert skip_ahead(kept) == kept


@pytest.mark.parametrize("index", range(len(categories._RULES)))
def test_a_category_rule_matches_where_its_b_form_does(index: str) -> None:
    category, pattern = categories._RULES[int(index)]
    compiled = skip_ahead(pattern)
    assert categories._COMPILED[int(index)][1].pattern.pattern == compiled
    edges = (
        "pulsed ultrasound",
        "ultrasound therapy",
        "an ultrasound",
        "mri",
        "xmri",
        "(MRI)",
        "the CT scan",
        "ACT",
        "5 labs",
        "e&m visit",
        "pt/inr",
        "H-wave unit",
        "subunit",
        "éMRI",
        "_mri",
    )
    samples = (_letters_text(), *_requests(), *edges, *(e.upper() for e in edges))
    for sample in samples:
        want = [m.span() for m in re.finditer(pattern, sample, re.I)]
        assert [m.span() for m in re.finditer(compiled, sample, re.I)] == want, (category, sample)
        low = sample.lower()
        want_low = [m.span() for m in re.finditer(lower_letters(pattern), low)]
        assert [m.span() for m in re.finditer(lower_letters(compiled), low)] == want_low


def test_the_ultrasound_look_behind_after_the_word_matches_as_before() -> None:
    # "(?<!pulsed )ultrasound" written with its look-behind after the word, so sre can skip
    # ahead to the "u".
    before, now = (
        r"(?<!pulsed )ultrasound(?! therapy)",
        r"ultrasound(?<!pulsed ultrasound)(?! therapy)",
    )
    assert now in categories._RULES[6][1]
    for sample in (_letters_text(), "pulsed ultrasound", "an ultrasound", "ultrasound therapy"):
        for text in (sample, sample.upper()):
            want = [m.span() for m in re.finditer(before, text, re.I)]
            assert [m.span() for m in re.finditer(now, text, re.I)] == want
