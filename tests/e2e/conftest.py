"""E2E fixtures: the real web app (create_app on the test container: memory or SQLite,
settable clock, fake Amazon) served by uvicorn on a free loopback port, driven over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar

from adapters.persistence import Keyring, SqlDatabase
from bootstrap.container import Container
from bootstrap.settings import Settings
from bootstrap.web import create_app
from harness.driver import Api, InProcessAmazonPage
from harness.server import serve

JWT_SECRET = "e2e-secret-0123456789-0123456789-abcdef"


@pytest.fixture(params=["memory", "sqlite"])
def web_app(
    request: pytest.FixtureRequest, container: Container, tmp_path: Path
) -> Iterator[Litestar]:
    """Each workflow runs on the in-memory database and on a real SQLite file."""
    container.settings.override(
        providers.Object(Settings(jwt_secret=JWT_SECRET, data_dir=tmp_path))
    )
    if request.param == "memory":
        yield create_app(container)
        return
    database = SqlDatabase(f"sqlite:///{tmp_path / 'e2e.db'}", Keyring.generate("k1"))
    database.upgrade()
    container.database.override(providers.Object(database))
    yield create_app(container)
    database.dispose()


@pytest.fixture
def base_url(web_app: Litestar) -> Iterator[str]:
    with serve(web_app) as url:
        yield url


@pytest.fixture
def api(base_url: str, container: Container) -> Iterator[Api]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield Api(client, InProcessAmazonPage(container.amazon()), JWT_SECRET)
