"""`imr-llm batch`: many letters, in parallel, resumable, failures recorded and skipped past.

The whole-folder run, the exit codes, and kill and resume use the CLI as a real process, the way
a user runs it; the checks of what a batch writes (and the LLM engine's run against the fake
server) run the same command in this process (batch_in_process).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTERS, ROOT, invoke_cli
from fake_openai_server import FakeOpenAIServer, Reply
from llm_responder import respond

from imr_llm.batch import CSV_COLUMNS, BatchConfig, BatchRun
from imr_llm.batch.inputs import Job
from imr_llm.batch.letters import finished, setup_of
from imr_llm.duplicates import key_of_line
from imr_llm.errors import (
    BATCH_LETTERS_FAILED,
    ImrError,
    InputError,
    LetterParseError,
    LlmError,
    NotAnImrLetterError,
)
from imr_llm.runner import extract
from imr_llm.schema import Determination, Explanation

SUMMARY = re.compile(
    r"imr-llm: batch: (?P<done>\d+) done, (?P<skipped>\d+) skipped \(already in [^)]*\), "
    r"(?P<failed>\d+) failed.*; (?P<seconds>[\d.]+) s, (?P<rate>[\d.]+) letters/s"
)
ALL_LETTERS = sorted(p for p in LETTERS.iterdir() if p.suffix in {".txt", ".pdf"})
TWO_ITEMS = LETTERS / "CM16-0213037.txt"  # two items, both upheld
ONE_ITEM = LETTERS / "CM17-0015218.txt"  # one item, overturned


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "IMR_LLM_"))}
    env.update(extra)
    return env


def batch(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imr_llm", "batch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env or clean_env(),
        cwd=ROOT,
    )


def batch_in_process(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`imr-llm batch ARGS` run in this process (conftest.invoke_cli): the same output files,
    stderr and exit code, without starting Python and importing the package (and the LLM
    client) again. For what a batch writes; exit codes, kill and resume keep the real process."""
    return invoke_cli("batch", *map(str, args), env=env)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    match = SUMMARY.search(result.stderr)
    assert match, result.stderr
    return {k: int(match[k]) for k in ("done", "skipped", "failed")}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def by_path(path: Path) -> dict[str, Determination]:
    results = [Determination.model_validate_json(line) for line in lines(path)]
    return {str(d.source.path): d for d in results}


def errors(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(path)]


# --- every real letter -----------------------------------------------------------------------


