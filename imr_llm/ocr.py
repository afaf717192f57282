"""Read a paper letter (scanned PDF, TIFF, PNG or JPEG pages) with OCR.

Tesseract (Debian's tesseract-ocr) through pytesseract, chosen on measurements (BENCHMARKS.md):
it runs the system's tesseract, kept up to date by apt, and the whole binding is one small pure
Python wheel; tesserocr used about a quarter less CPU per page but ships a second copy of the
engine inside its wheel.

Each page is cleaned before OCR: grey table cells and uneven lighting are flattened against an
estimate of the paper's brightness, the page is deskewed (up to 5 degrees, by the angle whose
row profile is sharpest), and the letters' table rules are erased (tesseract otherwise drops the
header labels inside the ruled table). A page that reads badly is retried upside down or turned
a quarter when tesseract's orientation detection says so.

Nothing here guesses: a page whose words are read with low confidence is named in a warning, and
a letter whose decision lines are read with low confidence is refused.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imr_llm import regex_cache
from imr_llm.errors import ImrError, InputError, LetterParseError

if TYPE_CHECKING:
    from PIL import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
"""Files read as page images."""

INSTALL_HINT = (
    "OCR needs tesseract: apt-get install tesseract-ocr tesseract-ocr-spa, "
    "pip install 'imr-llm[ocr]'"
)
PDF_DPI = 300
"""Scanned PDF pages are rendered at this resolution for OCR."""
MAX_PAGES = 60
MAX_PIXELS = 40_000_000
"""A page image larger than this (a 300-dpi poster, or a decompression bomb) is refused."""
LOW_PAGE_CONFIDENCE = 80.0
"""A page whose mean word confidence (0-100) is below this gets a warning naming it."""
UNREADABLE_CONFIDENCE = 45.0
"""Below this a page is taken as unreadable (blank, noise, a photo of something else)."""
DECISION_WORD_CONFIDENCE = 70.0
"""Every decision word on a line that states a decision must be read at least this surely."""
OCR_WARNING = (
    "This letter was read from an image by OCR (text recognition), which can misread "
    "letters and digits: check every date and decision against the paper letter."
)

_DECISION_LINE = regex_cache.compile(r"\b(?:upheld|overturned|medically\s+necessary)\b", re.I)
_DECISION_WORD = regex_cache.compile(r"\W*(?:upheld|overturned|not|medically|necessary)\W*", re.I)
"""The words on such a line that carry the decision (a misread 'not' would flip it)."""
_LANG = "eng"
_SPLIT_LABEL = regex_cache.compile(
    r"\bApplication[ \t]+(?P<date>\d{1,2}/\d{1,2}/\d{2,4})[ \t]*(?:\n(?:[ \t]*\n)*[ \t]*|[ \t]+)"
    r"Received:[ \t]*$",
    re.M,
)
"""The header's two-line label cell "Application / Received:" as OCR reads the table row by
row: the first word, then the value beside it, then the label's second line."""


def join_split_labels(text: str) -> str:
    """Put a split "Application ... Received:" label back together with the value of its row
    ("Priority: Standard Application 11/03/2016\nReceived:" -> "Priority: Standard\n
    Application Received: 11/03/2016")."""
    return _SPLIT_LABEL.sub(r"\nApplication Received: \g<date>", text)


class OcrUnavailableError(InputError):
    """Tesseract or its Python binding is not installed."""


class OcrTimeLimitError(ImrError):
    """OCR stopped because the time limit of `time_limit` passed."""


