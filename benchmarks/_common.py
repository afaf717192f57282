"""Shared helpers for the benchmark scripts: the machine, inputs, running the CLI, memory."""

from __future__ import annotations

import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"
PYTHON = sys.executable
SUMMARY = re.compile(
    r"batch: (?P<done>\d+) done, (?P<skipped>\d+) skipped .*?(?P<failed>\d+) failed.*?; "
    r"(?P<seconds>[\d.]+) s, (?P<rate>[\d.]+) letters/s"
)


def machine() -> dict[str, str]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": model,
        "cores": str(len(os.sched_getaffinity(0))),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.date.today().isoformat(),
    }


def real_letters(suffix: str) -> list[Path]:
    return sorted(LETTERS.glob(f"CM*{suffix}"))


def repeated_inputs(folder: Path, suffix: str, count: int) -> Path:
    """`count` symlinks to the 64 real letters of one kind, repeated, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    letters = real_letters(suffix)
    for index in range(count):
        source = letters[index % len(letters)]
        (folder / f"{index:06d}-{source.name}").symlink_to(source)
    return folder


@dataclass
class Memory:
    """Peak RSS of a process tree, sampled from /proc (VmHWM is each process's own peak)."""

    parent_peak_kb: int = 0
    worker_peak_kb: int = 0
    tree_peak_kb: int = 0
    samples: int = 0
    series: list[tuple[float, int, int, int]] = field(default_factory=list)
    """(seconds, parent RSS KiB, workers' RSS KiB, size of `output`) every sample."""
    output: Path | None = None
    nested: bool = False
    """The watched process is a wrapper (/usr/bin/time): its child is the batch."""
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, pid: int) -> threading.Thread:
        thread = threading.Thread(target=self._loop, args=(pid,), daemon=True)
        thread.start()
        return thread

    def _loop(self, pid: int) -> None:
        started = time.perf_counter()
        while not self._stop.is_set():
            self._sample(pid, time.perf_counter() - started)
            time.sleep(0.05)

    def _sample(self, pid: int, when: float) -> None:
        if self.nested:
            inner = _children(pid)
            if not inner:
                return
            pid = inner[0]
        parent_rss = workers_rss = 0
        for child in [pid, *_children(pid)]:
            status = _status(child)
            if not status:
                continue
            if child == pid:
                parent_rss = status.get("VmRSS", 0)
                self.parent_peak_kb = max(self.parent_peak_kb, status.get("VmHWM", 0))
            else:
                workers_rss += status.get("VmRSS", 0)
                self.worker_peak_kb = max(self.worker_peak_kb, status.get("VmHWM", 0))
        self.tree_peak_kb = max(self.tree_peak_kb, parent_rss + workers_rss)
        size = self.output.stat().st_size if self.output and self.output.exists() else 0
        self.series.append((when, parent_rss, workers_rss, size))
        self.samples += 1

    def stop(self) -> None:
        self._stop.set()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, value = line.split(":", 1)
            values[name] = int(value.split()[0])
    return values


@dataclass
class BatchTiming:
    wall: float
    seconds: float
    rate: float
    done: int
    failed: int
    memory: Memory
    stderr: str


def run_batch(
    args: Sequence[str | Path],
    env: dict[str, str] | None = None,
    watch_memory: bool = False,
    output: Path | None = None,
    prefix: Sequence[str] = (),
    code: Path = ROOT,
) -> BatchTiming:
    """Run `imr-llm batch ARGS` as a process (after `prefix`, e.g. /usr/bin/time); its own
    summary line gives the in-run seconds. `code`: the checkout whose imr_llm runs (the
    process starts there, so its package comes first on the path)."""
    command = [*prefix, PYTHON, "-m", "imr_llm", "batch", *map(str, args)]
    memory = Memory(output=output, nested=bool(prefix))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=code
    )
    watcher = memory.watch(process.pid) if watch_memory else None
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    memory.stop()
    if watcher:
        watcher.join()
    match = SUMMARY.search(stderr)
    if process.returncode not in (0, 9) or not match:
        raise SystemExit(f"batch failed ({process.returncode}): {stderr}")
    return BatchTiming(
        wall=wall,
        seconds=float(match["seconds"]),
        rate=float(match["rate"]),
        done=int(match["done"]),
        failed=int(match["failed"]),
        memory=memory,
        stderr=stderr,
    )


def describe(values: Sequence[float]) -> str:
    """'median (min-max)' in ms."""
    return (
        f"{statistics.median(values) * 1000:.1f} ms "
        f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"
    )
