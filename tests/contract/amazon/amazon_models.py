"""Amazon's published models (models/, Apache-2.0) as JSON Schema validators: an SP-API
Swagger definition, or a report/feed document schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft4Validator, Draft7Validator
from jsonschema.protocols import Validator

MODELS = Path(__file__).parent / "models"


@cache
def model(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((MODELS / name).read_text())
    return loaded


def definition(model_name: str, name: str) -> Validator:
    """A validator for one Swagger 2.0 definition of an SP-API model."""
    schema = {"$ref": f"#/definitions/{name}", "definitions": model(model_name)["definitions"]}
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def document(schema_name: str) -> Validator:
    """A validator for a report or feed document's own JSON Schema."""
    schema = model(schema_name)
    return Draft7Validator(schema)


def problems(validator: Validator, body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def operation(model_name: str, path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = model(model_name)["paths"][path][method.lower()]
    return found


def answer(model_name: str, name: str, status: int) -> Validator:
    """The definition an answer must follow: `name` on success, and on an error either
    `name` (models whose responses carry `errors`) or the model's bare ErrorList."""
    definitions = model(model_name)["definitions"]
    if status < 400 or "errors" in (definitions[name].get("properties") or {}):
        return definition(model_name, name)
    return definition(model_name, "ErrorList")


def modelled_call(
    http: httpx.Client, model_name: str, method: str, url: str, token: str, name: str, **kw: Any
) -> httpx.Response:
    """An SP-API call with an access token whose answer, whatever was sent, is no 5xx and is
    what Amazon's model says operation `name` answers with that status."""
    response = http.request(method, url, headers={"x-amz-access-token": token}, **kw)
    assert response.status_code < 500, response.text
    assert problems(answer(model_name, name, response.status_code), response.json()) == []
    return response
