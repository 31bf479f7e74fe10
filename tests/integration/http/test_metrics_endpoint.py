"""`/metrics` is protected (API.md "Operations"): with SELLERLINK_METRICS_TOKEN only a
bearer of that token may scrape; without one, only loopback (the embedded product's own
scrape over 127.0.0.1 is in tests/e2e/test_observability.py). Litestar's TestClient comes
from the address `testclient`, which is not loopback."""

from __future__ import annotations

from litestar.testing import TestClient

from bootstrap.container import in_memory_container
from bootstrap.settings import Settings
from bootstrap.web import create_app


def test_without_a_token_only_loopback_may_scrape() -> None:
    container = in_memory_container(settings=Settings(sandbox=False))
    with TestClient(create_app(container)) as client:
        answer = client.get("/metrics")
    assert answer.status_code == 403
    assert "sellerlink_" not in answer.text


def test_with_a_token_only_its_bearer_may_scrape() -> None:
    container = in_memory_container(settings=Settings(sandbox=False, metrics_token="m-token-1"))
    with TestClient(create_app(container)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert client.get("/health").status_code == 200
        right = client.get("/metrics", headers={"Authorization": "Bearer m-token-1"})
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain")
    assert 'sellerlink_http_requests_total{app_name="sellerlink",method="GET",path="/health"' in (
        right.text
    )
    assert "sellerlink_connections{health=" in right.text
