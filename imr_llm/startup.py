"""Process set-up for the command line: call `prepare_process()` first thing in the entry
point, before pydantic is imported.

May import: nothing of the project (the CLI's entry point calls it before anything else).
"""

from __future__ import annotations

import os

PYDANTIC_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"
"""pydantic's switch for its plugins (pydantic.plugin._loader reads it at the first model
build)."""


def prepare_process() -> None:
    """Settings for this process (and the processes it starts), each only where the user has
    not set it.

    pydantic looks for plugins at its first model build by reading the entry points of every
    installed distribution (importlib.metadata): about 10 ms of a one-letter call, spent to find
    none. imr-llm is an application, not a library, so it turns the scan off; a user who runs a
    pydantic plugin with imr-llm sets PYDANTIC_DISABLE_PLUGINS themselves (to an empty value, or
    to the names of the plugins to leave out), and that value wins."""
    os.environ.setdefault(PYDANTIC_PLUGINS, "__all__")
