"""Every way a request can fail, as a stable `code`, an HTTP status and the CLI's message.

Integrators branch on `code`; people read `message` (the same sentence the CLI prints) on the
API, or the page's own sentence for that code in their language (page_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from imr_llm.errors import (
    ImrError,
    InputError,
    LetterParseError,
    LlmError,
    NotAnImrLetterError,
    UsageError,
)
from imr_llm.ocr import OcrUnavailableError
from imr_llm.serve.letters import ImageUploadError, TooManyPagesError


class RequestProblem(ImrError):
    """A request the server refuses before any letter is read."""

    code = "malformed_request"
    status = 400
    exit_code = 2


class MalformedRequest(RequestProblem):
    pass


class NoLetter(RequestProblem):
    code = "no_letter"


class UnsupportedMediaType(RequestProblem):
    code = "unsupported_media_type"
    status = 415


class BadOption(RequestProblem):
    code = "bad_option"


class BodyTooLarge(RequestProblem):
    code = "too_large"
    status = 413
    exit_code = 3


class Busy(RequestProblem):
    code = "busy"
    status = 503
    exit_code = 1


class TimedOut(RequestProblem):
    code = "timeout"
    status = 503
    exit_code = 1


class Unauthorized(RequestProblem):
    code = "unauthorized"
    status = 401


@dataclass(frozen=True)
class Problem:
    code: str
    status: int
    message: str
    exit_code: int

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "exit_code": self.exit_code}


_INPUT_WORDS = (  # InputError messages from imr_llm.reading, by the words that tell them apart
    ("is empty", "empty_file", 400),
    ("contains no text", "empty_text", 400),
    ("binary", "binary_file", 415),
    ("limit", "too_large", 413),
    ("password", "pdf_password", 422),
    ("ocr could not read", "ocr_unreadable", 422),  # a scan or photo OCR cannot read
    ("not a readable png", "image_damaged", 422),
    ("image is damaged", "image_damaged", 422),
    ("damaged", "pdf_damaged", 422),
    ("not a pdf", "pdf_damaged", 422),
)


def _input_code(error: InputError) -> tuple[str, int]:
    if isinstance(error, NotAnImrLetterError):
        return "not_imr_letter", 422
    if isinstance(error, OcrUnavailableError):  # the server's missing part, not the letter's
        return "ocr_unavailable", 501
    if isinstance(error, ImageUploadError):
        return "image_unsupported", 415
    if isinstance(error, TooManyPagesError):
        return "too_many_pages", 413
    text = str(error).lower()
    for words, code, status in _INPUT_WORDS:
        if words in text:
            return code, status
    return "unreadable", 400


def problem_for(error: BaseException) -> Problem:
    """The code, status and message for any error. Unexpected errors say only their type: their
    message could quote the letter."""
    if isinstance(error, RequestProblem):
        return Problem(error.code, error.status, str(error), error.exit_code)
    if isinstance(error, InputError):
        code, status = _input_code(error)
        return Problem(code, status, str(error), error.exit_code)
    if isinstance(error, LetterParseError):
        code = "letter_cut_off" if "cut off" in str(error) else "letter_unreadable"
        return Problem(code, 422, str(error), error.exit_code)
    if isinstance(error, LlmError):
        return Problem("engine_failed", 502, str(error), error.exit_code)
    if isinstance(error, UsageError):
        return Problem("bad_option", 400, str(error), error.exit_code)
    return Problem(
        "internal",
        500,
        f"unexpected error: {type(error).__name__} (please report it)",
        1,
    )
