from __future__ import annotations

from conftest import LETTERS

from imr_llm.normalize import normalize_text


def test_crlf_trailing_spaces_and_nbsp() -> None:
    assert normalize_text("Case Number:\u00a0CM16-1 \r\nNext line  \r\n") == (
        "Case Number: CM16-1\nNext line\n"
    )


def test_ligatures_and_curly_quotes() -> None:
    assert normalize_text("\ufb01nal \u201cdeci\ufb02\u201d") == 'final "decifl"\n'


def test_blank_line_after_every_line_is_undone() -> None:
    lines = [f"line {i}" for i in range(12)]
    doubled = "\n\n".join(lines[:6]) + "\n\n\n\n" + "\n\n".join(lines[6:])
    out = normalize_text(doubled).splitlines()
    assert out[:6] == lines[:6]
    assert out[6] == ""  # the paragraph break survives as one blank line
    assert out[7:] == lines[6:]


def test_hyphenated_word_joined_real_hyphen_kept() -> None:
    text = normalize_text("The documen-\ntation shows an x-\nray and anti-\ninflammatory use.")
    assert "documentation" in text
    assert "x-ray" in text
    assert "anti-inflammatory" in text


def test_punctuation_after_a_joined_word_stays_with_it() -> None:
    # CM17-0001064: "anti-" / "inflammatories, muscle relaxants" was quoted "anti-inflammatories ,"
    text = normalize_text(
        "was prescribed anti-\ninflammatories, muscle relaxants and the documen-\ntation."
    )
    assert "anti-inflammatories, muscle" in " ".join(text.split())
    assert "documentation." in text
    letter = normalize_text((LETTERS / "CM17-0001064.txt").read_text())
    assert "inflammatories ," not in " ".join(letter.split())


def test_pdfium_soft_hyphen_marker() -> None:
    assert "follow-up visit" in normalize_text("a follow\ufffeup visit")


def test_page_numbers_and_running_headers_removed() -> None:
    pages = [f"IMR Case CM16-0000001\nBody text {i} ends here.\nPage {i} of 3" for i in (1, 2, 3)]
    text = normalize_text("\f".join(pages))
    assert "Page" not in text
    assert "IMR Case" not in text
    assert text.count("Body text") == 3


def test_sentence_lines_at_page_edges_are_content() -> None:
    pages = ["First.\nis not medically\nnecessary.", "Second.\nmore\nnecessary."]
    assert normalize_text("\f".join(pages)).count("necessary.") == 2
