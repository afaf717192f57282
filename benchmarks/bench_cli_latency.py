"""One-letter CLI latency (offline): `imr-llm extract letter.txt` and `.pdf`, as a user runs it.

hyperfine is not installed, so each command is run --runs times as a subprocess after --warmup
runs; the table gives the median and the range.

    python benchmarks/bench_cli_latency.py [--runs 20] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

from _common import LETTERS, PYTHON, ROOT, describe, machine

IMR_LLM = str(Path(PYTHON).with_name("imr-llm"))
COMMANDS = {
    "python -c pass (interpreter start)": [PYTHON, "-c", "pass"],
    "imr-llm --version": [IMR_LLM, "--version"],
    "imr-llm extract CM16-0213037.txt": [IMR_LLM, "extract", str(LETTERS / "CM16-0213037.txt")],
    "imr-llm extract CM16-0213037.pdf": [IMR_LLM, "extract", str(LETTERS / "CM16-0213037.pdf")],
    "imr-llm extract CM16-0248698.pdf (21 items)": [
        IMR_LLM,
        "extract",
        str(LETTERS / "CM16-0248698.pdf"),
    ],
    "imr-llm summarize CM16-0213037.pdf": [
        IMR_LLM,
        "summarize",
        str(LETTERS / "CM16-0213037.pdf"),
    ],
}


def timed(command: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "IMR_LLM_"))}
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    results = {}
    for name, command in COMMANDS.items():
        for _ in range(options.warmup):
            timed(command)
        results[name] = [timed(command) for _ in range(options.runs)]
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "seconds": results}, indent=1))
    print(f"| command | median (min-max) of {options.runs} runs |")
    print("| --- | ---: |")
    for name, values in results.items():
        print(f"| `{name}` | {describe(values)} |")


if __name__ == "__main__":
    main()
