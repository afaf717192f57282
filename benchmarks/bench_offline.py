"""Offline `imr-llm batch` throughput and peak memory on the real letters repeated.

    python benchmarks/bench_offline.py [--count 10000] [--small 1000] [--json results.json]

Inputs are symlinks to the 64 real .txt (or .pdf) letters, repeated to --count, in a temp
folder. Repeated letters share a text hash, so every run writes a fresh output with
--no-resume. Letters/s is the batch's own figure (from its summary line: time inside the run,
without the ~0.3 s interpreter start); wall is the whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from _common import BatchTiming, machine, repeated_inputs, run_batch


def one_run(folder: Path, scratch: Path, workers: int, chunksize: int | None = None) -> BatchTiming:
    out = scratch / "results.jsonl"
    args: list[str | Path] = [folder, "--out", out, "--no-resume", "--workers", str(workers)]
    if chunksize:
        args += ["--chunksize", str(chunksize)]
    try:
        return run_batch(args, watch_memory=True)
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
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    rows = []
    with tempfile.TemporaryDirectory(prefix="imr-bench-") as temp:
        scratch = Path(temp)
        for kind in options.kinds:
            big = repeated_inputs(scratch / f"{kind}-big", f".{kind}", options.count)
            small = repeated_inputs(scratch / f"{kind}-small", f".{kind}", options.small)
            for workers in sorted({1, cores}):
                timing = one_run(big, scratch, workers)
                rows.append(row(kind, options.count, workers, timing))
                print(json.dumps(rows[-1]), flush=True)
            timing = one_run(small, scratch, cores)
            rows.append(row(kind, options.small, cores, timing))
            print(json.dumps(rows[-1]), flush=True)
        if "txt" in options.kinds and cores > 1:
            big = scratch / "txt-big"
            for chunksize in options.chunksizes:
                timing = one_run(big, scratch, cores, chunksize)
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
