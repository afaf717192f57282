"""CPU a text letter spends finding its reasons (`reasons.find_reasons`) and reading its denial
(`denials.read_denial`), alone: every item of the real text letters, read once, then timed; and
the whole engine step they are part of (`build_skeleton` of the parsed letter), for their share.

    python benchmarks/bench_reasons.py [--rounds 20]

Times are CPU seconds of this process (`time.process_time`), the best of `--rounds` passes over
all items, divided by the number of letters: on a shared machine the best pass is the one least
disturbed. Compare two trees side by side by switching PYTHONPATH between alternating runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from _common import real_letters

from imr_llm.denials import read_denial
from imr_llm.formats import parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.reading import read_letter
from imr_llm.reasons import find_reasons
from imr_llm.schema import Determination
from imr_llm.skeleton import build_skeleton


def best_pass(work: Callable[[], object], rounds: int) -> float:
    work()  # warm: regex compilation
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    paths = real_letters(".txt")
    letters = [read_letter(str(path)) for path in paths]
    parsed = [parse_letter(normalize_text(letter.text)) for letter in letters]

    def skeletons() -> list[Determination]:
        return [
            build_skeleton(one, sha256=letter.sha256, path=str(path), warnings=[])
            for one, letter, path in zip(parsed, letters, paths, strict=True)
        ]

    treatments = [t for determination in skeletons() for t in determination.treatments]
    engine = best_pass(skeletons, options.rounds)
    reasons = best_pass(
        lambda: [find_reasons(t.sentences, t.decision, t.category, t.request) for t in treatments],
        options.rounds,
    )
    denials = best_pass(
        lambda: [read_denial(t.sentences, t.decision == "upheld") for t in treatments],
        options.rounds,
    )
    count = len(paths)
    print(
        f"{count} letters, {len(treatments)} items, CPU ms a letter (best of {options.rounds}): "
        f"build_skeleton {engine / count * 1000:.3f}, of which find_reasons "
        f"{reasons / count * 1000:.3f} + read_denial {denials / count * 1000:.3f} "
        f"({(reasons + denials) / engine:.0%})"
    )


if __name__ == "__main__":
    main()
