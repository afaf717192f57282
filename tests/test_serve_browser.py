"""`imr-llm serve` in headless Chromium (Debian's, driven by Playwright) against the real server:
a letter uploaded as a PDF and pasted as text, in English and Spanish, gives the claimant page
with every badge, reason and date; it prints on as many pages as the CLI's page; axe-core finds
no serious violation on the form or the result; the whole flow works with JavaScript off."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS, LETTERS, ROOT, load_gold
from serve_server import Server, running_server

from imr_llm.engines import offline_analysis
from imr_llm.explain.phrases import phrases
from imr_llm.explain.writer import as_of, format_date
from imr_llm.prepare import prepared_from
from imr_llm.schema import Explanation
from imr_llm.serve.letters import letter_from_bytes, render_explanation
from imr_llm.serve.page_text import page_text

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("serve-browser")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _expected(path: Path, lang: str) -> Explanation:
    """What the CLI would explain for this file today (the same library calls)."""
    letter = letter_from_bytes(path.read_bytes(), "upload")
    explanation = offline_analysis(prepared_from(letter), lang).explanation  # type: ignore[arg-type]
    return as_of(explanation, date.today())


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v.get("impact") in {"serious", "critical"}]


def _pdf_pages(page: Any) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(page.pdf(format="Letter", print_background=True))).pages)


def _words(text: str) -> str:
    return " ".join(text.split())


def _submit(page: Any, server: Server, ui: str, lang: str, path: Path, as_text: bool) -> None:
    page.goto(f"{server.url}/?lang={ui}")
    if as_text:
        page.fill("#text", path.read_text(encoding="utf-8"))
    else:
        page.set_input_files("#file", str(path))
    page.check(f"#lang-{lang}")
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_form_page_is_accessible_and_fits_a_phone(browser: Any, server: Server, lang: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    remote: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.url) else remote.append(r.url))
    try:
        page.goto(f"{server.url}/?lang={lang}")
        t = page_text(lang)  # type: ignore[arg-type]
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == t["title"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.get_by_label(t["file_label"]).count() == 1
        assert page.get_by_label(t["text_label"]).count() == 1
        order = []
        for _ in range(6):
            page.keyboard.press("Tab")
            order.append(
                page.evaluate("document.activeElement.id || document.activeElement.tagName")
            )
        assert order[1:5] == ["file", "text", f"lang-{lang}", "BUTTON"]
        assert _serious(page) == []
        assert remote == []
        if lang == "en" and os.environ.get("IMR_LLM_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "serve-form.png"), full_page=True)
    finally:
        context.close()


CASES = [
    ("CM16-0213037.pdf", "en", False),
    ("CM16-0213037.pdf", "es", False),
    ("CM16-0230548.txt", "en", True),
    ("CM16-0230548.txt", "es", True),
]


@pytest.mark.parametrize(("name", "lang", "as_text"), CASES)
def test_a_letter_is_explained_with_badges_reasons_and_dates(
    browser: Any, server: Server, name: str, lang: str, as_text: bool
) -> None:
    path = LETTERS / name
    expected = _expected(path, lang)
    gold = load_gold(path.stem)
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _submit(page, server, "en", lang, path, as_text)  # the explanation's language decides
        assert page.locator("html").get_attribute("lang") == lang
        p = phrases(lang)  # type: ignore[arg-type]
        badges = page.locator(".badge")
        assert badges.count() == len(gold["treatments"])
        for index, item in enumerate(gold["treatments"]):
            assert badges.nth(index).is_visible()
            assert p[f"badge_{item['decision']}"] in badges.nth(index).inner_text()
        shown = _words(page.locator("main").inner_text())
        for item in expected.items:  # why: stock reasons, or the reviewer's own finding quoted
            assert item.reasons or item.quotes
            for why in [*item.reasons, *item.quotes]:
                assert _words(why) in shown
        assert expected.decision_date is not None
        wanted = [expected.decision_date] + [d.date for d in expected.deadlines if d.date]
        for day in wanted:
            time = page.locator(f'time[datetime="{day.isoformat()}"]').first
            assert time.is_visible()
            assert time.inner_text() == format_date(day, lang)  # type: ignore[arg-type]

        t = page_text(lang)  # type: ignore[arg-type]
        tools = page.locator(".serve-tools")
        assert tools.get_by_role("button", name=t["print"]).is_visible()  # shown by the script
        assert tools.get_by_role("link", name=t["download"]).is_visible()
        assert tools.get_by_role("link", name=t["another"]).get_attribute("href") == (
            f"/?lang={lang}"
        )
        assert errors == []
        if as_text == (lang == "es"):  # one result page per language is enough for axe
            assert _serious(page) == []
        if not as_text:  # printing hides the tools: the same page count as the CLI's page
            served = _pdf_pages(page)
            cli = context.new_page()
            cli.set_content(render_explanation(expected, "html"))
            assert served == _pdf_pages(cli)
            cli.close()
        if (name, lang) == ("CM16-0230548.txt", "es") and os.environ.get("IMR_LLM_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SCREENSHOTS / "serve-result.es.png"))  # the first screen
    finally:
        context.close()


def test_download_link_saves_the_cli_page(browser: Any, server: Server) -> None:
    path = LETTERS / "CM16-0213037.pdf"
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        _submit(page, server, "en", "en", path, as_text=False)
        with page.expect_download() as caught:
            page.get_by_role("link", name=page_text("en")["download"]).click()
        saved = Path(caught.value.path()).read_text(encoding="utf-8")
        assert saved == render_explanation(_expected(path, "en"), "html")
    finally:
        context.close()


def _big_file(tmp_path: Path) -> Path:
    """A 25 MiB file (sparse: Chromium reads it from disk, nothing is copied)."""
    path = tmp_path / "big.pdf"
    with path.open("wb") as handle:
        handle.truncate(25 << 20)
    return path


def test_whole_flow_works_without_javascript(browser: Any, server: Server, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    t = page_text("es")
    try:
        page.goto(f"{server.url}/?lang=es")
        with page.expect_navigation():
            page.click("button[type=submit]")  # nothing chosen: the error, in Spanish
        alert = page.get_by_role("alert")
        assert t["err_no_letter"] in alert.inner_text()
        assert page.locator("#file").get_attribute("aria-invalid") == "true"

        page.set_input_files("#file", str(_big_file(tmp_path)))
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert t["err_too_large"] in page.get_by_role("alert").inner_text()

        _submit(page, server, "es", "es", LETTERS / "CM16-0230548.txt", as_text=True)
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator(".badge").count() == 2
        assert not page.locator(".serve-print").is_visible()  # no script: the hint instead
        assert t["print_hint"] in page.locator(".serve-tools").inner_text()
        href = page.get_by_role("link", name=t["download"]).get_attribute("href")
        assert re.match(r"data:text/html;charset=utf-8;base64,", href or "")
        with page.expect_navigation():
            page.get_by_role("link", name=t["another"]).click()
        assert page.locator("h1").inner_text() == t["title"]
    finally:
        context.close()


def test_too_large_file_is_stopped_in_the_browser_with_javascript(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    try:
        page.goto(f"{server.url}/?lang=en")
        page.on("request", lambda r: requests.append(r.method))
        page.set_input_files("#file", str(_big_file(tmp_path)))
        page.click("button[type=submit]")
        alert = page.get_by_role("alert")
        assert page_text("en")["err_too_large"] in alert.inner_text()
        assert page.evaluate("document.activeElement.id") == "error"  # announced and focused
        assert "POST" not in requests  # never sent
    finally:
        context.close()
