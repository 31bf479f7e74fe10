"""Copying between attrs classes and rows by field name, so a mapper writes out only what
differs (a sealed secret, a set kept as text, an amount in two columns) instead of every
field twice.

Strict both ways, so a new field fails loudly instead of silently not being stored: a field
of the attrs class that is neither given nor an attribute of the source raises
AttributeError, and so does a column of the row that is neither given nor an attribute of
the domain object. Values are made the field's declared type: an enum from its stored
value, what cattrs builds for the rest (a tuple from a JSON list), and a string, number or
time as stored; going to a row, enums become their values."""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import cache
from types import UnionType
from typing import Any, TypeVar

import attrs
import cattrs
from sqlalchemy import inspect

from adapters.persistence.rows import Row

T = TypeVar("T")
R = TypeVar("R", bound=Row)

_converter = cattrs.Converter()
# What a column already holds as the field's type: copied as it is, no call per value (the
# mappers run for every row a sweep reads).
_AS_STORED = frozenset({str, int, float, bool, bytes, datetime, timedelta, Decimal})

_Convert = Callable[[Any], Any]
_Plan = tuple[tuple[str, _Convert | None], ...]
_plans: dict[type[Any], _Plan] = {}


def _fields(cls: type[Any]) -> _Plan:
    """(init name, conversion) per field the class's __init__ takes; None: as stored."""
    plan = _plans.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = _plans[cls] = tuple(
            (field.alias, _conversion(cls, field.alias, hints[field.name]))
            for field in attrs.fields(cls)
            if field.init
        )
    return plan


def _conversion(cls: type[Any], name: str, declared: Any) -> _Convert | None:
    options = set(typing.get_args(declared)) if isinstance(declared, UnionType) else {declared}
    optional = type(None) in options
    options.discard(type(None))
    if options <= _AS_STORED:
        return None
    kind = next(iter(options)) if len(options) == 1 else None
    if isinstance(kind, type) and issubclass(kind, Enum):
        enum = kind
        return (lambda v: None if v is None else enum(v)) if optional else enum
    try:
        hook = _converter.get_structure_hook(declared)
    except cattrs.errors.StructureHandlerNotFoundError:

        def refuse(_: Any) -> Any:
            raise TypeError(f"{cls.__name__}.{name} must be given: it is not a column's value")

        return refuse
    return lambda value: hook(value, declared)


def instance(cls: type[T], source: object, /, **given: Any) -> T:
    """A `cls` from `source`'s attributes of the same names, each made the field's type;
    `given` supplies the fields that are not copied as they are."""
    values = dict(given)
    for name, convert in _fields(cls):
        if name not in given:
            value = getattr(source, name)
            values[name] = value if convert is None else convert(value)
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


def row(row_class: type[R], source: object, /, *parts: attrs.AttrsInstance, **given: Any) -> R:
    """A `row_class` row from `source`'s attributes named as its columns (enums as their
    values, tuples as lists); `parts` are value objects `source` carries whose fields are
    columns of the same row (an authorization's ConsentAsk); `given` supplies the columns
    the domain does not name."""
    carried = {f.name: getattr(part, f.name) for part in parts for f in attrs.fields(type(part))}
    values = {
        key: _plain(carried[key] if key in carried else getattr(source, key))
        for key in _columns(row_class)
        if key not in given
    }
    return row_class(**values, **given)
