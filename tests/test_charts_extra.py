"""matplotlib is the optional [charts] extra: without it `stats --html` says so in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import LETTERS, ROOT, clean_env

# Runs the CLI with matplotlib made unimportable (a None entry in sys.modules).
WITHOUT_MATPLOTLIB = (
    "import sys; sys.modules['matplotlib'] = None; "
    "from imr_llm.cli import main; sys.argv = ['imr-llm', *sys.argv[1:]]; main()"
)


def _cli_without_matplotlib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_MATPLOTLIB, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
        cwd=ROOT,
    )


def test_stats_html_without_matplotlib_is_a_one_line_error(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    done = _cli_without_matplotlib(
        "extract",
        "--engine",
        "offline",
        str(LETTERS / "CM16-0213037.txt"),
        str(LETTERS / "CM16-0219557.txt"),
    )
    assert done.returncode == 0, done.stderr
    results.write_text(done.stdout, encoding="utf-8")

    markdown = _cli_without_matplotlib("stats", str(results))
    assert markdown.returncode == 0, markdown.stderr  # only --html needs the extra

    page = _cli_without_matplotlib("stats", str(results), "--html", str(tmp_path / "s.html"))
    assert page.returncode != 0
    assert page.stderr.strip().count("\n") == 0
    assert "imr-llm[charts]" in page.stderr
    assert "Traceback" not in page.stderr
