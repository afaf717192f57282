"""`imr-llm serve`: the private web page and JSON API (imr_llm.serve)."""

from __future__ import annotations

from typing import Annotated

import typer

from imr_llm.cli.common import Engine, chosen_engine, fail, settings_for
from imr_llm.errors import ImrError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: the network).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
    engine: Annotated[
        Engine, typer.Option(help="offline, or openai (letters then go to the endpoint).")
    ] = Engine.offline,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="IMR_LLM_SERVE_PASSWORD",
            help="Require this shared password (HTTP Basic); prefer the variable, unseen by ps.",
        ),
    ] = None,
    letters_at_once: Annotated[int, typer.Option(help="Letters read at once per process.")] = 2,
    queue: Annotated[int, typer.Option(help="Letters that may wait; more get 503.")] = 64,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per request.")] = 60.0,
) -> None:
    """Start a private web page and JSON API that explain a letter (needs imr-llm[serve])."""
    from imr_llm.serve.app import ServeConfig  # starlette: only when the server starts
    from imr_llm.serve.run import serve as run_server

    settings = settings_for(engine, no_cache=False)
    config = ServeConfig(
        chosen_engine(engine, settings), password or None, letters_at_once, queue, timeout
    )
    try:
        run_server(config, host=host, port=port, workers=workers)
    except ImrError as error:
        fail(error)
