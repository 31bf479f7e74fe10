"""How the web API serves the application's read models (attrs classes, `application/views.py`):
the OpenAPI schema is built from the classes themselves, each property described by its
field's `description`, and the body is written by the one converter the CLI also uses
(`adapters/formats/views.py`). A view has no second definition here."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from attrs import field, frozen
from litestar import Response
from litestar.openapi.spec import Reference, Schema
from litestar.plugins.attrs import AttrsSchemaPlugin
from litestar.serialization import default_serializer
from litestar.typing import FieldDefinition

from adapters.formats.views import to_data
from application.callback import CallbackResult
from application.views import ConnectionView, NextStep, about
from domain.copies import copied

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.types import Serializer


class DescribedAttrsSchemaPlugin(AttrsSchemaPlugin):
    """Litestar's attrs schema, plus the class docstring and each field's description."""

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        cls = field_definition.type_
        schema.description = inspect.getdoc(cls) or None
        for name, prop in (schema.properties or {}).items():
            text = attrs.fields_dict(cls)[name].metadata.get("description")
            if not text:
                continue
            if isinstance(prop, Reference):
                # A referenced component (an enum, a nested view) is shared: describe the
                # property beside the reference rather than the component itself.
                schema.properties[name] = Schema(all_of=[prop], description=text)  # type: ignore[index]
            else:
                prop.description = text
        return schema


T = TypeVar("T")


class ViewResponse(Response[T]):
    """Bodies that are read models go through the shared converter; anything else (problem
    details, msgspec structs, plain data) is encoded as Litestar would."""

    def render(
        self, content: Any, media_type: str, enc_hook: Serializer = default_serializer
    ) -> bytes:
        if attrs.has(type(content)) or (
            isinstance(content, list | tuple) and content and attrs.has(type(content[0]))
        ):
            content = to_data(content)
        return super().render(content, media_type, enc_hook)


@frozen
class CallbackOut:
    """What the callback answers without a `return_to`: the connection and where the
    onboarding goes next (API.md)."""

    result: str = field(metadata=about('Always "connected" here; failures are problems.'))
    connection: ConnectionView = field(metadata=about("The connection, as GET shows it."))
    next: NextStep = field(metadata=about("What the person does next."))
    created: bool = field(metadata=about("A new connection was created."))
    reconnected: bool = field(metadata=about("An existing connection was authorized again."))
    warnings: tuple[str, ...] = field(
        metadata=about("Catalogue codes of warnings; see GET /errors/{code}.")
    )

    @classmethod
    def of(cls, r: CallbackResult) -> CallbackOut:
        return copied(cls, r, result="connected", warnings=tuple(str(w) for w in r.warnings))
