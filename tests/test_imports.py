"""Issue 11: no project import hidden inside a function. A function or method body may import
only third-party (or standard) libraries, lazily and with a reason; a project module that must
wait until it is used is named in a module-level "package.module:attribute" constant and loaded
by imr_llm.by_name, where these tests see it: it must resolve, and it must obey the layers of
the import-linter contract as an import would."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from imr_llm.by_name import load

PACKAGE = ROOT / "imr_llm"
REFERENCE = re.compile(r"imr_llm(\.\w+)*:\w+")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def function_level_project_imports(source: str) -> list[int]:
    """The lines of every `import imr_llm...`, `from imr_llm... import` or relative import
    inside a function or method body, except under `if TYPE_CHECKING:`."""
    found: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if in_function and isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif in_function and isinstance(node, ast.ImportFrom):
            modules = ["." if node.level else node.module or ""]
        else:
            modules = []
        if any(name == "." or name.split(".")[0] == "imr_llm" for name in modules):
            found.append(node.lineno)
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(source), False)
    return found


def hidden_imports(package: Path) -> list[str]:
    """`path:line` of every function-level project import in the package's modules."""
    return [
        f"{path.relative_to(package.parent)}:{line}"
        for path in sorted(package.rglob("*.py"))
        for line in function_level_project_imports(path.read_text(encoding="utf-8"))
    ]


def test_no_project_import_inside_a_function() -> None:
    assert hidden_imports(PACKAGE) == []


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("def f():\n    from imr_llm.runner import run\n", [2]),
        ("def f():\n    import imr_llm.settings\n", [2]),
        ("class A:\n    def m(self):\n        from . import stats\n", [3]),
        ("async def f():\n    if x:\n        from imr_llm import stats\n", [3]),
        ("def f():\n    def g():\n        from .runner import run\n", [3]),
        ("def f():\n    import json\n    from rich.table import Table\n", []),
        ("from imr_llm import stats\nif TYPE_CHECKING:\n    from imr_llm.x import Y\n", []),
        ("def f():\n    if TYPE_CHECKING:\n        from imr_llm.x import Y\n", []),
        ("def f():\n    if TYPE_CHECKING:\n        pass\n    else:\n        import imr_llm\n", [5]),
    ],
)
def test_the_scan_finds_what_it_should(source: str, lines: list[int]) -> None:
    assert function_level_project_imports(source) == lines


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]


def _layer_of(module: str, layers: list[list[str]]) -> int | None:
    for index, layer in enumerate(layers):
        if any(module == name or module.startswith(name + ".") for name in layer):
            return index
    return None


def _references(package: Path) -> list[tuple[str, str]]:
    """(module, reference) for every "imr_llm...:attribute" string in the package's code."""
    found = []
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and REFERENCE.fullmatch(str(node.value)):
                found.append((module, node.value))
    return found


def test_every_reference_by_name_resolves_and_keeps_to_the_layers() -> None:
    layers = _layers()
    references = _references(PACKAGE)
    names = {reference for _, reference in references}
    # the lazy command table, the CLI's LLM settings, the runner's LLM engine, the writer
    assert {"imr_llm.cli.letters:extract", "imr_llm.settings:load_settings"} <= names
    assert {"imr_llm.llm.choice:llm_engine", "imr_llm.explain:explain"} <= names
    for module, reference in references:
        assert load(reference) is not None, reference
        target = reference.partition(":")[0]
        above, below = _layer_of(module, layers), _layer_of(target, layers)
        assert above is not None and below is not None, (module, reference)
        assert above <= below, f"{module} names {reference}, a layer above it"
