"""A letter made ready for an engine: read, normalised, parsed, and its skeleton determination
(the items, decisions, citations and reasons the parser found) that both engines start from.
The offline engine's answer is the skeleton itself; the LLM engine fills in and checks it.

May import: reading, normalize, formats, skeleton (the skeleton builder), letter, schema.
"""

from __future__ import annotations

from imr_llm.formats import parse_letter
from imr_llm.letter import Letter, PreparedLetter
from imr_llm.normalize import normalize_text
from imr_llm.reading import read_letter
from imr_llm.schema import Determination
from imr_llm.skeleton import build_skeleton


def prepare(path: str) -> PreparedLetter:
    """Read, normalise and parse the letter at `path` ('-' for stdin)."""
    return prepared_from(read_letter(path))


def prepared_from(letter: Letter) -> PreparedLetter:
    """Normalise and parse a letter already read (a batch reads it first, to skip it cheaply
    when its text hash is already in the output)."""
    text = normalize_text(letter.text)
    return PreparedLetter(letter=letter, text=text, parsed=parse_letter(text))


def skeleton(prepared: PreparedLetter) -> Determination:
    """The determination the parser finds in the letter (formerly `skeleton`)."""
    determination = build_skeleton(
        prepared.parsed,
        sha256=prepared.letter.sha256,
        path=prepared.letter.path,
        warnings=list(prepared.letter.warnings),
    )
    return prepared.letter.mark(determination)
