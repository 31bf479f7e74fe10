"""An attrs value made from another object that names its fields the same way.

sellerlink names a thing once, in the business's words, and every shape that shows it keeps
that name: a logged event carries what its domain event announced, a read model what the
aggregate or the read side holds (API.md's names are the domain's). Such a value is mostly
a copy, so only what differs is written out: a field the source holds under another name,
or one the value computes.

Strict, so a new field is never silently left out: a field that is neither given nor an
attribute of the source raises AttributeError."""

from __future__ import annotations

from typing import Any, TypeVar

from attrs import AttrsInstance, fields

T = TypeVar("T", bound=AttrsInstance)

# Each class's field names, read once: a page of connections makes hundreds of views.
_names: dict[type[AttrsInstance], tuple[str, ...]] = {}


def copied(cls: type[T], source: object, /, **given: Any) -> T:
    """A `cls` with `source`'s attributes of its fields' names, and `given` for the rest."""
    names = _names.get(cls)
    if names is None:
        names = _names[cls] = tuple(f.alias for f in fields(cls) if f.init)
    return cls(**{name: getattr(source, name) for name in names if name not in given}, **given)
