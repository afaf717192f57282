"""imr-llm: read California workers' compensation IMR final determination letters.

Layers, top to bottom (pyproject's import-linter contract; CI runs `lint-imports`): each may
import only from the layers below it.

    cli                      the command line (one module per command group)
    batch | evals | serve    the commands over many letters: `imr-llm batch`, the eval harness,
                             the web server
    runner                   the one runner: letters + task + engine -> results, through the
                             engine's executor (in-process, process pool, asyncio, Batch API)
    llm | engines            the LLM engine (openai, instructor; the OpenAI Batch API executor);
                             the Engine interface and the offline engine
    prepare | stats          read + normalise + parse a letter, and its skeleton; statistics
    explain | skeleton | quotes  the explanation writer; the skeleton determination; quotes
    formats | reasons | citations | categories | states | reading   the parsers, reading files
    normalize | settings     text clean-up; the LLM settings (pydantic-settings)
    letter | engine_choice | dates   the shared letter types; which engine runs; dates
    schema | errors | templates      the typed output; the errors; the HTML page renderer
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
