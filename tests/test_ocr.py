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

from imr_llm.errors import InputError
from imr_llm.ocr import INSTALL_HINT, OCR_WARNING
from imr_llm.pipeline import extract

pytestmark = pytest.mark.skipif(
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


def test_scanned_pages_read_back_to_the_same_items_and_decisions(
    pages: list[Any], tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for number, page in enumerate(pages, 1):
        page.save(folder / f"page{number}.png")
    from_text = extract(str(LETTERS / f"{STEM}.txt"))
    from_images = extract(str(folder))
    gold = load_gold(STEM)
    assert _items(from_images) == _items(from_text)
    assert [d for _, d in _items(from_images)] == [t["decision"] for t in gold["treatments"]]
    assert from_images.case.case_number == gold["case"]["case_number"]
    assert from_images.source.text_from == "ocr"
    assert len(from_images.source.ocr_confidence) == len(pages)
    assert OCR_WARNING in from_images.warnings
    assert from_text.source.text_from == "text"


def test_multi_page_tiff_is_one_letter(pages: list[Any], tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    grey = [page.convert("L") for page in pages]
    grey[0].save(tiff, save_all=True, append_images=grey[1:], compression="tiff_lzw")
    result = extract(str(tiff))
    assert _items(result) == _items(extract(str(LETTERS / f"{STEM}.pdf")))
    assert result.source.ocr_confidence and len(result.source.ocr_confidence) == len(pages)


def test_noise_image_is_refused_naming_the_page(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(7).integers(0, 256, size=(900, 700), dtype=np.uint8)
    path = tmp_path / "photo.png"
    Image.fromarray(noise).save(path)
    with pytest.raises(InputError) as caught:
        extract(str(path))
    assert "OCR could not read" in str(caught.value)
    assert "page 1" in str(caught.value)
    result = run_cli("extract", str(path))
    assert result.returncode == InputError.exit_code
    assert result.stderr.count("\n") == 1 and "page 1" in result.stderr


def test_missing_tesseract_gives_the_install_message(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "page.png"
    Image.new("L", (400, 300), 255).save(path)
    bare = tmp_path / "bin"  # a PATH without tesseract (python is run by its full path)
    bare.mkdir()
    result = run_cli("extract", str(path), env=clean_env(PATH=str(bare)))
    assert result.returncode == InputError.exit_code
    assert result.stderr == f"imr-llm: error: {INSTALL_HINT}\n"
