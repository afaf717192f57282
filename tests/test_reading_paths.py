"""read_letter stats a path once and reads it with that stat: every kind of path still goes
where it went (a folder to its page images, an image name to OCR, a file to its bytes), and a
path that cannot be read fails with the same message whichever kind its name suggests."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LETTERS

from imr_llm.errors import InputError
from imr_llm.reading import read_letter


@pytest.mark.parametrize("name", ["nope.txt", "nope.png", "nope.pdf", "nope"])
def test_a_missing_path_is_no_such_file_whatever_its_name(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_letter(str(tmp_path / name))


def test_a_folder_without_page_images_is_refused_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a page image", encoding="utf-8")
    with pytest.raises(InputError, match="is a directory with no page images"):
        read_letter(str(tmp_path))


def test_a_letter_read_through_a_symlink_is_the_letter(tmp_path: Path) -> None:
    letter = sorted(LETTERS.glob("CM*.txt"))[0]
    link = tmp_path / "letter.txt"
    link.symlink_to(letter)
    direct, linked = read_letter(str(letter)), read_letter(str(link))
    assert (linked.text, linked.sha256) == (direct.text, direct.sha256)
    assert direct.text.encode("utf-8") == letter.read_bytes()
