"""`imr-llm serve`: the private web page and JSON API (imr_llm.serve).

The server needs the `serve` extra (starlette, uvicorn); without it, `imr-llm serve --help` still
works and `imr-llm serve` says what to install."""

from __future__ import annotations

import click

from imr_llm.cli.common import Engine, chosen_engine, engine_option, fail, settings_for
from imr_llm.errors import ImrError, UsageError

try:
    from imr_llm.serve.app import ServeConfig
    from imr_llm.serve.run import serve as run_server

    MISSING_EXTRA: ImportError | None = None
except ImportError as missing:  # the `serve` extra (starlette) is not installed
    MISSING_EXTRA = missing


@click.command()
@click.option("--host", default="127.0.0.1", help="Address to listen on (0.0.0.0: the network).")
@click.option("--port", type=int, default=8000, help="Port to listen on.")
@click.option("--workers", type=int, default=1, help="Server processes.")
@engine_option(Engine.offline, "offline, or openai (letters then go to the endpoint).")
@click.option(
    "--password",
    envvar="IMR_LLM_SERVE_PASSWORD",
    show_envvar=True,
    help="Require this shared password (HTTP Basic); prefer the variable, unseen by ps.",
)
@click.option("--letters-at-once", type=int, default=2, help="Letters read at once per process.")
@click.option("--queue", type=int, default=64, help="Letters that may wait; more get 503.")
@click.option("--timeout", type=float, default=60.0, help="Seconds allowed per request.")
def serve(
    host: str,
    port: int,
    workers: int,
    engine: Engine,
    password: str | None,
    letters_at_once: int,
    queue: int,
    timeout: float,
) -> None:
    """Start a private web page and JSON API that explain a letter (needs imr-llm[serve])."""
    if MISSING_EXTRA is not None:
        fail(
            UsageError("imr-llm serve needs the web server packages: pip install 'imr-llm[serve]'")
        )
    settings = settings_for(engine, no_cache=False)
    config = ServeConfig(
        chosen_engine(engine, settings), password or None, letters_at_once, queue, timeout
    )
    try:
        run_server(config, host=host, port=port, workers=workers)
    except ImrError as error:
        fail(error)
