"""Every kind of bad input gets one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LETTERS, run_cli

from imr_llm.errors import InputError, LetterParseError, NotAnImrLetterError
from imr_llm.reading import MAX_BYTES
from imr_llm.runner import extract

GOOD = LETTERS / "CM16-0213037.txt"


def _encrypted_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(LETTERS / "CM16-0213037.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _image_only_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _cut_off(tmp_path: Path) -> Path:
    text = (LETTERS / "CM16-0234464.txt").read_text(encoding="utf-8")
    cut = text[: text.index("Lidocaine ointment 5% 106.32gm: Upheld") + 900]
    path = tmp_path / "cut.txt"
    path.write_text(cut.rsplit(" ", 1)[0], encoding="utf-8")
    return path


CASES = {
    "missing": (lambda tmp: tmp / "nope.txt", InputError, "no such file"),
    "directory": (lambda tmp: tmp, InputError, "is a directory"),
    "file as a folder": (
        lambda tmp: _write(tmp / "f.txt", b"x") / "letter.txt",
        InputError,
        "no such file",
    ),
    "dangling symlink": (
        lambda tmp: _link(tmp / "gone.txt", tmp / "none.txt"),
        InputError,
        "no such file",
    ),
    "symlink loop": (
        lambda tmp: _link(tmp / "loop.txt", tmp / "loop.txt"),
        InputError,
        "no such file",
    ),
    "empty": (lambda tmp: _write(tmp / "e.txt", b""), InputError, "empty"),
    "binary": (lambda tmp: _write(tmp / "b.bin", bytes(range(256)) * 40), InputError, "binary"),
    "too large": (lambda tmp: _sparse(tmp / "big.txt"), InputError, "limit"),
    "encrypted pdf": (_encrypted_pdf, InputError, "password"),
    "corrupt pdf": (
        lambda tmp: _write(tmp / "bad.pdf", b"%PDF-1.6\n" + b"\x8f garbage " * 300),
        InputError,
        "damaged",
    ),
    "image-only pdf": (
        _image_only_pdf,
        InputError,
        "OCR could not read the text (confidence page 1",
    ),
    "not an IMR letter": (
        lambda tmp: _write(tmp / "n.txt", b"Dear tenant,\nYour rent is due on Monday.\n" * 20),
        NotAnImrLetterError,
        "not an IMR",
    ),
    "cut off mid-item": (_cut_off, LetterParseError, "cut off"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _link(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


def _sparse(path: Path) -> Path:
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_raises_clear_error(name: str, tmp_path: Path) -> None:
    make, error, words = CASES[name]
    with pytest.raises(error) as caught:
        extract(str(make(tmp_path)))
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "name",
    [
        "missing",
        "binary",
        "image-only pdf",
        "not an IMR letter",
        "cut off mid-item",
        "encrypted pdf",
    ],
)
def test_cli_bad_input_one_line_nonzero_no_traceback(name: str, tmp_path: Path) -> None:
    make, error, _ = CASES[name]
    result = run_cli("extract", str(make(tmp_path)))
    stderr = result.stderr
    assert result.returncode == error.exit_code
    assert stderr.startswith("imr-llm: error: ")
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr


def test_debug_switch_shows_traceback(tmp_path: Path) -> None:
    result = run_cli("--debug", "extract", str(tmp_path / "nope.txt"))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_latin1_letter_is_read_with_a_warning(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace("expert reviewer", "expert revisor ñandú")
    path = _write(tmp_path / "latin1.txt", text.encode("latin-1"))
    result = extract(str(path))
    assert any("Windows-1252" in w for w in result.warnings)
    assert [t.decision for t in result.treatments] == ["upheld", "upheld"]


def test_one_bad_file_does_not_lose_the_others(tmp_path: Path) -> None:
    result = run_cli(
        "extract", str(GOOD), str(tmp_path / "nope.txt"), str(LETTERS / "CM17-0015218.pdf")
    )
    assert result.returncode == InputError.exit_code
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2  # both good letters, as JSON Lines
    assert "1 of 3 letters failed" in result.stderr