def test_every_letter_txt_and_pdf_in_one_run_each_case_written_once(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = batch(LETTERS, "--out", out, "--workers", "2")
    assert result.returncode == 0, result.stderr
    # Each real letter is there as .pdf and .txt, and three as a worker's copy (SYN-COPY-*).
    copies = [p for p in ALL_LETTERS if p.stem.startswith("SYN-COPY-")]
    cases = {p.stem for p in ALL_LETTERS} - {p.stem for p in copies}
    assert len(cases) == 72 and len(ALL_LETTERS) == 136 + len(copies)
    assert summary(result) == {"done": len(cases), "skipped": 0, "failed": 0}
    assert f"{len(ALL_LETTERS) - len(cases)} duplicate(s) written once" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    written = [json.loads(line) for line in lines(out)]
    assert len(written) == len(cases)
    numbers = [d["case"]["case_number"] for d in written if d["case"]["case_number"]]
    assert len(numbers) == len(set(numbers)) == len(cases) - 2  # the two seeds have none
    assert (tmp_path / "errors.jsonl").read_text() == ""
    for line in lines(out):  # each line is exactly what `imr-llm extract` prints, compact
        assert line == extract(json.loads(line)["source"]["path"]).model_dump_json()
    duplicates = errors(tmp_path / "results.jsonl.duplicates.jsonl")
    assert len(duplicates) == len(ALL_LETTERS) - len(cases)
    kept = {d["source"]["path"]: d["case"]["case_number"] for d in written}
    for record in duplicates:  # another file of the same letter, pointing at the written one
        assert record["path"] != record["duplicate_of"]
        assert kept[record["duplicate_of"]] == record["case_number"]


def test_a_repeat_in_a_later_run_is_also_written_once(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert batch_in_process(TWO_ITEMS, "--out", out, "--workers", "1").returncode == 0
    again = batch_in_process(
        TWO_ITEMS.with_suffix(".pdf"), ONE_ITEM, "--out", out, "--workers", "1"
    )
    assert again.returncode == 0, again.stderr
    assert summary(again) == {"done": 1, "skipped": 0, "failed": 0}
    assert [json.loads(line)["source"]["path"] for line in lines(out)] == [
        str(TWO_ITEMS),
        str(ONE_ITEM),
    ]
    (record,) = errors(tmp_path / "results.jsonl.duplicates.jsonl")
    assert record["duplicate_of"] == str(TWO_ITEMS)


def test_the_cli_default_chunksize_is_the_batch_default() -> None:
    import imr_llm.cli.batch as batch_cli
    from imr_llm.batch import config

    assert batch_cli.DEFAULT_CHUNKSIZE == config.DEFAULT_CHUNKSIZE


def test_pool_and_single_process_give_the_same_lines(tmp_path: Path) -> None:
    # .txt only: of a letter given as .pdf and .txt, the pool writes whichever is done first
    letters = [str(p) for p in ALL_LETTERS if p.suffix == ".txt"][:24]
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.jsonl"
        summary_ = BatchRun(BatchConfig(out=out, workers=workers, chunksize=3)).run(letters)
        assert (summary_.done, summary_.failed, summary_.exit_code) == (24, 0, 0)
        outputs.append(sorted(lines(out)))
    assert outputs[0] == outputs[1]


# --- inputs --------------------------------------------------------------------------------------


def test_folders_globs_and_files(tmp_path: Path) -> None:
    tree = tmp_path / "in"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / ".hidden").mkdir()
    copy = {
        tree / "a.txt": TWO_ITEMS,
        tree / "sub" / "b.pdf": LETTERS / "CM16-0233794.pdf",
        tree / "sub" / "deeper" / "c.TXT": ONE_ITEM,
        tree / ".hidden" / "d.txt": ONE_ITEM,  # hidden folders are not searched
        tmp_path / "globbed" / "e.txt": LETTERS / "CM16-0219557.txt",
        tmp_path / "globbed" / "f.txt": LETTERS / "CM16-0224814.txt",
        tmp_path / "single.txt": LETTERS / "CM16-0229336.txt",
    }
    for target, source in copy.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    (tree / "notes.md").write_text("not a letter")  # folders and globs take .txt/.pdf only
    (tmp_path / "globbed" / "g.csv").write_text("a,b")
    out = tmp_path / "out" / "results.jsonl"  # missing folders are made
    result = batch_in_process(
        tree,
        tmp_path / "globbed" / "*",
        tmp_path / "single.txt",
        tmp_path / "nothing*.pdf",
        "--out",
        out,
    )
    assert result.returncode == BATCH_LETTERS_FAILED, result.stderr
    assert summary(result) == {"done": 6, "skipped": 0, "failed": 1}
    assert set(by_path(out)) == {
        str(tree / "a.txt"),
        str(tree / "sub" / "b.pdf"),
        str(tree / "sub" / "deeper" / "c.TXT"),
        str(tmp_path / "globbed" / "e.txt"),
        str(tmp_path / "globbed" / "f.txt"),
        str(tmp_path / "single.txt"),
    }
    [failure] = errors(tmp_path / "out" / "errors.jsonl")
    assert failure["path"] == str(tmp_path / "nothing*.pdf")
    assert "no letter (.txt, .pdf, .tif, .png, .jpg) matches this pattern" in failure["error"]


def test_a_folder_of_page_photos_is_one_letter_and_a_tiff_is_a_letter(tmp_path: Path) -> None:
    from imr_llm.batch.inputs import iter_inputs

    photos = tmp_path / "in" / "smith-letter"
    photos.mkdir(parents=True)
    for name in ("page1.jpg", "page2.JPG", "page10.png"):
        (photos / name).write_bytes(b"")
    (tmp_path / "in" / "a.txt").write_bytes(b"")
    (tmp_path / "in" / "scan.tif").write_bytes(b"")
    (tmp_path / "in" / "stray.png").write_bytes(b"")  # beside letters: a letter of its own
    found = [path for path, problem in iter_inputs([str(tmp_path / "in")]) if not problem]
    assert found == [
        str(tmp_path / "in" / "a.txt"),
        str(tmp_path / "in" / "scan.tif"),
        str(photos),
        str(tmp_path / "in" / "stray.png"),
    ]


def _image_only_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _cut_off(path: Path) -> Path:
    text = (LETTERS / "CM16-0234464.txt").read_text(encoding="utf-8")
    cut = text[: text.index("Lidocaine ointment 5% 106.32gm: Upheld") + 900]
    path.write_text(cut.rsplit(" ", 1)[0], encoding="utf-8")
    return path


def test_bad_files_are_recorded_with_their_reason_and_the_good_ones_land(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "rent.txt").write_bytes(b"Dear tenant,\nYour rent is due on Monday.\n" * 20)
    _cut_off(folder / "cut.txt")
    _image_only_pdf(folder / "scan.pdf")
    for good in (TWO_ITEMS, ONE_ITEM, LETTERS / "CM16-0248698.pdf"):
        (folder / good.name).write_bytes(good.read_bytes())
    out, errors_file = tmp_path / "results.jsonl", tmp_path / "failures" / "bad.jsonl"
    result = batch_in_process(folder, "--out", out, "--errors", errors_file, "--workers", "2")
    assert result.returncode == BATCH_LETTERS_FAILED
    assert summary(result) == {"done": 3, "skipped": 0, "failed": 5}
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert {Path(p).name for p in by_path(out)} == {
        "CM16-0213037.txt",
        "CM17-0015218.txt",
        "CM16-0248698.pdf",
    }
    recorded = {Path(e["path"]).name: e for e in errors(errors_file)}
    expected = {
        "empty.txt": (InputError, "the file is empty"),
        "binary.txt": (InputError, "looks like a binary file"),
        "rent.txt": (NotAnImrLetterError, "not an IMR"),
        "cut.txt": (LetterParseError, "cut off"),
        "scan.pdf": (InputError, "OCR could not read the text"),
    }
    assert set(recorded) == set(expected)
    for name, (kind, words) in expected.items():
        record = recorded[name]
        assert set(record) == {"path", "error", "type", "exit_code"}
        assert (record["type"], record["exit_code"]) == (kind.__name__, kind.exit_code)
        assert words in record["error"] and "\n" not in record["error"]

    again = batch_in_process(folder, "--out", out, "--errors", errors_file)  # failures are retried
    assert summary(again) == {"done": 0, "skipped": 3, "failed": 5}
    assert len(errors(errors_file)) == 5  # this run's failures, not the sum of every run
    assert len(lines(out)) == 3


# --- resume ---------------------------------------------------------------------------------------


def _variants(folder: Path, copies: int) -> list[str]:
    """Each real text letter `copies` times, with a changed case number (so a new hash)."""
    folder.mkdir()
    cases = []
    for letter in sorted(LETTERS.glob("CM*.txt")):
        text = letter.read_text(encoding="utf-8")
        for copy in range(1, copies + 1):
            case = f"{letter.stem[:5]}{copy}{letter.stem[6:]}"  # CM16-0213037 -> CM16-3213037
            assert letter.stem in text and case not in text
            (folder / f"{case}.txt").write_text(text.replace(letter.stem, case), "utf-8")
            cases.append(case)
    return cases


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.005)
    raise AssertionError("the batch finished or stalled before it could be killed")


