#!/usr/bin/env bash
# Run every benchmark and keep the raw results in benchmarks/results/ (BENCHMARKS.md quotes them).
# About 15 minutes on 2 cores. Run it on an otherwise idle machine: the load average before and
# after each script is logged, since other work on the cores lowers every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
mkdir -p benchmarks/results
run() {
  local name=$1; shift
  echo "== $name (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$PY" "$@" --json "benchmarks/results/$name.json" | tee "benchmarks/results/$name.md"
  echo "== $name done (load after: $(cut -d' ' -f1-3 /proc/loadavg))"
}
run offline benchmarks/bench_offline.py
run memory benchmarks/bench_memory.py
run resume benchmarks/bench_resume.py
run pdf_extractors benchmarks/bench_pdf_extractors.py
run one_letter benchmarks/bench_one_letter.py
run llm benchmarks/bench_llm.py
run llm_1s benchmarks/bench_llm.py --latency 1.0 --letters 64
run serve benchmarks/bench_serve.py --seconds 60
run serve_memory benchmarks/bench_serve.py --seconds 1500 --requests 2000
"$PY" benchmarks/profile_offline.py > benchmarks/results/profile_offline.txt
