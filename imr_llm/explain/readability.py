"""Reading grade and reading ease, with no start-up cost.

The formulas, word and sentence counts are textstat 0.7.8's. Syllables come from pyphen's
hyphenation dictionaries (each pattern parsed when a word first needs it: hyphenation.py), where
textstat first loads the whole CMU pronouncing dictionary (about a second) for English.
For Spanish textstat uses pyphen alone, so the numbers are the same; English syllables are
counted by a few rules instead of the dictionary, and the grades stay within 0.2 of textstat's
on every real letter's explanation (benchmarks/compare_readability.py, BENCHMARKS.md).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from imr_llm import regex_cache
from imr_llm.explain.hyphenation import hyphenator
from imr_llm.schema import Lang

GRADE_LIMIT = 8.0
"""The highest reading grade (Flesch-Kincaid in English, Crawford in Spanish) an explanation for
a worker may have: the one plain-language limit that the writer, the LLM checks and the eval use."""

_CONTRACTION_ENDINGS = r"[tsd]|ve|ll|re"
_NONCONTRACTION_APOSTROPHE = regex_cache.compile(r"\'(?!" + _CONTRACTION_ENDINGS + ")")
_PUNCTUATION = regex_cache.compile(r"[^\w\s\']")
_SENTENCE = regex_cache.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_PYPHEN_LANG = {"en": "en_US", "es": "es"}


def _words(text: str) -> list[str]:
    """textstat's word list: punctuation removed except the apostrophe of a contraction."""
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def _sentence_count(text: str) -> int:
    """textstat's sentence count: runs ending in . ! or ?, not counting those of <= 2 words."""
    if not text:
        return 0
    sentences = _SENTENCE.findall(text)
    short = sum(1 for sentence in sentences if len(_words(sentence)) <= 2)
    return max(1, len(sentences) - short)


@lru_cache(maxsize=2)
def _hyphenator(lang: Lang) -> Any:
    return hyphenator(_PYPHEN_LANG[lang])  # the patterns are parsed as words need them


# English syllables by rule: vowel groups (y a vowel after a consonant), plus the vowel pairs
# said as two syllables, less a silent final e/es/ed and the e that ends the first part of
# "some-thing", "guide-lines", "safe-ty".
_VOWEL_GROUP = regex_cache.compile(r"[aeiou]+|(?<=[^aeiouw])y")
_TWO_SYLLABLES = regex_cache.compile(
    r"(?<![qg])ua|(?<![ctgs])(?<!rn)ia|iu|eo(?!u)|io(?!n)"
    r"|(?<=[aeiouy])ing$|(?<=[^aeiou])ier$|(?<=[^aeiouy][bcdfgkpstz])ler$|ire$"
)
_INNER_SILENT_E = regex_cache.compile(
    r"(?:(?<=[aeiouy][^aeiouy])|(?<=[aeiouy][^aeiouy][^aeiouy]))e"
    r"(?=(?:ly|ment|ments|ful|less|ness|ty|line|lines|thing|book|books|where|one|times)$)"
)
_SYLLABIC_LE = regex_cache.compile(r"[^aeiouyl]l(?:e|es|ed)$")
_SILENT_END = regex_cache.compile(
    r"(?<![aeiouy])e$|(?<![aeiouycgsxz])(?<!sh)(?<!ch)es$|(?<![aeiouytd])ed$"
)


def _english_syllables(word: str) -> int:
    word = word.replace("'", "")
    count = len(_VOWEL_GROUP.findall(word)) + len(_TWO_SYLLABLES.findall(word))
    if _INNER_SILENT_E.search(word):
        count -= 1
    if _SILENT_END.search(word) and not _SYLLABIC_LE.search(word):
        count -= 1
    if word.endswith("ically"):
        count -= 1
    return max(1, count)


_ENGLISH_WORD = regex_cache.compile(r"[a-z']+")


@lru_cache(maxsize=4096)
def _syllables(word: str, lang: Lang) -> int:
    """Syllables of a lowercase word: by rule for English words, else (Spanish, and words with
    digits) from pyphen's hyphenation points, as textstat counts them."""
    if lang == "en" and _ENGLISH_WORD.fullmatch(word):
        return _english_syllables(word)
    return len(_hyphenator(lang).positions(word)) + 1


@lru_cache(maxsize=64)
def _counts(text: str, lang: Lang) -> tuple[int, int, int]:
    """(words, sentences, syllables) of `text`, as textstat counts them."""
    words = _words(text)
    syllables = sum(_syllables(word.lower(), lang) for word in words)
    return len(words), _sentence_count(text), syllables


class Counts(NamedTuple):
    """Words, sentences and syllables of a text: a text's pieces add up (nearly) to its counts,
    so the grade without a piece can be estimated without counting the rest again."""

    words: int
    sentences: int
    syllables: int

    def __sub__(self, other: tuple[int, ...]) -> Counts:
        words, sentences, syllables = other
        return Counts(self.words - words, self.sentences - sentences, self.syllables - syllables)


def text_counts(text: str, lang: Lang) -> Counts:
    return Counts(*_counts(text, lang))


def _rates(counts: tuple[int, int, int]) -> tuple[float, float, float] | None:
    words, sentences, syllables = counts
    if words <= 0 or sentences <= 0 or syllables <= 0:
        return None
    return words / sentences, syllables / words, sentences / words


def _per_word(text: str, lang: Lang) -> tuple[float, float, float] | None:
    """(words per sentence, syllables per word, sentences per word), or None for no words."""
    return _rates(_counts(text, lang))


def _fk(rates: tuple[float, float, float] | None) -> float:
    if rates is None:
        return 0.0
    return round(0.39 * rates[0] + 11.8 * rates[1] - 15.59, 1)


def _crawford(rates: tuple[float, float, float] | None) -> float:
    if rates is None:
        return 0.0
    sentences_per_100, syllables_per_100 = 100 * rates[2], 100 * rates[1]
    return round(-0.205 * sentences_per_100 + 0.049 * syllables_per_100 - 3.407, 1)


def grade_of(counts: Counts, lang: Lang) -> float:
    """The reading grade (`reading_grade` or `spanish_reading_grade`) of a text's counts."""
    return _crawford(_rates(counts)) if lang == "es" else _fk(_rates(counts))


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade, rounded to one decimal."""
    return _fk(_per_word(text, "en"))


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease: 60-70 is plain English, 70-80 fairly easy."""
    rates = _per_word(text, "en")
    if rates is None:
        return 0.0
    return round(206.835 - 1.015 * rates[0] - 84.6 * rates[1], 1)


def spanish_reading_grade(text: str) -> float:
    """Crawford's grade (Spanish): school years needed to read the text."""
    return _crawford(_per_word(text, "es"))


def spanish_reading_ease(text: str) -> float:
    """Fernandez-Huerta reading ease (Spanish): 60+ is plain, 70+ fairly easy."""
    rates = _per_word(text, "es")
    if rates is None:
        return 0.0
    return round(206.84 - 60 * rates[1] - 1.02 * rates[0], 1)
