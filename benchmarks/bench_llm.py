"""The LLM engine in `imr-llm batch` against the loopback fake OpenAI server with a simulated
latency (default 200 ms a request): the 64 real letters repeated to 640 (a batch, not a demo: the
~1 s the process spends importing openai and instructor is paid once at any concurrency) at
--concurrency 16 against 1, and a cached rerun of the 64 (requests made, time).

The server's answers are those of tests/llm_responder.py (the offline engine's answer, sent the
way the request's instructor mode expects), memoised per letter and warmed by an untimed run, so
the server spends its time in the simulated latency, not in computing answers.

    python benchmarks/bench_llm.py [--latency 0.2] [--letters 640] [--levels 16 1] [--profile]
                                   [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import PYTHON, ROOT, machine, real_letters, repeated_inputs, run_batch

sys.path.insert(0, str(ROOT / "tests"))
from fake_openai_server import FakeOpenAIServer, Reply
from llm_responder import answer, reply_with

_ANSWERS: dict[str, dict[str, Any]] = {}


def memoised(request: dict[str, Any]) -> Reply:
    key = json.dumps(request.get("messages"), sort_keys=True)
    if key not in _ANSWERS:
        _ANSWERS[key] = answer(request)
    return reply_with(request, _ANSWERS[key])


def environment(server: FakeOpenAIServer, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "IMR_LLM_"))}
    env.update(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(cache))
    return env


def timed_run(
    server: FakeOpenAIServer, letters: list[str], out: Path, env: dict[str, str], *flags: str
) -> dict[str, Any]:
    before = server.request_count
    timing = run_batch([*letters, "--out", out, "--engine", "openai", *flags], env=env)
    return {
        "flags": " ".join(flags),
        "seconds": timing.seconds,
        "wall": timing.wall,
        "letters_per_s": timing.rate,
        "done": timing.done,
        "failed": timing.failed,
        "requests": server.request_count - before,
    }


def profile(server: FakeOpenAIServer, letters: list[str], scratch: Path, level: int) -> None:
    """Where the batch process spends its CPU at --concurrency `level` (cProfile)."""
    env = environment(server, scratch / "profile-cache")
    stats_file = scratch / "llm.prof"
    command = [PYTHON, "-m", "cProfile", "-o", str(stats_file), "-m", "imr_llm", "batch",
               *letters, "--out", str(scratch / "profile.jsonl"), "--engine", "openai",
               "--no-cache", "--concurrency", str(level)]  # fmt: skip
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    stats = pstats.Stats(str(stats_file))
    stats.sort_stats("cumulative").print_stats(r"imr_llm|instructor|jinja2/environment", 40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--letters", type=int, default=640)
    parser.add_argument("--levels", nargs="+", type=int, default=[16, 1])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    letters = [str(p) for p in real_letters(".txt")]
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="imr-bench-llm-") as temp,
        FakeOpenAIServer(responder=memoised, latency=options.latency) as server,
    ):
        scratch = Path(temp)
        env = environment(server, scratch / "cache")
        many = [str(repeated_inputs(scratch / "letters", ".txt", options.letters))]
        timed_run(server, letters, scratch / "warm.jsonl", env, "--no-cache", "--concurrency", "16")
        for level in options.levels:  # --no-resume: the repeats share a text hash
            row = timed_run(server, many, scratch / f"c{level}.jsonl", env, "--no-cache",
                            "--no-resume", "--concurrency", str(level))  # fmt: skip
            rows.append({"run": f"{options.letters} letters, concurrency {level}, no cache", **row})
            print(json.dumps(rows[-1]), flush=True)
        first = timed_run(server, letters, scratch / "fill.jsonl", env, "--concurrency", "16")
        rows.append({"run": "64 letters, concurrency 16, empty cache (fills it)", **first})
        again = timed_run(server, letters, scratch / "cached.jsonl", env, "--concurrency", "16")
        rows.append({"run": "64 letters rerun, same cache, fresh output", **again})
        resumed = timed_run(server, letters, scratch / "cached.jsonl", env, "--concurrency", "16")
        rows.append({"run": "64 letters rerun, same output (resume: all skipped)", **resumed})
        if options.profile:
            profile(server, letters, scratch, max(options.levels))
    by_run = {r["run"]: r for r in rows}
    fast, slow = (
        by_run.get(f"{options.letters} letters, concurrency {n}, no cache") for n in (16, 1)
    )
    result: dict[str, Any] = {"machine": machine(), "latency": options.latency, "runs": rows}
    if fast and slow:
        result["speedup_in_run"] = slow["seconds"] / fast["seconds"]
        result["speedup_wall"] = slow["wall"] / fast["wall"]
    if options.json:
        options.json.write_text(json.dumps(result, indent=1))
    print(f"\nfake server latency {options.latency * 1000:.0f} ms")
    print("| run | requests | in-run s | wall s | letters/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['run']} | {r['requests']} | {r['seconds']:.2f} | {r['wall']:.2f} "
            f"| {r['letters_per_s']:.1f} |"
        )
    if "speedup_in_run" in result:
        print(
            f"\nspeed-up 16 vs 1: {result['speedup_in_run']:.1f}x in-run, "
            f"{result['speedup_wall']:.1f}x wall"
        )


if __name__ == "__main__":
    main()
