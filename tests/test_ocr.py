"""Paper letters through OCR: a real letter rendered to page images reads back to the same
decisions; a multi-page TIFF; unreadable pages are named; a missing engine says how to install.

Few and bounded: one short real letter (2 pages), rendered once per test module.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTERS, clean_env, load_gold, run_cli

from imr_llm.errors import InputError, LetterParseError
from imr_llm.explain.output import render_explanation
from imr_llm.letter import Letter
from imr_llm.ocr import INSTALL_HINT, OCR_WARNING, join_split_labels, page_images_in
from imr_llm.prepare import OCR_RETAKE, prepared_from
from imr_llm.runner import extract
from imr_llm.schema import Explanation

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-spa)",
)

STEM = "CM16-0213037"  # 2 pages, 2 items, a ruled header table


@pytest.fixture(scope="module")
def pages() -> list[Any]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(LETTERS / f"{STEM}.pdf"))
    images = [document[i].render(scale=300 / 72).to_pil() for i in range(len(document))]
    document.close()
    return images


def _items(determination: Any) -> list[tuple[str, str]]:
    return [(t.request, t.decision) for t in determination.treatments]


@needs_tesseract
def test_photographed_pages_read_back_to_the_same_items_and_decisions(
    pages: list[Any], tmp_path: Path
) -> None:
    files = []
    for number, page in enumerate(pages, 1):
        files.append(str(tmp_path / f"page{number}.png"))
        page.save(files[-1])
    result = run_cli("summarize", "--pages", *files, "--format", "json")
    assert result.returncode == 0, result.stderr
    explanation = Explanation.model_validate_json(result.stdout)
    from_text = extract(str(LETTERS / f"{STEM}.txt"))
    gold = load_gold(STEM)
    assert [(i.request, i.decision) for i in explanation.items] == _items(from_text)
    assert [i.decision for i in explanation.items] == [t["decision"] for t in gold["treatments"]]
    assert explanation.case_number == gold["case"]["case_number"]
    assert OCR_WARNING in explanation.warnings  # the worker is told to check the paper
    assert explanation.read_by_ocr and "picture of the paper" in explanation.alerts[0]
    assert from_text.source.text_from == "text"
    # Said first in the text a worker reads: the CLI's text format of this same explanation
    # (what `summarize --pages` without --format prints, without reading the pages again).
    text = render_explanation(explanation, "text")
    assert "picture of the paper" in text.split("WHAT WAS")[0]


def test_a_folder_of_pages_is_read_in_page_order(tmp_path: Path) -> None:
    for name in ("page10.png", "page2.jpg", "page1.tif", ".hidden.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in page_images_in(str(tmp_path))] == [
        "page1.tif",
        "page2.jpg",
        "page10.png",
    ]


@needs_tesseract
def test_multi_page_tiff_is_one_letter(pages: list[Any], tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    grey = [page.convert("L") for page in pages]
    grey[0].save(tiff, save_all=True, append_images=grey[1:], compression="tiff_lzw")
    result = extract(str(tiff))
    assert _items(result) == _items(extract(str(LETTERS / f"{STEM}.pdf")))
    assert result.source.text_from == "ocr"
    assert len(result.source.ocr_confidence) == len(pages)
    assert OCR_WARNING in result.warnings


@needs_tesseract
def test_a_smudged_decision_word_is_refused_not_guessed(pages: list[Any], tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image, ImageFilter

    x, y, w, h = 1246, 426, 146, 45  # "Upheld" of item 1 on page 2 at 300 dpi
    second = pages[1].convert("L")
    word = np.asarray(second.crop((x, y, x + w, y + h))).astype(np.int16)
    assert (word < 100).mean() > 0.1  # there is ink to smudge
    smudge = word + np.random.default_rng(3).integers(-40, 200, size=word.shape)
    second.paste(
        Image.fromarray(np.clip(smudge, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(5)
        ),
        (x, y),
    )
    files = [str(tmp_path / "page1.png"), str(tmp_path / "page2.png")]
    pages[0].save(files[0])
    second.save(files[1])
    result = run_cli("extract", "--pages", *files)
    assert result.returncode == LetterParseError.exit_code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@needs_tesseract
def test_noise_image_is_refused_naming_the_page(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(7).integers(0, 256, size=(400, 300), dtype=np.uint8)
    path = tmp_path / "photo.png"
    Image.fromarray(noise).save(path)
    result = run_cli("extract", str(path))
    assert result.returncode == InputError.exit_code
    assert result.stderr.count("\n") == 1
    assert "OCR could not read the text (confidence page 1: " in result.stderr


def test_missing_tesseract_gives_the_install_message(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "page.png"
    Image.new("L", (400, 300), 255).save(path)
    bare = tmp_path / "bin"  # a PATH without tesseract (python is run by its full path)
    bare.mkdir()
    result = run_cli("extract", str(path), env=clean_env(PATH=str(bare)))
    assert result.returncode == InputError.exit_code
    assert result.stderr == f"imr-llm: error: {INSTALL_HINT}\n"


def test_the_split_application_received_label_is_joined_to_its_value(tmp_path: Path) -> None:
    text = (LETTERS / f"{STEM}.txt").read_text(encoding="utf-8")
    as_pdf = "Priority:  Standard Application \nReceived:  \n11/03/2016 \n"
    as_ocr = "Priority: Standard Application 11/03/2016\n\nReceived:\n"  # tesseract's row order
    assert as_pdf in text
    ocr_layout = text.replace(as_pdf, as_ocr)
    joined, raw = tmp_path / "joined.txt", tmp_path / "raw.txt"
    joined.write_text(join_split_labels(ocr_layout), encoding="utf-8")
    raw.write_text(ocr_layout, encoding="utf-8")
    want = load_gold(STEM)["case"]["application_received"]
    assert str(extract(str(joined)).case.application_received) == want
    assert extract(str(raw)).case.application_received is None


@needs_tesseract
def test_ocr_stops_at_the_time_limit_instead_of_reading_the_other_pages(
    pages: list[Any],
) -> None:
    from imr_llm.ocr import OcrTimeLimitError, ocr_pages, time_limit

    handed: list[int] = []

    def four_pages() -> Any:
        for number, page in enumerate(pages * 2, 1):
            handed.append(number)
            yield page.convert("L")

    with time_limit(0.3), pytest.raises(OcrTimeLimitError, match="at page 1:"):
        ocr_pages(four_pages(), "scan")  # no 300-dpi page is cleaned and read in 0.3 s
    assert handed == [1]  # its tesseract was ended; no further page was started


@pytest.mark.parametrize("text_from", ["ocr", "pdf"])
def test_an_unreadable_letter_read_by_ocr_says_to_scan_it_again(text_from: str) -> None:
    """A letter OCR could not read whole is refused (never guessed), and the message tells the
    worker what to do: take the pictures again; a text or PDF letter gets no such advice."""
    text = (LETTERS / "CM16-0213037.txt").read_text(encoding="utf-8")
    damaged = text[: int(len(text) * 0.6)]  # the pages after item 1's rationale start are lost
    letter = Letter(damaged, None, "0" * 64, text_from=text_from)  # type: ignore[arg-type]
    with pytest.raises(LetterParseError, match="cut off") as refused:
        prepared_from(letter)
    assert (OCR_RETAKE in str(refused.value)) == (text_from == "ocr")
