"""Load on `imr-llm serve` over loopback: CLIENTS concurrent clients upload the 64 real letter
PDFs (in turn, English and Spanish alternately) to POST /api/summarize for SECONDS seconds.

Reports every status (only documented 503s may fail), p50/p95/max latency, throughput, and the
server's memory (RSS of the uvicorn process and its workers) every 250 requests, to show it stays
flat over thousands of requests.

    python benchmarks/bench_serve.py [--clients 50] [--seconds 60] [--workers 2]
        [--letters-at-once 2] [--requests N] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil
from _common import PYTHON, ROOT, machine, real_letters


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _rss_mib(pid: int) -> float:
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker that just exited
            total += child.memory_info().rss
    return total / 1_048_576


async def _load(
    url: str, pid: int, clients: int, seconds: float, requests: int | None
) -> dict[str, Any]:
    letters = [(path.name, path.read_bytes()) for path in real_letters(".pdf")]
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    memory: list[tuple[int, float]] = [(0, _rss_mib(pid))]
    count = 0
    stop_at = time.monotonic() + seconds

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal count
        turn = number
        while time.monotonic() < stop_at and (requests is None or count < requests):
            name, data = letters[turn % len(letters)]
            lang = "es" if turn % 2 else "en"
            turn += clients
            start = time.perf_counter()
            try:
                response = await http.post(
                    f"{url}/api/summarize",
                    files={"file": (name, data, "application/pdf")},
                    data={"lang": lang, "format": "json"},
                )
                key = str(response.status_code)
                if response.status_code == 503:
                    key += " " + response.json()["code"]
                    await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                else:
                    latencies.append(time.perf_counter() - start)
            except httpx.HTTPError as error:
                key = type(error).__name__
            statuses[key] += 1
            count += 1
            if count % 250 == 0:
                memory.append((count, _rss_mib(pid)))

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(n, http) for n in range(clients)))
        elapsed = time.monotonic() - started
    memory.append((count, _rss_mib(pid)))
    latencies.sort()
    ok = statuses.get("200", 0)
    return {
        "requests": count,
        "statuses": dict(statuses),
        "failures_other_than_503": count
        - ok
        - sum(v for k, v in statuses.items() if k[:3] == "503"),
        "seconds": round(elapsed, 1),
        "letters_per_second": round(ok / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "max_ms": round(1000 * latencies[-1], 1) if latencies else None,
        "rss_mib": [(n, round(m, 1)) for n, m in memory],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--requests", type=int, help="stop after this many requests (with --seconds as a bound)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--letters-at-once", type=int, default=2)
    parser.add_argument("--queue", type=int, default=64)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    port = _free_port()
    command = [
        PYTHON, "-m", "imr_llm", "serve", "--port", str(port), "--workers", str(args.workers),
        "--letters-at-once", str(args.letters_at_once), "--queue", str(args.queue),
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.2)
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        result = asyncio.run(_load(url, server.pid, args.clients, args.seconds, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=60)
    result.update(
        {
            "clients": args.clients,
            "workers": args.workers,
            "letters_at_once": args.letters_at_once,
            "queue": args.queue,
            "load_before": " ".join(load_before),
            "machine": machine(),
        }
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    rss = result["rss_mib"]
    print(
        "| clients | workers | letters at once | requests | statuses | failures (not 503) | "
        "letters/s | p50 ms | p95 ms | max ms | RSS MiB at start / after 250 / end |"
    )
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
    print(
        f"| {args.clients} | {args.workers} | {args.letters_at_once} | {result['requests']} | "
        f"{statuses} | {result['failures_other_than_503']} | {result['letters_per_second']} | "
        f"{result['p50_ms']} | {result['p95_ms']} | {result['max_ms']} | "
        f"{rss[0][1]} / {rss[1][1] if len(rss) > 2 else '-'} / {rss[-1][1]} ({rss[-1][0]} requests) |"
    )
    print("\nRSS (MiB) by requests served: " + ", ".join(f"{n}: {m}" for n, m in rss))


if __name__ == "__main__":
    main()
