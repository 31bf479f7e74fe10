"""SP-API operations and their usage plans, as data taken from Amazon's published models
(amzn/selling-partner-api-models, Apache-2.0; copies in ../shared/amazon/models): each
operation's description carries a "Usage Plan" table `| Rate (requests per second) | Burst |`.
`plans_from_model` reads such a model, so the table (usage_plans.toml, one group of rows
per model file) can be regenerated and checked.

The proxy names a product's call by matching its method and path against these templates
(DESIGN §11: operation = method + path template); a call no template matches is named by its
method and path with id-like segments folded, and learns its rate from
`x-amzn-RateLimit-Limit`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from attrs import frozen

from domain.rate_budget import RatePlan

_USAGE_PLAN = re.compile(r"\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|")


@frozen
class Operation:
    method: str
    template: str
    name: str
    plan: RatePlan
    source: str
    pattern: re.Pattern[str]


def _op(method: str, template: str, name: str, rate: float, burst: int, source: str) -> Operation:
    regex = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template.lstrip("/"))) + "/?$"
    return Operation(method, template, name, RatePlan(rate, burst), source, re.compile(regex))


def _load() -> tuple[Operation, ...]:
    table = tomllib.loads(files(__package__).joinpath("usage_plans.toml").read_text("utf-8"))
    return tuple(
        _op(method, model["base"] + path, name, float(rate), int(burst), model["file"])
        for model in table["model"]
        for method, path, name, rate, burst in model["operations"]
    )


SP_API_OPERATIONS: tuple[Operation, ...] = _load()

RATE_PLANS: Mapping[str, RatePlan] = MappingProxyType({o.name: o.plan for o in SP_API_OPERATIONS})


def plans_from_model(model: Mapping[str, Any], source: str) -> list[Operation]:
    """The operations of one Amazon model (OpenAPI 2 JSON) that document a usage plan."""
    found = []
    for template, methods in (model.get("paths") or {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            match = _USAGE_PLAN.search(operation.get("description") or "")
            if match:
                found.append(
                    _op(
                        method.upper(),
                        template,
                        operation["operationId"],
                        float(match.group(1)),
                        int(match.group(2)),
                        source,
                    )
                )
    return found


_ID_LIKE = re.compile(r"^(?=.*[0-9])[^/]{6,}$")


def operation_for(method: str, path: str, known: Iterable[Operation] = SP_API_OPERATIONS) -> str:
    """The operation a product's call is (its name), or `METHOD path` with id-like segments
    folded to `{}` for a call outside the table, so its bucket is shared by every id."""
    bare = path.split("?", 1)[0].strip("/")
    for operation in known:
        if operation.method == method and operation.pattern.match(bare):
            return operation.name
    folded = "/".join("{}" if _ID_LIKE.match(s) else s for s in bare.split("/"))
    return f"{method} /{folded}"
