"""The one way an HTML page is made: a strict Jinja file shipped in the package (autoescape,
undefined names are errors), compiled once per process. Used by the claimant page
(explain/page.html.j2), the stats page (stats.html.j2) and the eval report
(evals/report.html.j2).

May import: nothing of the project.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def _template(package: str, name: str) -> Any:
    from jinja2 import Environment, StrictUndefined  # heavy: loaded on the first page only

    source = resources.files(package).joinpath(name).read_text("utf-8")
    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    return environment.from_string(source)


def render_page(package: str, name: str, **values: Any) -> str:
    """The template `name` of `package`, rendered with `values`."""
    return str(_template(package, name).render(**values))