def test_killed_run_resumes_and_every_letter_lands_exactly_once(tmp_path: Path) -> None:
    cases = _variants(tmp_path / "letters", copies=7)
    assert len(cases) == 448
    out = tmp_path / "results.jsonl"
    command = [
        sys.executable,
        "-m",
        "imr_llm",
        "batch",
        str(tmp_path / "letters"),
        "--out",
        str(out),
        "--workers",
        "2",
        "--csv",
        str(tmp_path / "items.csv"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _wait_for_lines(out, 40, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-run
        process.wait()
    assert process.returncode == -signal.SIGKILL
    data = out.read_bytes()
    complete = data.count(b"\n")
    assert 40 <= complete < len(cases)

    second = batch(tmp_path / "letters", "--out", out, "--csv", tmp_path / "items.csv")
    assert second.returncode == 0, second.stderr
    assert summary(second) == {"done": len(cases) - complete, "skipped": complete, "failed": 0}
    assert out.read_bytes().startswith(data[: data.rindex(b"\n") + 1])  # appended, not rewritten
    got = Counter(
        str(d.case.case_number) for d in map(Determination.model_validate_json, lines(out))
    )
    assert got == Counter(cases)  # every letter exactly once
    with (tmp_path / "items.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["case_number"] for row in rows} == set(cases)
    row_keys = Counter((row["sha256"], row["item"]) for row in rows)
    assert max(row_keys.values()) == 1  # no letter's rows twice
    items = sum(len(d.treatments) for d in map(Determination.model_validate_json, lines(out)))
    assert len(rows) == items


def _counting_tesseract(folder: Path, log: Path) -> dict[str, str]:
    """An environment whose `tesseract` notes every image it is given in `log`, then runs the
    real one: the OCR calls of a run, counted."""
    real = shutil.which("tesseract")
    folder.mkdir()
    shim = folder / "tesseract"
    shim.write_text(
        f'#!/bin/sh\ncase "$*" in *_input.*) echo "$1" >> "{log}";; esac\nexec "{real}" "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return clean_env(PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_resumed_run_skips_a_finished_paper_letter_without_ocr(tmp_path: Path) -> None:
    import hashlib

    import pypdfium2 as pdfium

    cases = _variants(tmp_path / "letters", copies=1)
    scan = tmp_path / "letters" / "0-scan.tif"  # first in name order: done before the kill
    document = pdfium.PdfDocument(str(LETTERS / "CM16-0213037.pdf"))
    pages = [document[i].render(scale=300 / 72).to_pil().convert("L") for i in range(2)]
    document.close()
    pages[0].save(scan, save_all=True, append_images=pages[1:], compression="tiff_lzw")
    calls = tmp_path / "ocr-calls.txt"
    env = _counting_tesseract(tmp_path / "bin", calls)
    out = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "imr_llm", "batch", str(tmp_path / "letters")]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 600  # OCR on a busy machine: only a guard against a hang
        while process.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= 2:
                break
            time.sleep(0.005)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    complete = out.read_bytes().count(b"\n")
    assert process.returncode == -signal.SIGKILL and 2 <= complete < len(cases) + 1
    first = Determination.model_validate_json(lines(out)[0])
    assert first.source.text_from == "ocr"
    assert first.source.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    read_pages = len(lines(calls))
    assert read_pages >= 2  # the counter counts: both pages were OCRed

    second = batch(tmp_path / "letters", "--out", out, "--workers", "1", env=env)
    assert second.returncode == 0, second.stderr
    assert summary(second) == {"done": len(cases) + 1 - complete, "skipped": complete, "failed": 0}
    assert len(lines(calls)) == read_pages  # the paper letter was skipped without OCR
    got = Counter(
        str(d.case.case_number) for d in map(Determination.model_validate_json, lines(out))
    )
    assert got == Counter([*cases, "CM16-0213037"])  # every letter exactly once


def test_csv_rows_of_a_letter_missing_from_the_output_are_cut_on_resume(tmp_path: Path) -> None:
    out, table = tmp_path / "r.jsonl", tmp_path / "items.csv"
    assert (
        batch_in_process(
            TWO_ITEMS, ONE_ITEM, "--out", out, "--csv", table, "--workers", "1"
        ).returncode
        == 0
    )
    first_line, second_line = lines(out)
    rows = table.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 2 + 1  # header, two items, one item
    out.write_text(first_line + "\n", encoding="utf-8")  # killed: the second letter's line lost
    result = batch_in_process(TWO_ITEMS, ONE_ITEM, "--out", out, "--csv", table, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "removed 1 row(s) of letters that are not in the output yet" in result.stderr
    assert summary(result) == {"done": 1, "skipped": 1, "failed": 0}
    assert table.read_text(encoding="utf-8").splitlines() == rows
    assert lines(out) == [first_line, second_line]


def test_half_written_last_line_is_cut_and_no_other_line_is_lost(tmp_path: Path) -> None:
    letters = [TWO_ITEMS, ONE_ITEM, LETTERS / "CM16-0219557.txt"]
    full = tmp_path / "full.jsonl"
    assert batch_in_process(*letters, "--out", full).returncode == 0
    first, second, third = lines(full)

    out = tmp_path / "results.jsonl"
    out.write_text(f"{first}\n{second}\n{third[: len(third) // 2]}", encoding="utf-8")
    result = batch_in_process(*letters, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "cut off a half-written last line" in result.stderr
    assert summary(result) == {"done": 1, "skipped": 2, "failed": 0}
    assert sorted(lines(out)) == sorted([first, second, third])

    out.write_text(f"{first}\n{second}", encoding="utf-8")  # whole, only the newline missing
    result = batch_in_process(*letters, "--out", out)
    assert summary(result) == {"done": 1, "skipped": 2, "failed": 0}
    assert sorted(lines(out)) == sorted([first, second, third])


def test_repeats_in_one_run_are_written_once_and_no_resume_appends_all(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = batch_in_process(TWO_ITEMS, TWO_ITEMS, ONE_ITEM, "--out", out, "--workers", "1")
    assert summary(result) == {"done": 2, "skipped": 1, "failed": 0}
    result = batch_in_process(TWO_ITEMS, ONE_ITEM, "--out", out, "--no-resume")
    assert summary(result) == {"done": 2, "skipped": 0, "failed": 0}
    assert len(lines(out)) == 4


# --- CSV and explanations -------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "md", "json", "html"])
def test_csv_and_explanations(tmp_path: Path, output_format: str) -> None:
    other = tmp_path / "CM16-0213037.pdf"  # another letter under the same stem
    other.write_bytes((LETTERS / "CM16-0219557.pdf").read_bytes())
    letters = [TWO_ITEMS, other, ONE_ITEM, LETTERS / "CM16-0248698.pdf"]
    out, table, folder = tmp_path / "r.jsonl", tmp_path / "items.csv", tmp_path / "explained"
    result = batch_in_process(
        *letters,
        "--out",
        out,
        "--csv",
        table,
        "--explanations",
        folder,
        "--format",
        output_format,
        "--lang",
        "en",
        "--workers",
        "2",
    )
    assert result.returncode == 0, result.stderr
    extension = {"text": "txt", "md": "md", "json": "json", "html": "html"}[output_format]
    names = {  # named after the stem; a second letter with the same stem adds its suffix
        f"CM16-0213037.{extension}": TWO_ITEMS,
        f"CM16-0213037.pdf.{extension}": other,
        f"CM17-0015218.{extension}": ONE_ITEM,
        f"CM16-0248698.{extension}": LETTERS / "CM16-0248698.pdf",
    }
    assert {p.name for p in folder.iterdir()} == set(names)
    explained = (folder / f"CM17-0015218.{extension}").read_text(encoding="utf-8")
    if output_format == "json":
        assert Explanation.model_validate_json(explained).items[0].decision == "overturned"
    elif output_format == "md":
        assert explained.startswith("# ") and "## What you can do next" in explained
    elif output_format == "html":
        assert explained.lower().startswith("<!doctype html>") and "CM17-0015218" in explained
    else:
        assert explained.startswith("YOUR IMR DECISION") and "Approved" in explained

    results = by_path(out)
    with table.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == sum(len(d.treatments) for d in results.values()) == 2 + 1 + 1 + 21
    for row in rows:
        determination = results[row["path"]]
        item = determination.treatments[int(row["item"]) - 1]
        assert row["request"] == " ".join(item.request.split())
        assert row["decision"] == item.decision and row["category"] == item.category
        assert row["case_number"] == determination.case.case_number
        assert row["year"] == str(determination.case.decision_date.year)  # type: ignore[union-attr]
        assert row["retrospective"] in {"true", "false"}
        assert row["sha256"] == determination.source.sha256
    first = next(r for r in rows if r["path"] == str(TWO_ITEMS))
    assert first["decision_date"] == "2016-12-09" and first["format"] == "dwc-2016"
    assert "MTUS" in first["claims_administrator_guidelines"]
    assert first["reviewer_specialties"]


def test_spanish_explanations(tmp_path: Path) -> None:
    folder = tmp_path / "explained"
    result = batch_in_process(
        ONE_ITEM,
        "--out",
        tmp_path / "r.jsonl",
        "--explanations",
        folder,
        "--format",
        "json",
        "--lang",
        "es",
    )
    assert result.returncode == 0, result.stderr
    explanation = Explanation.model_validate_json((folder / "CM17-0015218.json").read_text())
    assert explanation.lang == "es" and explanation.items[0].decision == "overturned"


# --- exit codes -----------------------------------------------------------------------------------


def test_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert batch(TWO_ITEMS, "--out", out).returncode == 0
    assert batch(TWO_ITEMS, tmp_path / "nope.txt", "--out", out).returncode == 9
    for usage in (["--out", str(out), "--workers", "0"], ["--format", "md"]):  # no --out
        result = batch(TWO_ITEMS, *usage)
        assert result.returncode == 2 and "Traceback" not in result.stderr
    result = batch(TWO_ITEMS, "--out", tmp_path)  # a folder
    assert result.returncode != 0
    assert result.stderr.startswith("imr-llm: error: ") and result.stderr.count("\n") == 1


def test_a_dead_worker_stops_the_run_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imr_llm.batch.letters as batch_module

    real = batch_module.BatchSteps.open

    def crashing(
        self: batch_module.BatchSteps, job: batch_module.Job
    ) -> batch_module.PreparedLetter | batch_module.Outcome:
        if job.path.endswith("CM17-0015218.txt"):
            os._exit(1)  # as a segfault in a native library would
        return real(self, job)

    monkeypatch.setattr(batch_module.BatchSteps, "open", crashing)  # forked workers inherit it
    run = BatchRun(BatchConfig(out=tmp_path / "r.jsonl", workers=2, chunksize=1))
    with pytest.raises(ImrError, match="a worker process died"):  # raised, not waited on
        run.run([str(TWO_ITEMS), str(ONE_ITEM), str(LETTERS / "CM16-0219557.txt")])
    assert run.summary.done == 2


# --- the LLM engine ---------------------------------------------------------------------------


class _Gauge:
    """Counts requests in flight at the fake server (each held for `seconds`). The first
    request is held until a second one is in flight, so a concurrent client shows its overlap
    however slow the machine; a client that sends one request at a time leaves `most` at 1."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.now, self.most = seconds, 0, 0
        self.lock = threading.Condition()

    def respond(self, request: dict[str, Any]) -> Reply:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.most >= 2, timeout=10)
        try:
            time.sleep(self.seconds)
            # a scripted fault for one letter, known by a sentence of its rationale (the
            # grounded call sends the numbered rationale sentences, not the case number)
            if "utilization reviewer was an emergency physician" in json.dumps(request):
                return Reply.error(400, message="fake server: this letter is refused")
            return respond(request)
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=respond) as running:
        yield running


def test_llm_engine_runs_letters_concurrently_records_faults_and_resumes(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    letters = [*sorted(LETTERS.glob("CM16-*.txt"))[:11], ONE_ITEM]
    gauge = _Gauge(seconds=0.3)
    server.responder = gauge.respond
    env = clean_env(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(tmp_path / "cache"))
    out = tmp_path / "r.jsonl"
    result = batch_in_process(*letters, "--out", out, "--concurrency", "4", env=env)
    assert result.returncode == BATCH_LETTERS_FAILED, result.stderr
    assert "engine openai" in result.stderr
    assert summary(result) == {"done": 11, "skipped": 0, "failed": 1}
    assert "11 requests, 0 of 11 letters from cache" in result.stderr
    assert 2 <= gauge.most <= 4  # concurrent (requests overlapped), never more than --concurrency
    determinations = by_path(out)
    assert all(d.engine.name == "openai" for d in determinations.values())
    [failure] = errors(tmp_path / "errors.jsonl")
    assert failure["path"] == str(ONE_ITEM)
    assert (failure["type"], failure["exit_code"]) == (LlmError.__name__, LlmError.exit_code)
    assert "HTTP 400" in failure["error"]

    before = server.request_count
    again = batch_in_process(*letters, "--out", out, "--concurrency", "4", env=env)
    assert summary(again) == {"done": 0, "skipped": 11, "failed": 1}
    assert server.request_count - before == 1  # only the failed letter asked again

    before = server.request_count
    cached = batch_in_process(*letters, "--out", tmp_path / "fresh.jsonl", env=env)
    assert summary(cached) == {"done": 11, "skipped": 0, "failed": 1}
    assert "0 requests, 11 of 11 letters from cache" in cached.stderr
    assert server.request_count - before == 1


def test_worker_sends_the_key_the_written_line_has() -> None:
    """The batch process finds repeats by the key a worker sends with each outcome, not by
    parsing the line: the two must agree on every letter."""
    setup = setup_of(BatchConfig(out=Path("unused"), resume=False))
    keyed = 0
    for path in sorted(LETTERS.glob("*.txt")):
        outcome = finished(Job(str(path)), extract(str(path)), None, setup)
        assert outcome.key == key_of_line(outcome.line)
        keyed += outcome.key is not None
    assert keyed >= 64  # every real letter has a case number
