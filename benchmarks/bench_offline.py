"""Offline `imr-llm batch` throughput and peak memory on the real letters repeated.

    python benchmarks/bench_offline.py [--count 10000] [--small 1000] [--json results.json]
    python benchmarks/bench_offline.py --kinds txt --count 3000 --workers 1 --small 0 \
        --chunksizes --code <another checkout>   # that checkout's imr_llm, same inputs

Text inputs are copies of the 64 real .txt letters, repeated to --count, each copy with its
case number made unique (same length, so the same layout and the same parse): every letter is
a new one for the batch, written to the output as a user's distinct letters are, not left out
as a repeat of an earlier one (the batch writes a letter given twice once). PDF inputs are
symlinks to the 64 real PDFs (their text cannot be edited): after the first 64 each is a
repeat, whose short duplicate record is written instead of its line. Every run writes a fresh
output with --no-resume. Letters/s is the batch's own figure (from its summary line: time
inside the run, without the ~0.3 s interpreter start); wall is the whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from _common import ROOT, BatchTiming, machine, real_letters, repeated_inputs, run_batch

_CASE_NUMBER = re.compile(r"\b([A-Z]{2}\d{2}-)(\d{5,8})\b")


def distinct_text_inputs(folder: Path, count: int) -> Path:
    """`count` copies of the 64 real text letters, each with a case number of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    letters = [(path.name, path.read_bytes().decode("utf-8")) for path in real_letters(".txt")]
    for index in range(count):
        name, text = letters[index % len(letters)]
        unique = _CASE_NUMBER.sub(lambda m, i=index: m[1] + f"{i:0{len(m[2])}d}", text)
        (folder / f"{index:06d}-{name}").write_bytes(unique.encode("utf-8"))
    return folder


def inputs(folder: Path, kind: str, count: int) -> Path:
    if kind == "txt":
        return distinct_text_inputs(folder, count)
    return repeated_inputs(folder, f".{kind}", count)


def one_run(
    folder: Path, scratch: Path, workers: int, chunksize: int | None = None, code: Path = ROOT
) -> BatchTiming:
    out = scratch / "results.jsonl"
    args: list[str | Path] = [folder, "--out", out, "--no-resume", "--workers", str(workers)]
    if chunksize:
        args += ["--chunksize", str(chunksize)]
    try:
        timing = run_batch(args, watch_memory=True, code=code)
        if folder.name.startswith("txt"):  # distinct letters: every one has its line
            with out.open("rb") as written:
                lines = sum(1 for _ in written)
            if lines != timing.done or timing.failed:
                raise SystemExit(f"{timing.done} done, {lines} lines written: {timing.stderr}")
        return timing
    finally:
        out.unlink(missing_ok=True)


def row(kind: str, count: int, workers: int, timing: BatchTiming, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "letters": count,
        "workers": workers,
        "letters_per_s": timing.rate,
        "letters_per_s_per_worker": timing.rate / workers,
        "seconds": timing.seconds,
        "wall": timing.wall,
        "failed": timing.failed,
        "parent_peak_mb": timing.memory.parent_peak_kb / 1024,
        "worker_peak_mb": timing.memory.worker_peak_kb / 1024,
        "tree_peak_mb": timing.memory.tree_peak_kb / 1024,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--kinds", nargs="+", default=["txt", "pdf"])
    parser.add_argument("--chunksizes", nargs="*", type=int, default=[1, 8, 32])
    parser.add_argument("--workers", nargs="+", type=int, help="default: 1 and every core")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    code = options.code.resolve()
    rows = []
    with tempfile.TemporaryDirectory(prefix="imr-bench-") as temp:
        scratch = Path(temp)
        for kind in options.kinds:
            big = inputs(scratch / f"{kind}-big", kind, options.count)
            for workers in options.workers or sorted({1, cores}):
                timing = one_run(big, scratch, workers, code=code)
                rows.append(row(kind, options.count, workers, timing))
                print(json.dumps(rows[-1]), flush=True)
            if options.small:
                small = inputs(scratch / f"{kind}-small", kind, options.small)
                timing = one_run(small, scratch, cores, code=code)
                rows.append(row(kind, options.small, cores, timing))
                print(json.dumps(rows[-1]), flush=True)
        if "txt" in options.kinds and cores > 1:
            big = scratch / "txt-big"
            for chunksize in options.chunksizes:
                timing = one_run(big, scratch, cores, chunksize, code=code)
                rows.append(row("txt", options.count, cores, timing, chunksize=chunksize))
                print(json.dumps(rows[-1]), flush=True)
    result = {"machine": machine(), "runs": rows}
    if options.json:
        options.json.write_text(json.dumps(result, indent=1))
    print_table(rows)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        "\n| input | letters | workers | chunksize | letters/s | per worker | in-run s | wall s "
        "| parent peak MB | worker peak MB | tree peak MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['kind']} | {r['letters']} | {r['workers']} | {r.get('chunksize', 8)} "
            f"| {r['letters_per_s']:.0f} | {r['letters_per_s_per_worker']:.0f} "
            f"| {r['seconds']:.1f} | {r['wall']:.1f} | {r['parent_peak_mb']:.0f} "
            f"| {r['worker_peak_mb']:.0f} | {r['tree_peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
