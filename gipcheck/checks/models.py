"""Pydantic models made from the plain :class:`~gipcheck.checks.Params` classes, to validate a
rule file's check parameters when the rules are loaded from YAML (a cache miss). Checking a
report never imports this module.
"""
from __future__ import annotations

import re
import sys
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, create_model
from pydantic import Field as PydanticField

from . import FieldSpec, Params, _MISSING


def _compiles(pattern: str, info: ValidationInfo) -> str:
    """A pattern compiles with ``re``, and, in a user's file, with ``regex``: the time-bounded
    engine that will run it. gipcheck's own patterns run on ``re`` (``ruleset._trust_shipped``),
    so a cache miss does not compile them a second time (a sixth of the rule files' loading)."""
    try:
        re.compile(pattern)
        if not (info.context or {}).get("shipped"):
            from .. import saferegex

            saferegex.validate(pattern)
    except (re.error, ValueError) as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]

_MODELS: dict[type, type[BaseModel]] = {}


class _Names(dict):
    """The names a Params annotation is written with: its module's, with Regex validated and
    every Params class replaced by its model."""

    def __init__(self, module: Any) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, name: str) -> Any:
        if name == "Regex":
            return Regex
        obj = getattr(self.module, name) if hasattr(self.module, name) else __builtins__[name]  # type: ignore[index]
        if isinstance(obj, type) and issubclass(obj, Params) and obj is not Params:
            return model_for(obj)
        return obj


def model_for(cls: type[Params]) -> type[BaseModel]:
    """The pydantic model of a Params class (unknown keys forbidden), built once."""
    model = _MODELS.get(cls)
    if model is None:
        names = _Names(sys.modules[cls.__module__])
        fields: dict[str, Any] = {}
        for name, (ann, default) in cls.fields().items():
            tp = eval(ann, {}, names) if isinstance(ann, str) else ann  # noqa: S307 - our own annotations
            if default is _MISSING:
                fields[name] = (tp, ...)
            elif isinstance(default, FieldSpec):
                kw = dict(default.constraints)
                if default.default_factory is not None:
                    kw["default_factory"] = default.default_factory
                elif default.default is not _MISSING:
                    kw["default"] = default.default
                fields[name] = (tp, PydanticField(**kw))
            else:
                fields[name] = (tp, default)
        model = create_model(cls.__name__, __config__=ConfigDict(extra="forbid"), **fields)
        model._plain_class = cls  # type: ignore[attr-defined]
        _MODELS[cls] = model
    return model


def validate_params(cls: type[Params], values: Any, shipped: bool = False) -> Params:
    """A rule file's parameters as a ``cls`` object, validated (raises pydantic's ValidationError);
    ``shipped``: they come from gipcheck's own rule files."""
    from ..ruleset import plain

    return plain(model_for(cls).model_validate(values, context={"shipped": shipped}))
