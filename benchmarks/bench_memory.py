"""Peak memory of an offline `imr-llm batch` run, and whether it stays flat as letters grow.

    python benchmarks/bench_memory.py [--counts 1000 10000 30000] [--workers N] [--json out.json]

Text letters (symlinks to the 64 real ones, repeated) into a fresh output with --no-resume. The
batch process and its workers are sampled from /proc every 50 ms; /usr/bin/time -f %M gives
the kernel's figure (the largest of the batch process and its workers). The RSS of the batch
process is also shown at each quarter of the run (by output size), which is where growth with
the number of letters would show.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from _common import machine, repeated_inputs, run_batch


def quarters(series: list[tuple[float, int, int, int]]) -> list[tuple[int, int]]:
    """(parent RSS MiB, workers' RSS MiB) when the output first reaches 25/50/75/100%, from
    the samples taken while the batch process was alive (RSS 0: it had just exited)."""
    alive = [sample for sample in series if sample[1] > 0]
    final = max((size for *_, size in alive), default=0)
    points = []
    for quarter in (0.25, 0.5, 0.75, 1.0):
        for _, parent, workers, size in alive:
            if final and size >= quarter * final:
                points.append((parent // 1024, workers // 1024))
                break
    return points


def one(count: int, workers: int, scratch: Path) -> dict[str, Any]:
    folder = repeated_inputs(scratch / f"in-{count}", ".txt", count)
    out, maxrss = scratch / "results.jsonl", scratch / "maxrss"
    args: list[str | Path] = [folder, "--out", out, "--no-resume", "--workers", str(workers)]
    try:
        timing = run_batch(
            args,
            watch_memory=True,
            output=out,
            prefix=["/usr/bin/time", "-f", "%M", "-o", str(maxrss)],
        )
    finally:
        out.unlink(missing_ok=True)
    memory = timing.memory
    return {
        "letters": count,
        "workers": workers,
        "letters_per_s": timing.rate,
        "parent_peak_mb": memory.parent_peak_kb / 1024,
        "worker_peak_mb": memory.worker_peak_kb / 1024,
        "tree_peak_mb": memory.tree_peak_kb / 1024,
        "time_maxrss_mb": int(maxrss.read_text().split()[-1]) / 1024,
        "quarters_mb": quarters(memory.series),
        "samples": memory.samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", nargs="+", type=int, default=[1_000, 10_000, 30_000])
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="imr-bench-mem-") as temp:
        for count in options.counts:
            rows.append(one(count, options.workers, Path(temp)))
            print(json.dumps(rows[-1]), flush=True)
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "runs": rows}, indent=1))
    print(
        "\n| letters | workers | letters/s | batch process peak MiB | worker peak MiB "
        "| all processes peak MiB | /usr/bin/time %M MiB "
        "| batch process RSS at 25/50/75/100% MiB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        curve = " / ".join(str(parent) for parent, _ in r["quarters_mb"])
        print(
            f"| {r['letters']} | {r['workers']} | {r['letters_per_s']:.0f} "
            f"| {r['parent_peak_mb']:.1f} | {r['worker_peak_mb']:.1f} | {r['tree_peak_mb']:.1f} "
            f"| {r['time_maxrss_mb']:.1f} | {curve} |"
        )


if __name__ == "__main__":
    main()
