"""The embedded product exactly as `make run` wires it (harness/server.py
`embedded_product`), one per test, and a person driving it over HTTP who consents on the
sandbox's own Amazon pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bootstrap.container import Container
from harness.driver import Api, Team, driving
from harness.server import embedded_product
from tests.e2e.embedded import EMBEDDED_JWT_SECRET


@pytest.fixture
def product(tmp_path: Path) -> Iterator[tuple[str, Container]]:
    with embedded_product(tmp_path, EMBEDDED_JWT_SECRET) as running:
        yield running


@pytest.fixture
def api(product: tuple[str, Container]) -> Iterator[Api]:
    base_url, _ = product
    with driving(base_url, EMBEDDED_JWT_SECRET, timeout=60) as api:
        yield api


@pytest.fixture
def container(product: tuple[str, Container]) -> Container:
    """The running product's container: its application, for the worker's passes."""
    return product[1]


@pytest.fixture
def team(api: Api) -> Team:
    """A team on the pro plan, its owner and members signed in (each test has its own
    product, so one name serves)."""
    return api.create_team("Acme", plan="pro")
