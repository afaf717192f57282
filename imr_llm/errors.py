"""One exception tree. Every message says what went wrong and how to fix it.

The CLI turns these into one line on stderr and the exit code stored on the class.
"""

from __future__ import annotations


class ImrError(Exception):
    """Base class for every error imr-llm raises on purpose."""

    exit_code = 1


class UsageError(ImrError):
    """The caller asked for something that cannot work (bad flag, bad setting)."""

    exit_code = 2


class InputError(ImrError):
    """A letter could not be read: missing, too large, binary, encrypted, image-only."""

    exit_code = 3


class NotAnImrLetterError(InputError):
    """The text was read but is not an IMR final determination letter."""

    exit_code = 4


class LetterParseError(ImrError):
    """The letter looks like an IMR letter but its decisions could not be read safely."""

    exit_code = 5


class LlmError(ImrError):
    """The LLM endpoint failed (HTTP, timeout) after all transport retries."""

    exit_code = 6
    usage: object | None = None
    """The requests and tokens spent before it failed (llm.client.Usage): they are counted."""
    engine_info: object | None = None
    """The letter's engine record (schema.EngineInfo) up to the failure, for the totals."""


class LlmConfigError(UsageError):
    """The LLM engine is asked for but not configured."""


class LlmValidationError(LlmError):
    """The model's output kept failing validation after every re-ask."""

    exit_code = 7

    def __init__(
        self, message: str, *, attempts: int, last_output: str | None, total_tokens: int
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output
        self.total_tokens = total_tokens


class LlmOutputCutOffError(LlmValidationError):
    """The model's answer stopped at its token limit: like an answer that failed its checks,
    the offline text is kept (an error only with --strict)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, attempts=1, last_output=None, total_tokens=0)


class EvalRegressionError(ImrError):
    """An eval run scored below its baseline."""

    exit_code = 8


BATCH_LETTERS_FAILED = 9
"""`imr-llm batch` ran to the end but some letters failed (each is in the errors file)."""

EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "unexpected error (run with --debug for a traceback)",
    2: "usage error: bad option or setting",
    3: "input error: file missing, unreadable, too large, encrypted or without text",
    4: "the text is not an IMR final determination letter",
    5: "the letter could not be parsed safely (e.g. cut off mid-item)",
    6: "LLM endpoint failed after retries",
    7: "LLM output failed validation after every re-ask",
    8: "eval regression against the baseline",
    9: "batch: some letters failed (each is listed in the errors file)",
}
