"""CPU time a letter of the skeleton and of the rationale's anatomy inside it (sentences, spans and
roles: `rationale.anatomy`), over the 64 real text letters, parsed once beforehand.

    python benchmarks/bench_rationale.py [--rounds 5]

CPU time of this process (`time.process_time`), median over the rounds, so a busy machine
moves it less than wall time. To compare two checkouts, alternate runs of this script with
PYTHONPATH=<the other checkout> and compare the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import real_letters

from imr_llm import rationale
from imr_llm.prepare import prepare
from imr_llm.schema import RationaleSentence
from imr_llm.skeleton import build_skeleton

_anatomy = rationale.anatomy
_spent = [0.0]


def _timed_anatomy(rationale_text: str, text: str, start: int) -> list[RationaleSentence]:
    began = time.process_time()
    try:
        return _anatomy(rationale_text, text, start)
    finally:
        _spent[0] += time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    rationale.anatomy = _timed_anatomy  # read_rationale calls it through the module
    letters = [(str(path), prepare(str(path))) for path in real_letters(".txt")]
    skeleton_ms: list[float] = []
    anatomy_ms: list[float] = []
    for round_ in range(options.rounds + 1):
        _spent[0] = 0.0
        began = time.process_time()
        for path, prepared in letters:
            build_skeleton(prepared.parsed, sha256=prepared.letter.sha256, path=path, warnings=[])
        if round_:  # the first round warms up
            skeleton_ms.append((time.process_time() - began) * 1000 / len(letters))
            anatomy_ms.append(_spent[0] * 1000 / len(letters))
    skeleton = statistics.median(skeleton_ms)
    anatomy = statistics.median(anatomy_ms)
    print(
        f"build_skeleton {skeleton:.3f} ms a letter, of which anatomy {anatomy:.3f} "
        f"({anatomy / skeleton:.0%}); CPU, median of {options.rounds} rounds"
    )


if __name__ == "__main__":
    main()