_DEADLINE: ContextVar[float | None] = ContextVar("imr_llm_ocr_deadline", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """OCR run inside this block (or in work run with a copy of its context) stops once
    `seconds` have passed: the page being read is abandoned, its tesseract process ended, and
    OcrTimeLimitError raised. The server uses it so that a request past its time limit stops
    using the CPU, instead of reading the rest of its pages for nobody."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _seconds_left(number: int) -> float:
    """Seconds tesseract may take on page `number` (0: no limit)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return 0
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrTimeLimitError(f"OCR stopped at page {number}: the time limit passed")
    return left


def _tesseract(call: Any, image: Image.Image, number: int, **options: Any) -> Any:
    """One tesseract run on page `number`, ended if the time limit passes meanwhile."""
    try:
        return call(image, timeout=_seconds_left(number), **options)
    except RuntimeError as exc:  # pytesseract's "Tesseract process timeout"
        if "timeout" not in str(exc).lower():
            raise
        raise OcrTimeLimitError(f"OCR stopped at page {number}: the time limit passed") from exc


@dataclass(frozen=True)
class OcrPage:
    number: int
    text: str
    confidence: float
    """Mean word confidence, 0-100, weighted by word length."""
    decision_confidence: float | None
    """The lowest confidence of a decision word (Upheld, Overturned, not, medically,
    necessary) on a line that states a decision (None: no such line)."""


@dataclass(frozen=True)
class OcrResult:
    pages: list[OcrPage]
    warnings: list[str]

    @property
    def text(self) -> str:
        return "\f".join(page.text for page in self.pages)


class PageFiles(str):
    """Several image files given as the pages of ONE letter (`--pages`), in order. It is a str
    (the files joined by ' + ') so it travels wherever a letter's path does."""

    pages: tuple[str, ...]

    def __new__(cls, pages: list[str]) -> PageFiles:
        joined = super().__new__(cls, " + ".join(pages))
        joined.pages = tuple(pages)
        return joined


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def _natural_key(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def page_images_in(folder: str) -> list[str]:
    """The image files directly in `folder`, in natural name order (page2 before page10)."""
    names = [
        entry.name
        for entry in Path(folder).iterdir()
        if entry.is_file() and not entry.name.startswith(".") and is_image_name(entry.name)
    ]
    return [str(Path(folder) / name) for name in sorted(names, key=_natural_key)]


def check_engine() -> Any:
    """The pytesseract module, once tesseract and its English data are known to be installed."""
    try:
        import pytesseract
    except ImportError:
        raise OcrUnavailableError(INSTALL_HINT) from None
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailableError(INSTALL_HINT)
    try:
        languages = pytesseract.get_languages(config="")
    except (OSError, pytesseract.TesseractError) as exc:
        raise OcrUnavailableError(f"{INSTALL_HINT} (tesseract failed: {exc})") from exc
    if _LANG not in languages:
        raise OcrUnavailableError(f"{INSTALL_HINT} (tesseract has no English data)")
    return pytesseract


# --- pages in --------------------------------------------------------------------------------


IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
"""How PNG, JPEG and TIFF files begin (an image piped to stdin, or a file without a suffix)."""


def is_image_data(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC)


def _open_image(path: str, data: bytes | None = None) -> Iterator[Image.Image]:
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data) if data is not None else path) as image:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                yield ImageOps.exif_transpose(image).convert("L")
    except UnidentifiedImageError as exc:  # its text names a memory address: not shown
        raise InputError(f"{path}: not a readable PNG, JPEG or TIFF image") from exc
    except Image.DecompressionBombError as exc:
        raise InputError(f"{path}: not a readable PNG, JPEG or TIFF image ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: the image is damaged or cannot be read ({exc})") from exc


