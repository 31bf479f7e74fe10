"""HTTP integration fixtures: the real web app (create_app on the test container) behind
Litestar's TestClient, driven by the same driver as the e2e tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from bootstrap.container import Container
from bootstrap.settings import Settings
from bootstrap.web import create_app
from harness.driver import Api, InProcessAmazonPage

JWT_SECRET = "integration-secret-0123456789-abcdefghij"


@pytest.fixture
def web_app(container: Container, tmp_path: Path) -> Litestar:
    container.settings.override(
        providers.Object(Settings(jwt_secret=JWT_SECRET, data_dir=tmp_path))
    )
    return create_app(container)


@pytest.fixture
def client(web_app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient[Litestar], container: Container) -> Api:
    return Api(client, InProcessAmazonPage(container.amazon()), JWT_SECRET)
