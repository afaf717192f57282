"""The one path every command takes: read -> normalise -> parse -> engine -> (explain)."""

from __future__ import annotations

from dataclasses import dataclass

from imr_llm.formats import ParsedLetter, parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.offline import build_determination
from imr_llm.reading import Letter, read_letter
from imr_llm.schema import Determination, Explanation, Lang


@dataclass(frozen=True)
class PreparedLetter:
    """A letter read and parsed: what every engine starts from."""

    letter: Letter
    text: str
    parsed: ParsedLetter


def prepare(path: str) -> PreparedLetter:
    letter = read_letter(path)
    text = normalize_text(letter.text)
    return PreparedLetter(letter=letter, text=text, parsed=parse_letter(text))


def extract_offline(prepared: PreparedLetter) -> Determination:
    return build_determination(
        prepared.parsed,
        sha256=prepared.letter.sha256,
        path=prepared.letter.path,
        warnings=list(prepared.letter.warnings),
    )


def extract(path: str) -> Determination:
    """Read one letter and return its typed determination (offline engine)."""
    return extract_offline(prepare(path))


def summarize(path: str, lang: Lang = "en") -> Explanation:
    """Read one letter and explain it in plain language (offline engine)."""
    from imr_llm.explain import explain

    prepared = prepare(path)
    return explain(extract_offline(prepared), prepared.text, lang=lang)
