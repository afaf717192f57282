"""Turn a path (.txt, .pdf, an image, a folder of page images, or '-' for stdin) into the
letter's text. Images and PDFs without a text layer are read by OCR (imr_llm.ocr).

PDF text comes from pypdfium2: on the 64 real letters it gives the same words as pypdf at about a
seventh of the time (see BENCHMARKS.md), and it ignores the letters' "no text extraction"
permission flag, as every reader of public records may.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
from collections.abc import Collection, Iterable
from typing import Literal

from imr_llm.errors import InputError
from imr_llm.letter import Letter
from imr_llm.ocr import (
    OcrResult,
    PageFiles,
    image_pages,
    is_image_data,
    is_image_name,
    ocr_pages,
    page_images_in,
    pdf_pages,
)

__all__ = ["MAX_BYTES", "AlreadyRead", "Letter", "read_letter"]

MAX_BYTES = 20 * 1024 * 1024
"""Largest file read (20 MiB). The biggest real letter PDF is under 200 KiB."""

_PDF_MAGIC = b"%PDF-"


def _check_size(size: int, name: str) -> None:
    if size == 0:
        raise InputError(f"{name}: the file is empty; pass an IMR letter as .txt or .pdf")
    if size > MAX_BYTES:
        raise InputError(
            f"{name}: {size / 1_048_576:.0f} MiB is larger than the {MAX_BYTES // 1_048_576} MiB "
            "limit for one letter; split the file or check that it is a single letter"
        )


def _stat(path: str) -> os.stat_result:
    """The file's stat; InputError for a path that cannot be read."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InputError(f"{path}: no such file; check the path") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # what Path.exists() said of a symlink loop
            raise InputError(f"{path}: no such file; check the path") from exc
        raise _read_error(path, exc) from exc


def _read_bytes(path: str, info: os.stat_result | None = None) -> bytes:
    """The file's bytes (`info`: its _stat, when the caller has it). One stat, then the read: a
    batch reads thousands of letters (pathlib's exists, is_dir and stat were three stats and
    most of the read's time)."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        _check_size(len(data), "stdin")
        return data
    if info is None:
        info = _stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory; pass letter files (or use a shell glob)")
    _check_size(info.st_size, path)
    try:
        # unbuffered: the whole file is read at once, a buffer in between only copies it
        with open(path, "rb", buffering=0) as file:
            return file.read()
    except OSError as exc:
        raise _read_error(path, exc) from exc


def _read_error(path: str, exc: OSError) -> InputError:
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied; check the file's permissions")
    return InputError(f"{path}: cannot read the file ({exc.strerror})")


def _decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like a binary file, not a letter; pass a .txt or .pdf")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        text = data.decode("latin-1")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file, not a letter; pass a .txt or .pdf")
    return text, [f"{name}: not valid UTF-8; read as Windows-1252 (Latin-1)"]


def _pdf_text(data: bytes, name: str) -> str | None:
    """The PDF's text layer, or None when it has none (a scan)."""
    import pypdfium2 as pdfium  # imported here so .txt letters start fast

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(
                f"{name}: the PDF is password-protected; save an unprotected copy and try again"
            ) from exc
        raise InputError(f"{name}: the PDF is damaged or not a PDF ({exc})") from exc
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    text = "\f".join(pages)
    return text if len("".join(text.split())) >= 40 else None


class AlreadyRead(Exception):
    """The letter's digest is one the caller has done already (a paper letter: not OCRed)."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self.sha256 = sha256


def file_digest(chunks: Iterable[bytes]) -> str:
    """The SHA-256 of a paper letter's files (the page files' bytes, in page order): its
    identity before OCR, so a resumed batch can skip it without reading it again."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _check_done(sha256: str, done: Collection[bytes]) -> str:
    if done and bytes.fromhex(sha256) in done:
        raise AlreadyRead(sha256)
    return sha256


def _ocr_letter(result: OcrResult, path: str | None, sha256: str) -> Letter:
    """A letter read by OCR. Its `sha256` is of the files' bytes, not of the OCR text (which
    only OCR gives)."""
    return Letter(
        text=result.text,
        path=path,
        sha256=sha256,
        warnings=result.warnings,
        text_from="ocr",
        ocr_confidence=[page.confidence for page in result.pages],
    )


def _read_images(path: str, done: Collection[bytes], info: os.stat_result | None) -> Letter | None:
    """A letter given as page images (files joined by --pages, a folder, or one image file).
    `info`: the path's _stat (None for --pages files)."""
    if isinstance(path, PageFiles) or (info is not None and stat.S_ISDIR(info.st_mode)):
        pages = list(path.pages) if isinstance(path, PageFiles) else page_images_in(path)
        if not pages:
            raise InputError(
                f"{path}: is a directory with no page images (.png, .jpg, .tif); pass letter "
                "files, or a folder holding the photos of one letter's pages"
            )
        # the same checks and messages as for any file; the digest before any OCR
        sha256 = _check_done(file_digest(_read_bytes(page) for page in pages), done)
        return _ocr_letter(ocr_pages(image_pages(pages), path), path, sha256)
    if is_image_name(path):
        data = _read_bytes(path, info)
        sha256 = _check_done(file_digest([data]), done)
        return _ocr_letter(ocr_pages(image_pages([path], data), path), path, sha256)
    return None


def letter_from_scan(data: bytes, name: str) -> Letter:
    """A PDF with no text layer (a scan), read by OCR."""
    return _ocr_letter(ocr_pages(pdf_pages(data, name), name), None, file_digest([data]))


def read_letter(path: str, done: Collection[bytes] = frozenset()) -> Letter:
    """Read one letter. Raises InputError with a one-line reason for anything unreadable.

    `done`: the digests (Letter.sha256, as bytes) a resumed batch has already written. A letter
    whose digest is among them raises AlreadyRead: a paper letter (its files' digest) before any
    OCR, a text letter (its text's digest) before it is parsed."""
    name = "stdin" if path == "-" else path
    letter_path = None if path == "-" else path
    # one stat for the whole read (a path that cannot be stat-ed raises here, as it would when
    # its bytes were read)
    info = None if letter_path is None or isinstance(path, PageFiles) else _stat(path)
    if letter_path is not None and (images := _read_images(letter_path, done, info)) is not None:
        return images
    data = _read_bytes(path, info)
    warnings: list[str] = []
    text_from: Literal["text", "pdf"] = "text"
    if data.lstrip()[:5] == _PDF_MAGIC:
        pdf_text = _pdf_text(data, name)
        if pdf_text is None:  # a scan: no text layer
            sha256 = _check_done(file_digest([data]), done)
            return _ocr_letter(ocr_pages(pdf_pages(data, name), name), letter_path, sha256)
        text, text_from = pdf_text, "pdf"
    elif is_image_data(data):  # piped to stdin, or an image file named without its suffix
        sha256 = _check_done(file_digest([data]), done)
        return _ocr_letter(ocr_pages(image_pages([name], data), name), letter_path, sha256)
    else:
        if path.lower().endswith(".pdf"):
            raise InputError(f"{name}: has a .pdf name but is not a PDF (damaged download?)")
        text, warnings = _decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: contains no text; pass an IMR letter as .txt or .pdf")
    digest = _check_done(hashlib.sha256(text.encode("utf-8")).hexdigest(), done)
    return Letter(
        text=text,
        path=letter_path,
        sha256=digest,
        warnings=warnings,
        text_from=text_from,
    )
