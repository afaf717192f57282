"""The everyday call, side by side with the bare import of its libraries.

Each round runs the baseline `python -c "import pydantic, typer, rich"` and then every command
once, alternating, so a busy machine slows both alike. The table gives each command's median
wall time, its median ratio to the baseline run of the same round, and the same ratio of CPU
time (user + system, from the kernel's accounting of the child), which a busy machine moves
less than wall time.

    python benchmarks/bench_one_letter.py [--rounds 21] [--json results.json] [--before DIR]
        [--env NAME=VALUE]

`--before DIR` also runs every imr-llm command with `PYTHONPATH=DIR` (an unpacked older commit,
e.g. `git archive <commit> | tar -x -C DIR`, then `python -m compileall -q DIR`: without its
bytecode written, every run of it compiles the package afresh) in the same rounds, so a change is
measured side by side. `--env NAME=VALUE` (repeatable) sets a variable for this checkout's
imr-llm and runner rows only, say one that its entry point would set for itself.
The row "typer app, one argument" is the floor typer would set: a two-line typer command
(typer builds a pydantic TypeAdapter for each option it parses) that does nothing. The row "click
app, one pydantic model" is the floor of any command that prints a pydantic model: a click
command (what imr-llm is written with) that builds a one-field model and prints its JSON (the
real pydantic, its first schema build and its plugin scan, which imports `importlib.metadata`).

The "runner" rows are the work below the command line: what `extract` and `summarize` do for one
letter through `imr_llm.runner` (read, parse, explain, render to stdout), without the CLI; they
are compared with `python -c "import pydantic, rich"` of the same round.

Targets (issue 11): extract/summarize of one letter <= 150 ms median on a quiet machine and
<= 1.3x the baseline; `imr-llm --help` <= 120 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

from _common import LETTERS, PYTHON, ROOT, machine

IMR_LLM = str(Path(PYTHON).with_name("imr-llm"))
BASELINE = "python -c 'import pydantic, typer, rich'"
BELOW_CLI = "python -c 'import pydantic, rich'"
RUNNER = (
    "import sys\n"
    "from datetime import date\n"
    "from imr_llm.runner import run_letters\n"
    "task, path = sys.argv[1:3]\n"
    "value = run_letters([path], task, engine='offline')[0].value\n"
    "if task == 'extract':\n"
    "    print(value.model_dump_json(indent=2))\n"
    "else:\n"
    "    from imr_llm.explain.output import render_explanation\n"
    "    from imr_llm.explain.writer import as_of\n"
    "    print(render_explanation(as_of(value, date.today()), 'text'))\n"
)
TYPER_FLOOR = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def main(path: str, flag: bool = False) -> None:\n"
    "    pass\n"
    "app()\n"
)
PYDANTIC_FLOOR = (
    "import click\n"
    "from pydantic import BaseModel, Field\n"
    "class Letter(BaseModel):\n"
    "    path: str = Field(description='the letter')\n"
    "@click.command()\n"
    "@click.argument('path')\n"
    "def main(path: str) -> None:\n"
    "    print(Letter(path=path).model_dump_json())\n"
    "main()\n"
)
COMMANDS = {
    BASELINE: [PYTHON, "-c", "import pydantic, typer, rich"],
    BELOW_CLI: [PYTHON, "-c", "import pydantic, rich"],
    "typer app, one argument": [PYTHON, "-c", TYPER_FLOOR, "letter.txt"],
    "click app, one pydantic model built and printed": [
        PYTHON,
        "-c",
        PYDANTIC_FLOOR,
        "letter.txt",
    ],
    "imr-llm --help": [IMR_LLM, "--help"],
    "imr-llm extract CM16-0213037.txt": [IMR_LLM, "extract", str(LETTERS / "CM16-0213037.txt")],
    "imr-llm extract CM16-0213037.pdf": [IMR_LLM, "extract", str(LETTERS / "CM16-0213037.pdf")],
    "imr-llm summarize CM16-0213037.txt": [
        IMR_LLM,
        "summarize",
        str(LETTERS / "CM16-0213037.txt"),
    ],
    "imr-llm summarize CM16-0213037.pdf": [
        IMR_LLM,
        "summarize",
        str(LETTERS / "CM16-0213037.pdf"),
    ],
    "imr-llm summarize --lang es CM16-0213037.pdf": [
        IMR_LLM,
        "summarize",
        "--lang",
        "es",
        str(LETTERS / "CM16-0213037.pdf"),
    ],
}
for _task in ("extract", "summarize"):
    for _suffix in ("txt", "pdf"):
        # -P: the runner from PYTHONPATH (--before), not from the current folder
        COMMANDS[f"runner {_task} CM16-0213037.{_suffix}"] = [
            PYTHON,
            "-P",
            "-c",
            RUNNER,
            _task,
            str(LETTERS / f"CM16-0213037.{_suffix}"),
        ]
BASES = {BASELINE: BASELINE, BELOW_CLI: BELOW_CLI}
"""Each row's yardstick: the runner rows against the bare pydantic + rich, the rest against
pydantic + typer + rich."""


def base_of(name: str) -> str:
    return BELOW_CLI if name.removeprefix("before: ").startswith("runner") else BASELINE


def timed(
    command: list[str], pythonpath: str | None = None, extra: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; `extra`: variables added to its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "IMR_LLM_"))}
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env.update(extra or {})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--before", type=Path, help="an older checkout to run side by side")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set in the environment of this checkout's imr-llm and runner rows only (not the "
        "yardsticks, not --before): e.g. what an entry point would set for itself",
    )
    options = parser.parse_args()
    extra = dict(item.split("=", 1) for item in options.env)
    runs = {name: (command, None) for name, command in COMMANDS.items()}
    if options.before:
        for name, command in COMMANDS.items():
            if name.startswith(("imr-llm", "runner")):
                runs[f"before: {name}"] = (command, str(options.before.resolve()))

    def run(name: str) -> tuple[float, float]:
        command, pythonpath = runs[name]
        own = extra if pythonpath is None and name.startswith(("imr-llm", "runner")) else None
        return timed(command, pythonpath, own)

    for _ in range(options.warmup):
        for name in runs:
            run(name)
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    wall_ratios: dict[str, list[float]] = {name: [] for name in runs}
    cpu_ratios: dict[str, list[float]] = {name: [] for name in runs}
    load_before = os.getloadavg()[0]
    for _ in range(options.rounds):
        base: dict[str, tuple[float, float]] = {}
        for name in BASES:
            base[name] = timed(COMMANDS[name])
            walls[name].append(base[name][0])
            cpus[name].append(base[name][1])
        for name in runs:
            if name in BASES:
                continue
            wall, cpu = run(name)
            base_wall, base_cpu = base[base_of(name)]
            walls[name].append(wall)
            cpus[name].append(cpu)
            wall_ratios[name].append(wall / base_wall)
            cpu_ratios[name].append(cpu / base_cpu if base_cpu else float("nan"))
    if options.json:
        options.json.write_text(
            json.dumps({"machine": machine(), "wall": walls, "cpu": cpus}, indent=1)
        )
    load = os.getloadavg()[0]
    print(
        f"{options.rounds} alternating rounds; load average {load_before:.1f} at the start, "
        f"{load:.1f} at the end"
    )
    if extra:
        print(f"this checkout's rows with {' '.join(options.env)}")
    print(
        "| command | median wall | median CPU | yardstick | wall / yardstick (median) "
        "| CPU / yardstick (median) |"
    )
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for name in runs:
        wall = statistics.median(walls[name]) * 1000
        cpu = statistics.median(cpus[name]) * 1000
        if name in BASES:
            print(f"| `{name}` | {wall:.0f} ms | {cpu:.0f} ms | itself | 1 | 1 |")
            continue
        ratio = statistics.median(wall_ratios[name])
        cpu_ratio = statistics.median(cpu_ratios[name])
        yardstick = "pydantic, rich" if base_of(name) == BELOW_CLI else "pydantic, typer, rich"
        print(
            f"| `{name}` | {wall:.0f} ms | {cpu:.0f} ms | {yardstick} | {ratio:.2f}x "
            f"| {cpu_ratio:.2f}x |"
        )


if __name__ == "__main__":
    main()
