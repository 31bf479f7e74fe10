"""Copying between attrs classes and rows by field name, so a mapper writes out only what
differs (a sealed secret, a set kept as text, an amount in two columns) instead of every
field twice.

Strict both ways, so a new field fails loudly instead of silently not being stored: a field
of the attrs class that is neither given nor an attribute of the source raises
AttributeError, and so does a column of the row that is neither given nor an attribute of
the domain object. Values are made the field's declared type by cattrs (an enum from its
stored value, a tuple from a JSON list); going to a row, enums become their values."""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import attrs
import cattrs
from sqlalchemy import inspect

from adapters.persistence.rows import Row

T = TypeVar("T")
R = TypeVar("R", bound=Row)

_converter = cattrs.Converter()
for _kept in (datetime, timedelta, Decimal):
    # Columns already hold these (the UTC type, the amount's exact text is given by hand).
    _converter.register_structure_hook(_kept, lambda value, _: value)

_Hook = Callable[[Any, Any], Any]


_Plan = tuple[tuple[str, _Hook | None, Any], ...]
_plans: dict[type[Any], _Plan] = {}


def _fields(cls: type[Any]) -> _Plan:
    """(init name, structure hook, type) per field the class's __init__ takes; the hook is
    None where cattrs cannot build the type from a column (a nested object: always given)."""
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _plan(cls)
    return plan


def _plan(cls: type[Any]) -> _Plan:
    hints = typing.get_type_hints(cls)
    found = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        declared = hints[field.name]
        try:
            hook: _Hook | None = _converter.get_structure_hook(declared)
        except cattrs.errors.StructureHandlerNotFoundError:
            hook = None
        found.append((field.alias, hook, declared))
    return tuple(found)


def instance(cls: type[T], source: object, /, **given: Any) -> T:
    """A `cls` from `source`'s attributes of the same names, each made the field's type;
    `given` supplies the fields that are not copied as they are."""
    values = dict(given)
    for name, hook, declared in _fields(cls):
        if name in given:
            continue
        value = getattr(source, name)
        if hook is None:
            raise TypeError(f"{cls.__name__}.{name} must be given: it is not a column's value")
        values[name] = hook(value, declared)
    return cls(**values)


@cache
def _columns(row_class: type[Row]) -> tuple[str, ...]:
    return tuple(column.key for column in inspect(row_class).column_attrs)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)  # JSON columns: a list reads back equal to what was written
    return value


def row(row_class: type[R], source: object, /, **given: Any) -> R:
    """A `row_class` row from `source`'s attributes named as its columns (enums as their
    values, tuples as lists); `given` supplies the columns the domain does not name."""
    values = {key: _plain(getattr(source, key)) for key in _columns(row_class) if key not in given}
    return row_class(**values, **given)
