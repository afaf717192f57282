"""The offline worker path's stages, this checkout against another, in ONE process, alternating
round by round: read, normalize, parse, build_skeleton and model_dump_json, in ms of CPU time a
letter over the 64 real text letters, min and median over the rounds.

    python benchmarks/ab_worker_stages.py --base <another checkout> [--rounds 40]

Two processes run one after the other see different machines when other work comes and goes
(on a shared machine their letters/s differ by 10-20% run to run); rounds that alternate in one
process see the same one. The other checkout's package is copied to a temporary folder under
the name imr_llm_base (its imports rewritten to match), so both import side by side.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import real_letters

STAGES = ("read", "normalize", "parse", "build_skeleton", "model_dump_json", "total")


def _copy_as(checkout: Path, folder: Path, name: str) -> None:
    """`checkout`'s imr_llm package as package `name` in `folder`."""
    target = folder / name
    shutil.copytree(checkout / "imr_llm", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bimr_llm\b", name, text), encoding="utf-8")


def _runner(package: str, paths: list[str]) -> Callable[[], dict[str, float]]:
    reading = importlib.import_module(f"{package}.reading")
    normalize = importlib.import_module(f"{package}.normalize")
    formats = importlib.import_module(f"{package}.formats")
    skeleton = importlib.import_module(f"{package}.skeleton")

    def run() -> dict[str, float]:
        spent = dict.fromkeys(STAGES, 0.0)
        clock = time.process_time
        for path in paths:
            marks = [clock()]
            letter = reading.read_letter(path)
            marks.append(clock())
            text = normalize.normalize_text(letter.text)
            marks.append(clock())
            parsed = formats.parse_letter(text)
            marks.append(clock())
            determination = skeleton.build_skeleton(
                parsed, sha256=letter.sha256, path=path, warnings=[]
            )
            marks.append(clock())
            determination.model_dump_json()
            marks.append(clock())
            for stage, start, end in zip(STAGES, marks, marks[1:], strict=False):
                spent[stage] += end - start
            spent["total"] += marks[-1] - marks[0]
        return {stage: seconds / len(paths) * 1000 for stage, seconds in spent.items()}

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=40)
    options = parser.parse_args()
    paths = [str(p) for p in real_letters(".txt")]
    with tempfile.TemporaryDirectory() as folder:
        _copy_as(Path(options.base), Path(folder), "imr_llm_base")
        sys.path.insert(0, folder)
        base, head = _runner("imr_llm_base", paths), _runner("imr_llm", paths)
        base(), head()  # warm: imports, regex compilation
        rounds: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
        for index in range(options.rounds):
            order = (("base", base), ("head", head))
            for name, run in order if index % 2 == 0 else order[::-1]:
                rounds[name].append(run())
    print(f"{options.rounds} rounds of {len(paths)} letters, alternating; ms of CPU a letter")
    print("| stage | base min / median | head min / median | ratio of medians |")
    print("| --- | ---: | ---: | ---: |")
    for stage in STAGES:
        b = [r[stage] for r in rounds["base"]]
        h = [r[stage] for r in rounds["head"]]
        ratio = statistics.median(h) / statistics.median(b)
        print(
            f"| {stage} | {min(b):.3f} / {statistics.median(b):.3f} | "
            f"{min(h):.3f} / {statistics.median(h):.3f} | {ratio:.3f} |"
        )


if __name__ == "__main__":
    main()
