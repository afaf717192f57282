"""Where one core's time goes when the offline engine extracts a text letter, as a batch worker
does it: time per stage, then cProfile's top functions.

    python benchmarks/profile_offline.py [--rounds 10] [--suffix .txt] [--no-profile]

With PYTHONPATH=<another checkout> it measures that checkout's code (the script's imports
resolve there first), for a side-by-side table.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections import defaultdict
from pathlib import Path

from _common import real_letters

from imr_llm.batch.config import BatchConfig
from imr_llm.batch.inputs import Job
from imr_llm.batch.letters import BatchSteps, Outcome, setup_of
from imr_llm.engines import OfflineEngine, finish_now, perform
from imr_llm.formats import parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.reading import read_letter
from imr_llm.skeleton import build_skeleton

STEPS = BatchSteps(setup_of(BatchConfig(out=Path("unused"), resume=False)), frozenset())
ENGINE = OfflineEngine()


def offline_outcome(job: Job) -> Outcome:
    """One letter as a batch worker runs it (runner: open, the engine, finish)."""
    opened = STEPS.open(job)
    assert not isinstance(opened, Outcome)
    return STEPS.finish(job, finish_now(perform(ENGINE, opened, "extract", "en")))


def stages(paths: list[str], rounds: int) -> dict[str, float]:
    """Mean ms per letter of each stage of the worker's path."""
    spent: dict[str, float] = defaultdict(float)
    for _ in range(rounds):
        for path in paths:
            marks = [time.perf_counter()]
            letter = read_letter(path)
            marks.append(time.perf_counter())
            text = normalize_text(letter.text)
            marks.append(time.perf_counter())
            parsed = parse_letter(text)
            marks.append(time.perf_counter())
            determination = build_skeleton(parsed, sha256=letter.sha256, path=path, warnings=[])
            marks.append(time.perf_counter())
            determination.model_dump_json()
            marks.append(time.perf_counter())
            for name, start, end in zip(
                ("read", "normalize", "parse", "build_skeleton", "model_dump_json"),
                marks,
                marks[1:],
                strict=False,
            ):
                spent[name] += end - start
    count = rounds * len(paths)
    return {name: seconds / count * 1000 for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--suffix", default=".txt")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true", help="the stage table only")
    options = parser.parse_args()
    paths = [str(p) for p in real_letters(options.suffix)]
    jobs = [Job(path) for path in paths]
    for job in jobs:  # warm: imports, regex compilation
        offline_outcome(job)

    started = time.perf_counter()
    for _ in range(options.rounds):
        for job in jobs:
            offline_outcome(job)
    per_letter = (time.perf_counter() - started) / (options.rounds * len(jobs))
    print(f"worker path: {per_letter * 1000:.3f} ms a letter = {1 / per_letter:.0f} letters/s")
    print("| stage | ms a letter |")
    print("| --- | ---: |")
    for name, ms in stages(paths, options.rounds).items():
        print(f"| {name} | {ms:.3f} |")
    if options.no_profile:
        return

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(options.rounds):
        for job in jobs:
            offline_outcome(job)
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(options.top)
    stats.sort_stats("cumulative").print_stats(r"imr_llm", options.top)


if __name__ == "__main__":
    main()
