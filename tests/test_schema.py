"""The public models' defaults: fresh per instance, and made by Python functions (not builtins,
whose signatures pydantic parses with tokenize when it builds a model)."""

from __future__ import annotations

import builtins

import pytest
from pydantic import BaseModel

from imr_llm import schema

MODELS = [
    value
    for value in vars(schema).values()
    if isinstance(value, type)
    and issubclass(value, BaseModel)
    and value.__module__ == schema.__name__
]
FACTORIES = [
    (model, name, field.default_factory)
    for model in MODELS
    for name, field in model.model_fields.items()
    if field.default_factory is not None
]


def test_every_model_is_checked() -> None:
    names = {model.__name__ for model in MODELS}
    assert {"Determination", "Treatment", "Explanation", "ItemExplanation"} <= names
    assert len(FACTORIES) > 25


@pytest.mark.parametrize(("model", "name", "factory"), FACTORIES)
def test_no_default_factory_is_a_builtin(model: type, name: str, factory: object) -> None:
    assert factory not in vars(builtins).values(), f"{model.__name__}.{name}"


def test_list_and_dict_defaults_are_empty_and_fresh_for_each_instance() -> None:
    first = schema.Determination(source=schema.Source(format="unknown", sha256="0"))
    second = schema.Determination(source=schema.Source(format="unknown", sha256="0"))
    assert first.warnings == [] and first.engine.prompts == {}
    first.warnings.append("changed")
    first.engine.prompts["p"] = "v"
    first.reviewer.licensed_states.append("CA")
    assert second.warnings == [] and second.engine.prompts == {}
    assert second.reviewer.licensed_states == []
    assert schema.Determination.model_validate_json(second.model_dump_json()) == second


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_field_types_are_evaluated_by_python(model: type) -> None:
    """No string annotations for pydantic to evaluate at each class's making (schema.py has no
    `from __future__ import annotations`): the types are the objects themselves."""
    own = vars(model).get("__annotations__", {})
    strings = [name for name, hint in own.items() if isinstance(hint, str)]
    assert not strings, f"{model.__name__}: {strings}"
