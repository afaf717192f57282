"""Shared fixtures. The network guard makes any connection off this machine fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["network_guard"]

# Tesseract (Debian's is built with OpenMP) runs one thread per core by default; beside the
# other xdist worker that doubles the CPU of every OCR test for nothing (its threads spin while
# they wait) and gives the same text: measured on the test letter's two pages, 9.7 s of CPU with
# one thread against 19-22 s. Set here, it reaches every process the tests start (the CLI, the
# server, batch workers), as they inherit this environment. A value set outside is kept.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"
GOLD = ROOT / "evals" / "gold"


def real_letter_stems() -> list[str]:
    return sorted(p.stem for p in LETTERS.glob("*.txt") if not p.stem.startswith("SYN-"))


def synthetic_letter_stems() -> list[str]:
    return sorted(p.stem for p in LETTERS.glob("SYN-*.txt"))


def load_gold(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    return data


def representative_letter_stems() -> list[str]:
    """The browser tests' default set, chosen from the gold labels: the first letter of each
    format, the one with the most items, the first with a modified request (UR) and the first
    with an overturned item. The full set runs with `-m browser_full` (CI does)."""
    golds = {stem: load_gold(stem) for stem in real_letter_stems()}
    chosen: dict[str, None] = {}
    for stem, gold in golds.items():
        if gold["format"] not in {golds[s]["format"] for s in chosen}:
            chosen[stem] = None
    chosen[max(golds, key=lambda stem: len(golds[stem]["treatments"]))] = None
    for wanted in (
        lambda t: bool(t.get("original_request")),
        lambda t: t["decision"] == "overturned",
    ):
        chosen[next(s for s, g in golds.items() if any(wanted(t) for t in g["treatments"]))] = None
    return sorted(chosen)


def browser_params(*langs: str) -> list[Any]:
    """(stem, lang) for every real letter: the representative ones by default, the others
    marked browser_full."""
    representative = set(representative_letter_stems())
    return [
        pytest.param(stem, lang, marks=() if stem in representative else pytest.mark.browser_full)
        for stem in real_letter_stems()
        for lang in langs
    ]


@pytest.fixture
def letters_dir() -> Path:
    return LETTERS


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_chromium() -> str:
    """Chromium's path. Without it a test skips on a developer's machine and FAILS in CI
    (CI=true), so the browser tests can never pass there by not running."""
    if CHROMIUM is None:
        message = "chromium is not installed (Debian: apt-get install chromium; see README)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # keeps Chromium off the (closed) network
    "--disable-component-update",
    "--disable-sync",
]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any LLM settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "IMR_LLM_"))}
    env.update(extra)
    return env


def wait_until(condition: Callable[[], object], what: str, seconds: float = 120) -> None:
    """Poll `condition` until it is true. The bound only stops a broken test from hanging; it
    is no timing check, so it is generous for a machine whose cores are shared."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """`python -m imr_llm ARGS` as a user runs it: a real process, no LLM settings inherited."""
    return subprocess.run(
        [sys.executable, "-m", "imr_llm", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env if env is not None else clean_env(),
        cwd=cwd,
    )


def invoke_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`imr-llm ARGS` in this process (click's CliRunner): the same command, exit code, stdout
    and stderr as `run_cli`, without starting Python and importing the package again. No LLM
    settings are inherited. `run_cli` stays for what only a real process shows (the entry
    point, exit codes and one-line errors as a shell sees them, imports)."""
    from click.testing import CliRunner

    from imr_llm.cli import app

    unset: dict[str, str | None] = {
        name: None for name in os.environ if name.startswith(("OPENAI_", "IMR_LLM_"))
    }
    result = CliRunner().invoke(
        app, list(args), input=stdin, env={**unset, **(env or {})}, prog_name="imr-llm"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on a local page (e.g. --dump-dom, --screenshot=...)."""
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
