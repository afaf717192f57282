"""The sentence-role rules' cheap word tests can never change an answer.

`imr_llm.rationale` splits its large case-blind alternations into rules, each with the words its
pattern cannot match without, and runs a rule's pattern only when the lower-cased sentence holds
one of them. Three checks that this gives the same answer as searching for the alternation:

- a proof from each pattern's parse tree that every match holds one of its words (and that each
  word is needed for that proof, so a word cannot be dropped from a rule unnoticed);
- on every sentence of every letter (the texts the rules see), every match holds one of its
  rule's words, and each rule table answers as its alternation does;
- on text that is not ASCII, where re.I folds more than str.lower() does, every rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from re import _parser  # type: ignore[attr-defined]  # parse trees, read only, for the proof
from typing import Any

import pytest
from conftest import LETTERS

from imr_llm import rationale
from imr_llm.caseless import lower_letters, may_hold
from imr_llm.normalize import collapse_ws
from imr_llm.prepare import prepare
from imr_llm.rationale import Rule, RuleTable, split_sentences

TABLES: dict[str, RuleTable] = {
    "_CASE": rationale._CASE,
    "_CONDITION": rationale._CONDITION,
    "_CONCLUSION": rationale._CONCLUSION,
    "_RECITAL": rationale._RECITAL,
    "_GENERAL": rationale._GENERAL,
}
GENERIC_PATIENT: Rule = (
    rationale._GENERIC_PATIENT_WORDS,
    rationale._GENERIC_PATIENT.pattern.compiled,
)
RULES: dict[str, Rule] = {
    f"{name}[{index}]": rule
    for name, table in TABLES.items()
    for index, rule in enumerate(table.rules)
}
RULES["_GENERIC_PATIENT"] = GENERIC_PATIENT


# --- The proof: what every match of a pattern must hold, read from its parse tree ----------------

_LIMIT = 5000
"""Largest set of literal strings kept for one node; beyond it the node counts as unknown."""


@dataclass(frozen=True)
class Node:
    """What is known of every match of one part of a pattern (lower-cased; patterns are re.I):
    `exact` the strings it can match, when finitely many; every match starts with one of
    `prefixes` and ends with one of `suffixes` ("" = nothing known); `holds` every match holds one
    of the words being proved."""

    exact: frozenset[str] | None
    prefixes: frozenset[str]
    suffixes: frozenset[str]
    holds: bool


UNKNOWN = Node(None, frozenset({""}), frozenset({""}), False)


def _holds(strings: Iterable[str], words: tuple[str, ...]) -> bool:
    return all(any(word in s for word in words) for s in strings)


def _literal(strings: frozenset[str], words: tuple[str, ...]) -> Node:
    if len(strings) > _LIMIT:
        return Node(None, frozenset({""}), frozenset({""}), _holds(strings, words))
    return Node(strings, strings, strings, _holds(strings, words))


def _product(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _LIMIT:
        return None
    return frozenset(a + b for a in left for b in right)


def _then(first: Node, second: Node, words: tuple[str, ...]) -> Node:
    """`first` followed by `second`."""
    if first.exact is not None and second.exact is not None:
        both = _product(first.exact, second.exact)
        if both is not None:
            return _literal(both, words)
    joint = _product(first.suffixes, second.prefixes)
    holds = first.holds or second.holds or (joint is not None and _holds(joint, words))
    prefixes = first.prefixes
    if first.exact is not None:
        prefixes = _product(first.exact, second.prefixes) or frozenset({""})
    suffixes = second.suffixes
    if second.exact is not None:
        suffixes = _product(first.suffixes, second.exact) or frozenset({""})
    return Node(None, prefixes, suffixes, holds)


def _either(nodes: list[Node], words: tuple[str, ...]) -> Node:
    exacts = [node.exact for node in nodes]
    if all(exact is not None for exact in exacts):
        return _literal(frozenset().union(*exacts), words)  # type: ignore[arg-type]
    return Node(
        None,
        frozenset().union(*(node.prefixes for node in nodes)),
        frozenset().union(*(node.suffixes for node in nodes)),
        all(node.holds for node in nodes),
    )


def _sequence(items: Iterable[tuple[Any, Any]], words: tuple[str, ...]) -> Node:
    node = _literal(frozenset({""}), words)
    for item in items:
        node = _then(node, _item(item, words), words)
    return node


def _item(item: tuple[Any, Any], words: tuple[str, ...]) -> Node:
    op, av = item
    name = str(op)
    if name == "LITERAL":
        return _literal(frozenset({chr(av).lower()}), words)
    if name in {"AT", "ASSERT", "ASSERT_NOT"}:  # match no text
        return _literal(frozenset({""}), words)
    if name == "IN":
        if all(str(op) == "LITERAL" for op, _ in av):
            return _literal(frozenset(chr(code).lower() for _, code in av), words)
        return UNKNOWN
    if name in {"SUBPATTERN", "ATOMIC_GROUP"}:
        return _sequence(av[-1] if name == "SUBPATTERN" else av, words)
    if name == "BRANCH":
        return _either([_sequence(branch, words) for branch in av[1]], words)
    if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
        low, high, body = av
        node = _sequence(body, words)
        if node.exact is not None and high <= 4:
            counts = [_literal(frozenset({""}), words)]
            for _ in range(high):
                counts.append(_then(counts[-1], node, words))
            return _either(counts[low:], words)
        if low == 0:
            return UNKNOWN
        return Node(None, node.prefixes, node.suffixes, node.holds)
    return UNKNOWN


def needs_one_of(pattern: str, words: tuple[str, ...]) -> bool:
    """Proved from the parse tree: every match of case-blind `pattern` holds one of `words` in
    its lower case. False means "not proved" (the reading is cautious: a class, a repeat of
    unknown count or a back-reference is text it knows nothing of)."""
    return _sequence(_parser.parse(pattern, re.I), words).holds


def test_the_proof_reads_patterns_as_sre_does() -> None:
    assert needs_one_of(r"\b(?:the\s+|this\s+)(?:patient|case)", ("the", "this"))
    assert not needs_one_of(r"\b(?:the\s+|this\s+)(?:patient|case)", ("the",))
    assert needs_one_of(r"\bre-?(?:view|assess)\w*", ("review", "reassess", "re-"))
    assert not needs_one_of(r"\bre-?(?:view|assess)\w*", ("review", "reassess"))
    assert needs_one_of(r"\b(?:a|b)x\b", ("ax", "bx"))
    assert needs_one_of(r"patient(?:'s)?\b(?!s)", ("patient",))
    assert not needs_one_of(r"(?:patient)?s", ("patient",))
    assert not needs_one_of(r"\d+\s+weeks|x", ("week",))
    assert needs_one_of(r"\d{1,2}[/-]\d{1,2}", ("/", "-"))
    assert not needs_one_of(r"\d{1,2}[\s/-]\d{1,2}", ("/", "-"))
    assert needs_one_of(r"(?<!no\s)CURES(?![^.]{0,4}not)", ("cures",))


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_match_of_a_rule_holds_one_of_its_words(name: str) -> None:
    words, pattern = RULES[name]
    assert words and all(word == word.lower() and not word.isspace() for word in words)
    assert all(" " not in word for word in words), "white space in a pattern may be any space"
    assert needs_one_of(pattern.pattern, words), f"{name}: a match may lack all of {words}"


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_word_of_a_rule_is_needed(name: str) -> None:
    # Dropping a word from the table leaves the pattern's matches that hold only it untested.
    words, pattern = RULES[name]
    for word in words:
        fewer = tuple(w for w in words if w != word)
        assert not needs_one_of(pattern.pattern, fewer), f"{name}: {word!r} proves nothing"


# --- The letters: the texts the rules see -----------------------------------------------------


@cache
def letter_sentences() -> tuple[str, ...]:
    """Every sentence and every line of every letter (whole letters, not only rationales), as
    sentence_role sees it, and as _CASE sees it (generic patients blanked)."""
    out: dict[str, None] = {}
    for path in sorted(LETTERS.glob("*.txt")):
        text = prepare(str(path)).text
        pieces = [text[a:b] for a, b in split_sentences(text)] + text.splitlines()
        for piece in pieces:
            sentence = collapse_ws(piece)
            out[sentence] = None
            out[GENERIC_PATIENT[1].sub(" ", sentence)] = None
    return tuple(out)


def test_the_letters_give_a_varied_corpus() -> None:
    sentences = letter_sentences()
    assert len(sentences) > 3000
    for table, rules in TABLES.items():
        matched = sum(rationale._any_rule(rules, sentence) for sentence in sentences)
        assert 30 < matched < len(sentences) - 30, table


@pytest.mark.parametrize("name", sorted(RULES))
def test_no_match_in_a_letter_lacks_its_words(name: str) -> None:
    words, pattern = RULES[name]
    for sentence in letter_sentences():
        for match in pattern.finditer(sentence):
            assert any(word in match.group(0).lower() for word in words), (name, sentence)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_table_answers_as_its_alternation_on_every_letter(table: str) -> None:
    rules = TABLES[table]
    alternation = re.compile("|".join(pattern.pattern for _, pattern in rules.rules), re.I)
    for sentence in letter_sentences():
        expected = bool(alternation.search(sentence))
        assert rationale._any_rule(rules, sentence) == expected, (table, sentence)
        assert rationale._any_rule(rules, sentence, sentence.lower()) == expected


def test_generic_patients_are_blanked_only_where_they_may_be() -> None:
    blanked = 0
    for sentence in letter_sentences():
        expected = GENERIC_PATIENT[1].sub(" ", sentence)
        # The twin blanks what the pattern blanks, keeping the rest as written.
        assert rationale._GENERIC_PATIENT.sub(" ", sentence, sentence.lower()) == expected
        if not may_hold(sentence, rationale._GENERIC_PATIENT_WORDS):
            assert expected == sentence
        else:
            blanked += expected != sentence
    assert blanked > 50


def test_text_that_is_not_ascii_runs_every_rule() -> None:
    # Case-blind, "ſ" (long s) matches "s", though "phyſical" holds no "physical".
    sentence = "A phyſical exam was done."
    words, pattern = rationale._CASE.rules[10]
    assert pattern.search(sentence) and "physical" in words
    assert not any(word in sentence.lower() for word in words)
    assert rationale._any_rule(rationale._CASE, sentence)
    assert rationale.sentence_role(sentence) == "finding"
    assert may_hold("the paṭient", ("patient",))
    assert not may_hold("the doctor", ("patient",))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_table_lays_out_every_word_of_every_rule_in_order(table: str) -> None:
    # _any_rule's one pass reads `words` and `owners`: each rule's words, under its index, in
    # table order (so the rules that may match come out in order, each once).
    rules = TABLES[table]
    expected = [(word, index) for index, (words, _) in enumerate(rules.rules) for word in words]
    assert list(zip(rules.words, rules.owners, strict=True)) == expected
    assert list(rules.owners) == sorted(rules.owners)


def test_only_the_rules_whose_words_stand_are_searched() -> None:
    # The one pass must run exactly the rules whose words the text holds, in table order, once:
    # a rule run without its words would be wasted work, one skipped would change the answer.
    searched: list[int] = []

    class Spy:
        def __init__(self, index: int) -> None:
            self.index = index

        def search(self, text: str) -> None:
            searched.append(self.index)
            return None

    rules = rationale._CASE
    spies = tuple(Spy(index) for index in range(len(rules.rules)))
    spied = rules._replace(twins=spies)
    sentence = "The claimant's physical exam on 3/4/16 was noted; this file lacks a review."
    low = sentence.lower()
    assert not rationale._any_rule(spied, sentence)
    expected = [i for i, (words, _) in enumerate(rules.rules) if any(w in low for w in words)]
    assert searched == expected and len(expected) > 5


@cache
def ascii_sentences() -> str:
    """The ASCII sentences of every letter joined. (With their case swapped they would give the
    twin the same lower-cased text and the case-blind pattern the same matches.)"""
    return "\n".join(s for s in letter_sentences() if s.isascii())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_rules_twin_finds_what_its_pattern_finds(name: str) -> None:
    # _any_rule searches ASCII text as the lower-case twin of each rule (caseless.py): the same
    # matches at the same places as the case-blind pattern, on every letter's text.
    table = TABLES[name]
    assert len(table.twins) == len(table.rules)
    for (_, pattern), twin in zip(table.rules, table.twins, strict=True):
        assert twin.pattern == lower_letters(pattern.pattern) and not twin.flags & re.I
        # The ASCII sentences as one text: one search in C instead of thousands, and pattern
        # and twin see the same text.
        text = ascii_sentences()
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in twin.finditer(text.lower())] == expected, twin.pattern
