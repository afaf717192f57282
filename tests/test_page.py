"""The claimant page in a real headless Chromium (Debian's, driven by Playwright): a
representative set of real letters in English and Spanish by default, every real letter with
`-m browser_full`. No console errors, no network requests, every badge and date
visible, axe-core finds no serious violations, letters of up to 3 items print on 2 pages."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    CHROMIUM_FLAGS,
    LETTERS,
    ROOT,
    browser_params,
    load_gold,
    real_letter_stems,
    require_chromium,
)

from imr_llm.explain import explain, readable_text
from imr_llm.explain.grounding import reading_grade, spanish_reading_ease
from imr_llm.explain.page import to_html
from imr_llm.explain.phrases import phrases
from imr_llm.explain.readability import GRADE_LIMIT
from imr_llm.explain.writer import format_date
from imr_llm.prepare import prepare, skeleton
from imr_llm.schema import Explanation

SPANISH_EASE_TARGET = 60.0
"""Fernandez-Huerta reading ease: 60 or more is plain ('normal' to 'easy') Spanish."""
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOT_LETTERS = {"CM16-0213037", "CM17-0015218", "CM16-0249724"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _explanation(stem: str, lang: str) -> tuple[Explanation, str]:
    prepared = prepare(str(LETTERS / f"{stem}.txt"))
    return explain(skeleton(prepared), prepared.text, lang=lang), prepared.text  # type: ignore[arg-type]


def _open(browser: Any, path: Path, width: int = 900) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return context, page, errors, requests


@pytest.mark.parametrize(("stem", "lang"), browser_params("en", "es"))
def test_page_renders_correctly_and_accessibly(
    browser: Any, tmp_path: Path, stem: str, lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    explanation, _ = _explanation(stem, lang)
    gold = load_gold(stem)
    path = tmp_path / f"{stem}.{lang}.html"
    path.write_text(to_html(explanation), encoding="utf-8")
    context, page, errors, requests = _open(browser, path)
    try:
        assert errors == []
        assert requests == [path.as_uri()]  # the page itself, nothing else
        assert page.locator("html").get_attribute("lang") == lang

        p = phrases(lang)  # type: ignore[arg-type]
        badges = page.locator(".badge")
        assert badges.count() == len(gold["treatments"])
        for index, item in enumerate(gold["treatments"]):
            badge = badges.nth(index)
            assert badge.is_visible()
            assert p[f"badge_{item['decision']}"] in badge.inner_text()

        wanted_dates = [gold["case"]["decision_date"]] + [
            d.date.isoformat() for d in explanation.deadlines if d.date
        ]
        for iso in filter(None, wanted_dates):
            time = page.locator(f'time[datetime="{iso}"]').first
            assert time.is_visible()
            from datetime import date

            assert time.inner_text() == format_date(date.fromisoformat(iso), lang)  # type: ignore[arg-type]

        results = Axe().run(page)
        serious = [
            v["id"]
            for v in results.response["violations"]
            if v.get("impact") in {"serious", "critical"}
        ]
        assert serious == []

        if len(gold["treatments"]) <= 3:
            from pypdf import PdfReader

            pdf = page.pdf(format="Letter", print_background=True)
            assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2

        if stem in SCREENSHOT_LETTERS and os.environ.get("IMR_LLM_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{stem}.{lang}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 640])  # a phone; a 1280 px window at 200% zoom
def test_page_fits_narrow_screens_and_zoom(browser: Any, tmp_path: Path, width: int) -> None:
    explanation, _ = _explanation("CM17-0015218", "en")  # the longest request wording
    path = tmp_path / "page.html"
    path.write_text(to_html(explanation), encoding="utf-8")
    context, page, errors, _ = _open(browser, path, width=width)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width
        assert page.locator(".badge").first.is_visible()
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("stem", real_letter_stems())
def test_readability_targets_in_both_languages(stem: str) -> None:
    english, _ = _explanation(stem, "en")
    assert reading_grade(readable_text(english)) <= GRADE_LIMIT
    spanish, _ = _explanation(stem, "es")
    assert spanish_reading_ease(readable_text(spanish)) >= SPANISH_EASE_TARGET
    assert spanish.items[0].outcome != english.items[0].outcome  # really translated
