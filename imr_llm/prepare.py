"""A letter made ready for an engine: read, normalised, parsed, and its skeleton determination
(the items, decisions, citations and reasons the parser found) that both engines start from.
The offline engine's answer is the skeleton itself; the LLM engine fills in and checks it.

May import: reading, normalize, formats, skeleton (the skeleton builder), letter, schema.
"""

from __future__ import annotations

from imr_llm.errors import LetterParseError
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
    try:
        parsed = parse_letter(text)
    except LetterParseError as error:
        if letter.text_from != "ocr":
            raise
        raise LetterParseError(f"{error}. {OCR_RETAKE}") from error
    return PreparedLetter(letter=letter, text=text, parsed=parsed)


OCR_RETAKE = (
    "This letter was read from pictures of its pages: scan or photograph every page again, "
    "flat, straight and in good light (a scanner at 300 dpi reads best), or use the PDF or "
    "text of the letter if you have it"
)
"""Added to a parse error on a letter read by OCR: what the worker can do about it."""


def skeleton(prepared: PreparedLetter) -> Determination:
    """The determination the parser finds in the letter (the offline engine's answer)."""
    determination = build_skeleton(
        prepared.parsed,
        sha256=prepared.letter.sha256,
        path=prepared.letter.path,
        warnings=list(prepared.letter.warnings),
    )
    return prepared.letter.mark(determination)
