"""Many more metamorphic examples than CI runs: random real letters, each with a random set of
the changes in tests/letter_transforms.py; every one must read exactly as the original letter.

    python benchmarks/bench_metamorphic.py [--examples 2000] [--seed 13] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from _common import LETTERS, ROOT, machine

sys.path.insert(0, str(ROOT / "tests"))
from letter_transforms import TRANSFORMS, what_it_says

from imr_llm.evals.extractors import determination_of

ORDER = [
    "header labels then values",
    *[n for n in TRANSFORMS if n not in {"header labels then values", "CRLF"}],
    "CRLF",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    stems = sorted(p.stem for p in LETTERS.glob("*.txt") if not p.stem.startswith("SYN-"))
    texts = {s: (LETTERS / f"{s}.txt").read_text(encoding="utf-8") for s in stems}
    expected = {s: what_it_says(determination_of(t)) for s, t in texts.items()}
    rng = random.Random(args.seed)
    used: Counter[str] = Counter()
    failures = []
    started = time.perf_counter()
    for example in range(args.examples):
        stem = rng.choice(stems)
        names = [n for n in ORDER if rng.random() < 0.5] or [rng.choice(ORDER)]
        used.update(names)
        text = texts[stem]
        for name in names:
            text = TRANSFORMS[name](text, random.Random(example))
        try:
            same = what_it_says(determination_of(text)) == expected[stem]
            problem = "" if same else "reads differently"
        except Exception as error:  # a refusal is a failure here
            problem = f"{type(error).__name__}: {error}"
        if problem:
            failures.append(
                {"example": example, "letter": stem, "changes": names, "problem": problem}
            )
    seconds = time.perf_counter() - started
    report = {
        "machine": machine(),
        "examples": args.examples,
        "seed": args.seed,
        "failures": len(failures),
        "seconds": round(seconds, 1),
        "changes_used": dict(used),
        "first_failures": failures[:20],
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
