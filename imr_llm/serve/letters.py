"""The one bridge between the web server and the library: bytes or text in, a Determination or
an Explanation out, rendered like `imr-llm extract` / `summarize`.

Nothing is written to disk: the upload is read from memory (pypdfium2 opens PDF bytes directly).
The file type comes from the bytes, never from the name or the browser's content type.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from imr_llm import reading
from imr_llm.engines import Engine, finish_now, perform
from imr_llm.errors import InputError
from imr_llm.explain.output import render_explanation as render
from imr_llm.explain.writer import as_of
from imr_llm.letter import PreparedLetter, Task, Value
from imr_llm.ocr import image_pages, is_image_data, ocr_pages
from imr_llm.prepare import prepared_from
from imr_llm.schema import Determination, Explanation, Lang
from imr_llm.settings import LlmSettings

T = TypeVar("T")

MAX_BYTES = reading.MAX_BYTES
"""Largest letter accepted, the CLI's limit."""
MAX_PAGES = 60
"""Most PDF pages read. The longest real letter has 9."""

_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
}


class ImageUploadError(InputError):
    """A picture in a format OCR does not read (GIF, BMP, WebP, HEIC...)."""


class TooManyPagesError(InputError):
    """A PDF with more pages than any IMR letter has."""


def _image_kind(data: bytes) -> str | None:
    for magic, kind in _IMAGES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    return None


def _page_count(data: bytes, name: str) -> None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return  # reading._pdf_text gives the right message (damaged, password)
    try:
        pages = len(document)
    finally:
        document.close()
    if pages > MAX_PAGES:
        raise TooManyPagesError(
            f"{name}: the PDF has {pages} pages, more than the {MAX_PAGES} pages any IMR letter "
            "has; upload one letter at a time"
        )


def letter_from_bytes(data: bytes, name: str) -> reading.Letter:
    """Read an uploaded file (PDF or text, told apart by its first bytes) into a Letter."""
    reading._check_size(len(data), name)
    warnings: list[str] = []
    if is_image_data(data):  # a photo or scan of the pages (PNG, JPEG, TIFF): OCR, as the CLI
        pages = ocr_pages(image_pages([name], data), name)
        return reading._ocr_letter(pages, None, reading.file_digest([data]))
    image = _image_kind(data)
    if image:
        raise ImageUploadError(
            f"{name}: is a {image} picture; this server reads PDF and text letters and PNG, "
            "JPEG or TIFF pictures of the pages - upload the PDF the letter came in, or paste "
            "its text"
        )
    if data.lstrip()[:5] == b"%PDF-":
        _page_count(data, name)
        pdf_text = reading._pdf_text(data, name)
        if pdf_text is None:  # a scan with no text layer: read it by OCR, as the CLI does
            return reading.letter_from_scan(data, name)
        return letter_from_text(pdf_text, name, text_from="pdf")
    text, warnings = reading._decode_text(data, name)
    return letter_from_text(text, name, warnings)


def letter_from_text(
    text: str,
    name: str,
    warnings: list[str] | None = None,
    text_from: Literal["text", "pdf"] = "text",
) -> reading.Letter:
    """A pasted letter, or the text of an uploaded one (`text_from` says which layer it came
    from, as in the CLI's JSON)."""
    if not text.strip():
        raise InputError(f"{name}: contains no text; pass an IMR letter as .txt or .pdf")
    size = len(text.encode("utf-8"))
    reading._check_size(size, name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return reading.Letter(
        text=text, path=None, sha256=digest, warnings=warnings or [], text_from=text_from
    )


@dataclass(frozen=True)
class Upload:
    """What a request carried, not yet read: a file's bytes or pasted text, and the name its
    errors use. Reading it (PDF text, decoding) is CPU work, done in the letter pool."""

    content: bytes | str
    name: str

    def letter(self) -> reading.Letter:
        if isinstance(self.content, bytes):
            return letter_from_bytes(self.content, self.name)
        return letter_from_text(self.content, self.name)


class LetterService:
    """Reads an upload and runs the server's engine on it (the runner's engine interface).

    Reading, and an engine that runs in a process pool elsewhere (the offline engine: CPU-bound,
    it never waits), run in a pool of `threads` threads, so the event loop keeps answering
    (health checks, refusals) while letters are read; the LLM engine's calls run on the loop.
    """

    def __init__(self, engine: Engine, settings: LlmSettings, threads: int) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="letter")

    async def _in_pool(self, work: Callable[[], T]) -> T:
        """Run `work` in a letter thread, with the request's context (its OCR time limit)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._pool, context.run, work)

    async def _answer(self, upload: Upload, task: Task, lang: Lang) -> Value:
        def read() -> PreparedLetter:
            return prepared_from(upload.letter())

        if self.engine.executor == "pool":
            return await self._in_pool(lambda: finish_now(perform(self.engine, read(), task, lang)))
        return await perform(self.engine, await self._in_pool(read), task, lang)

    async def extract(self, upload: Upload) -> Determination:
        result = await self._answer(upload, "extract", "en")
        assert isinstance(result, Determination)
        return result

    async def summarize(self, upload: Upload, lang: Lang) -> Explanation:
        """The explanation checked against today's date, as `imr-llm summarize` prints it:
        passed deadlines marked and said at the top."""
        explanation = await self._answer(upload, "summarize", lang)
        assert isinstance(explanation, Explanation)
        result: Explanation = as_of(explanation, date.today())
        return result

    async def aclose(self) -> None:
        await self.engine.aclose()
        self._pool.shutdown(wait=True)


def render_explanation(explanation: Explanation, output_format: str) -> str:
    """As `imr-llm summarize --format FORMAT` prints it (ending in one newline)."""
    return _as_printed(render(explanation, output_format))


def render_determination(determination: Determination) -> str:
    """As `imr-llm extract` prints one letter."""
    return _as_printed(determination.model_dump_json(indent=2))


def _as_printed(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"
