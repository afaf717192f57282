"""Start the server: checks, warnings, logging, then uvicorn (with --workers processes)."""

from __future__ import annotations

import os
import sys
from typing import Any

from imr_llm.errors import UsageError
from imr_llm.serve.app import ServeConfig

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def logging_config(level: str) -> dict[str, Any]:
    """uvicorn's own messages with a time stamp, and our request log line as it is (it carries
    its own Common Log Format time stamp). uvicorn's access log is off: it logs query strings."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "plain": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["plain"], "level": level.upper(), "propagate": False},
            "imr_llm.serve": {"handlers": ["plain"], "level": level.upper(), "propagate": False},
            "imr_llm.serve.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def serve(
    config: ServeConfig, *, host: str, port: int, workers: int, log_level: str = "info"
) -> None:
    try:
        import uvicorn
    except ImportError as exc:
        raise UsageError(
            "imr-llm serve needs the web server packages: pip install 'imr-llm[serve]'"
        ) from exc
    if workers < 1 or config.letters_at_once < 1 or config.queue < 0 or config.timeout <= 0:
        raise UsageError("--workers and --letters-at-once must be 1 or more, --timeout above 0")
    if host not in LOOPBACK:
        print(
            f"imr-llm: warning: listening on {host}: the page will be reachable from the network. "
            + (
                "Anyone who can reach it can use it; set IMR_LLM_SERVE_PASSWORD to require a "
                "password, and put it behind HTTPS."
                if not config.password
                else "Put it behind HTTPS: the password and letters travel in clear over HTTP."
            ),
            file=sys.stderr,
        )
    os.environ.update(config.to_env())  # read by each worker process (app_from_env)
    uvicorn.run(
        "imr_llm.serve.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=logging_config(log_level),
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=int(config.timeout) + 5,
    )
