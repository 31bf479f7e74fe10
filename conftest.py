"""Root pytest configuration: shared fixture plugins and the guard against async steps.

pytest-bdd never awaits an `async def` step: it would silently "pass" (STACK.md). Every
registered step is checked once collection is done, and the run stops on the first one."""

from __future__ import annotations

import inspect

import pytest
from pytest_bdd.steps import step_function_context_registry

pytest_plugins = ["tests.fixtures", "harness.postgres"]


def async_steps() -> list[str]:
    found = []
    for context in list(step_function_context_registry.values()):
        func = inspect.unwrap(context.step_func)
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            found.append(f"{func.__module__}.{func.__qualname__} ({context.parser.name!r})")
    return sorted(found)


def pytest_collection_finish(session: pytest.Session) -> None:
    offenders = async_steps()
    if offenders:
        raise pytest.UsageError(
            "pytest-bdd steps must be plain functions; these are async and would never run: "
            + ", ".join(offenders)
        )