def pdf_pages(data: bytes, name: str) -> Iterator[Image.Image]:
    """A scanned PDF's pages rendered at PDF_DPI, in grey."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        if len(document) > MAX_PAGES:
            raise InputError(f"{name}: {len(document)} pages; one letter has at most {MAX_PAGES}")
        for index in range(len(document)):
            page = document[index]
            yield page.render(scale=PDF_DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
    finally:
        document.close()


def image_pages(paths: list[str], data: bytes | None = None) -> Iterator[Image.Image]:
    """Every page of the image files (or of one image's `data`), in order (a TIFF may hold
    several)."""
    count = 0
    for path in paths:
        for page in _open_image(path, data):
            count += 1
            if count > MAX_PAGES:
                raise InputError(f"{path}: more than {MAX_PAGES} pages for one letter")
            yield page


# --- cleaning --------------------------------------------------------------------------------


def _flatten_light(image: Image.Image) -> Image.Image:
    """Divide by the paper's brightness (a blurred maximum), so shadows, uneven lighting and
    grey table cells become white while the ink stays dark."""
    import numpy as np
    from PIL import Image, ImageFilter

    small = image.reduce(8)
    paper = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(6))
    paper = paper.resize(image.size, Image.Resampling.BILINEAR)
    ink = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(ink / light * 255.0, 0, 255).astype(np.uint8))


def skew_angle(image: Image.Image, limit: float = 5.0) -> float:
    """The rotation (degrees) that makes the text lines horizontal: the angle whose row profile
    of dark pixels is sharpest, searched coarse then fine on a reduced copy."""
    import numpy as np
    from PIL import Image

    small = image.reduce(max(1, image.width // 800))
    dark = Image.fromarray((np.asarray(small) < 128).astype(np.uint8) * 255)

    def sharpness(angle: float) -> float:
        rows = np.asarray(dark.rotate(angle, Image.Resampling.NEAREST), dtype=np.float32).sum(1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    return float(max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness))


def _erase_rules(image: Image.Image) -> Image.Image:
    """White out long straight horizontal and vertical runs of ink (table rules)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image)
    dark = pixels < 128
    length = max(40, image.width // 30)

    def shifted(mask: Any, by: int, combine: Any) -> None:
        """mask[:, j] = combine(mask[:, j], mask[:, j + by]) in place (past the edge: False)."""
        combine(mask[:, :-by], mask[:, by:].copy(), out=mask[:, :-by])
        mask[:, -by:] &= combine is np.logical_or

    def runs(mask: Any) -> Any:
        """Pixels inside a run of at least `length` dark pixels along each row: an erosion
        then a dilation by a 1 x length line, each in log2(length) shifted ANDs / ORs."""
        full = mask.copy()
        done = 1
        while done < length:  # full[:, j] = all of mask[:, j : j + done]
            step = min(done, length - done)
            shifted(full, step, np.logical_and)
            done += step
        covered = full[:, ::-1].copy()  # dilate leftwards = shift the reversed rows
        done = 1
        while done < length:
            step = min(done, length - done)
            shifted(covered, step, np.logical_or)
            done += step
        return covered[:, ::-1]

    rules = runs(dark) | runs(dark.T).T
    return Image.fromarray(np.where(rules, 255, pixels).astype(np.uint8))


def clean_page(image: Image.Image) -> Image.Image:
    from PIL import Image

    if image.width < 1800:  # a 150-dpi scan or a small photo: tesseract reads best near 300 dpi
        factor = 2 if image.width * 2 <= 5000 else 1
        image = image.resize(
            (image.width * factor, image.height * factor), Image.Resampling.LANCZOS
        )
    image = _flatten_light(image)
    angle = skew_angle(image)
    if abs(angle) >= 0.1:
        image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return _erase_rules(image)


# --- OCR -------------------------------------------------------------------------------------


def _read_page(engine: Any, image: Image.Image, number: int) -> OcrPage:
    data = _tesseract(
        engine.image_to_data,
        image,
        number,
        lang=_LANG,
        config="--psm 3",
        output_type=engine.Output.DICT,
    )
    lines: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for word, conf, block, par, line in zip(
        data["text"],
        data["conf"],
        data["block_num"],
        data["par_num"],
        data["line_num"],
        strict=True,
    ):
        if word.strip() and float(conf) >= 0:
            lines.setdefault((block, par, line), []).append((word, float(conf)))
    text_lines: list[str] = []
    previous: tuple[int, int] | None = None
    weighted = chars = 0.0
    decision: float | None = None
    for (block, par, _), words in lines.items():
        if previous is not None and previous != (block, par):
            text_lines.append("")
        previous = (block, par)
        line = " ".join(word for word, _ in words)
        text_lines.append(line)
        for word, conf in words:
            weighted += conf * len(word)
            chars += len(word)
        if _DECISION_LINE.search(line):
            lowest = min(
                (conf for word, conf in words if _DECISION_WORD.fullmatch(word)), default=100.0
            )
            decision = lowest if decision is None else min(decision, lowest)
    confidence = weighted / chars if chars else 0.0
    text = join_split_labels("\n".join(text_lines))
    return OcrPage(number, text, round(confidence, 1), decision)


def _orientation(engine: Any, image: Image.Image, number: int) -> int:
    """Degrees to turn the page counter-clockwise, from tesseract's orientation detection."""
    try:
        osd = _tesseract(engine.image_to_osd, image, number, output_type=engine.Output.DICT)
    except engine.TesseractError:
        return 0  # too little text to tell
    return int(osd.get("rotate", 0)) % 360


def read_page(engine: Any, image: Image.Image, number: int) -> OcrPage:
    _seconds_left(number)  # past the time limit: not even the cleaning
    cleaned = clean_page(image)
    page = _read_page(engine, cleaned, number)
    if page.confidence < LOW_PAGE_CONFIDENCE and len(page.text.split()) >= 20:
        turn = _orientation(engine, cleaned.reduce(2), number)
        if turn:
            turned = _read_page(engine, cleaned.rotate(-turn, expand=True, fillcolor=255), number)
            if turned.confidence > page.confidence:
                page = turned
    return page


def ocr_pages(images: Iterator[Image.Image], name: str) -> OcrResult:
    """OCR every page; warn about pages read badly, refuse what cannot be read safely."""
    engine = check_engine()
    pages = [read_page(engine, image, number) for number, image in enumerate(images, 1)]
    if not pages:
        raise InputError(f"{name}: no page images found")
    readable = [p for p in pages if p.confidence >= UNREADABLE_CONFIDENCE and p.text.strip()]
    if sum(len("".join(p.text.split())) for p in readable) < 40:
        listed = ", ".join(f"page {p.number}: {p.confidence:.0f}%" for p in pages)
        raise InputError(
            f"{name}: OCR could not read the text (confidence {listed}); scan or photograph the "
            "letter again, flat, in good light, at 300 dpi"
        )
    warnings = [OCR_WARNING]
    for page in pages:
        if page.decision_confidence is not None and (
            page.decision_confidence < DECISION_WORD_CONFIDENCE
        ):
            raise LetterParseError(
                f"{name}: page {page.number}: OCR could not read the decision words reliably "
                f"(confidence {page.decision_confidence:.0f}%); no decision is given rather than "
                "a possibly wrong one - scan that page again, flat, at 300 dpi"
            )
        if not page.text.strip():
            warnings.append(
                f"Page {page.number}: OCR found no text on it. If that page of the paper letter "
                "is not blank, scan or photograph it again."
            )
        elif page.confidence < LOW_PAGE_CONFIDENCE:
            warnings.append(
                f"Page {page.number} was read poorly by OCR (confidence {page.confidence:.0f}%): "
                "check everything taken from that page against the paper letter."
            )
    return OcrResult(pages, warnings)
