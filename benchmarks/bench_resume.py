"""The batch acceptance run at scale: 10,000 distinct letters plus injected bad files, killed
halfway (SIGKILL to the batch and its workers), then resumed. Checks, and records:

- the resumed run redoes no finished letter (done + skipped = letters, skipped = lines kept);
- every letter is in the output exactly once, and every CSV row once;
- every injected bad file is in errors.jsonl with its reason, and nothing else is;
- memory of the batch process, sampled through both runs.

    python benchmarks/bench_resume.py [--count 10000] [--kill-at 0.5] [--json out.json]

The letters are the 64 real text letters with the case number changed (so each has its own
text hash); the bad files are spread among them by name.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import PYTHON, ROOT, SUMMARY, Memory, machine, real_letters

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "the file is empty"),
    "binary.txt": (bytes(range(256)) * 40, "binary file"),
    "rent.txt": (b"Dear tenant,\nYour rent is due on Monday.\n" * 20, "not an IMR"),
    "garbage.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 20, "PDF"),
}


def make_inputs(folder: Path, count: int) -> tuple[list[str], list[str]]:
    """`count` distinct letters and 5 of each bad file, in one folder; (cases, bad names)."""
    folder.mkdir()
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in real_letters(".txt")]
    cases, bad = [], []
    for index in range(count):
        stem, text = texts[index % len(texts)]
        case = f"CM{90 + index % 10}-{index:07d}"
        assert case not in text
        (folder / f"{index:06d}-{case}.txt").write_text(text.replace(stem, case), "utf-8")
        cases.append(case)
    cut_stem, cut_text = texts[0]
    cut = cut_text[: cut_text.index("RATIONALE") + 200] if "RATIONALE" in cut_text else ""
    for copy in range(5):
        position = (copy + 1) * count // 6  # spread through the run
        for name, (data, _) in BAD_FILES.items():
            target = f"{position:06d}-bad{copy}-{name}"
            (folder / target).write_bytes(data)
            bad.append(target)
        if cut:
            target = f"{position:06d}-bad{copy}-cut.txt"
            (folder / target).write_text(cut.replace(cut_stem, f"CM99-99999{copy:02d}"), "utf-8")
            bad.append(target)
    return cases, bad


def command(folder: Path, out: Path) -> list[str]:
    return [PYTHON, "-m", "imr_llm", "batch", str(folder), "--out", str(out),
            "--csv", str(out.with_suffix(".csv")), "--workers", "2"]  # fmt: skip


def killed_run(folder: Path, out: Path, kill_at: int) -> tuple[float, int, Memory]:
    memory = Memory(output=out)
    started = time.perf_counter()
    process = subprocess.Popen(
        command(folder, out), cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    memory.watch(process.pid)
    try:
        while process.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= kill_at:
                break
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        memory.stop()
    if process.returncode != -signal.SIGKILL:
        raise SystemExit(f"the batch ended ({process.returncode}) before it could be killed")
    return time.perf_counter() - started, out.read_bytes().count(b"\n"), memory


def resumed_run(folder: Path, out: Path) -> tuple[float, dict[str, int], str, Memory]:
    memory = Memory(output=out)
    started = time.perf_counter()
    process = subprocess.Popen(
        command(folder, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    memory.watch(process.pid)
    _, stderr = process.communicate()
    memory.stop()
    match = SUMMARY.search(stderr)
    if not match:
        raise SystemExit(f"no summary line: {stderr}")
    counts = {k: int(match[k]) for k in ("done", "skipped", "failed")}
    return time.perf_counter() - started, counts, stderr, memory


def check(
    out: Path, cases: list[str], bad: list[str], kept: int, counts: dict[str, int]
) -> dict[str, Any]:
    lines = out.read_text(encoding="utf-8").splitlines()
    found = Counter(json.loads(line)["case"]["case_number"] for line in lines)
    items = sum(len(json.loads(line)["treatments"]) for line in lines)
    with out.with_suffix(".csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row_keys = Counter((row["sha256"], row["item"]) for row in rows)
    errors = [json.loads(line) for line in (out.parent / "errors.jsonl").read_text().splitlines()]
    recorded = {Path(e["path"]).name: e["error"] for e in errors}
    reasons_ok = all(
        BAD_FILES[name.split("-", 2)[2]][1] in recorded.get(name, "")
        for name in bad
        if name.split("-", 2)[2] in BAD_FILES
    )
    result = {
        "no_letter_redone": counts["skipped"] == kept and counts["done"] == len(cases) - kept,
        "every_letter_once": found == Counter(cases),
        "csv_rows_once": len(rows) == items and max(row_keys.values()) == 1,
        "every_bad_file_recorded": set(recorded) == set(bad) and counts["failed"] == len(bad),
        "reasons_recorded": reasons_ok,
    }
    result["all"] = all(result.values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imr-bench-resume-") as temp:
        scratch = Path(temp)
        cases, bad = make_inputs(scratch / "letters", options.count)
        out = scratch / "results.jsonl"
        first_s, kept, first_mem = killed_run(
            scratch / "letters", out, int(options.count * options.kill_at)
        )
        second_s, counts, stderr, second_mem = resumed_run(scratch / "letters", out)
        verdict = check(out, cases, bad, kept, counts)
    result = {
        "machine": machine(),
        "letters": options.count,
        "bad_files": len(bad),
        "killed_after_s": round(first_s, 1),
        "lines_kept": kept,
        "resumed": counts,
        "resume_s": round(second_s, 1),
        "batch_process_peak_mb": round(
            max(first_mem.parent_peak_kb, second_mem.parent_peak_kb) / 1024, 1
        ),
        "checks": verdict,
        "summary_line": stderr.strip().splitlines()[-1],
    }
    if options.json:
        options.json.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print(
        f"\n{options.count} letters + {len(bad)} bad files; killed after {first_s:.1f} s with "
        f"{kept} lines written; resumed: {counts['done']} done, {counts['skipped']} skipped, "
        f"{counts['failed']} failed in {second_s:.1f} s; batch process peak "
        f"{result['batch_process_peak_mb']} MiB; checks: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in verdict.items())
    )
    if not verdict["all"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
