"""The embedded product shows a newcomer the webhooks their product would receive: the demo
team is subscribed to a built-in receiver page (linked from /demo and the banner), and a
message sent over real HTTP appears there with its signature checked."""

from __future__ import annotations

from pathlib import Path

import httpx

from application.context import Actor
from bootstrap.serve import (
    DEMO_USERS,
    banner,
    build_server_app,
    seed_demo_team,
    subscribe_demo_receiver,
)
from bootstrap.settings import Settings
from domain.team import Role
from harness.server import container_on, loopback_socket, serve


def test_a_newcomer_sees_the_webhooks_of_the_demo_team(tmp_path: Path) -> None:
    sock = loopback_socket()
    port = sock.getsockname()[1]
    settings = Settings(
        port=port, data_dir=tmp_path, jwt_secret="e2e-secret-" + "x" * 24, worker_in_process=False
    )
    container = container_on(settings)
    container.database().upgrade()
    app = container.application()
    team_id = seed_demo_team(app, tmp_path)
    inbox = subscribe_demo_receiver(app, settings, team_id)
    owner = Actor(DEMO_USERS[Role.OWNER], team_id)
    try:
        web = build_server_app(container, {Role.OWNER: "demo-token"}, None, inbox)
        with serve(web, sock=sock) as base:
            (endpoint,) = app.list_webhooks(owner)
            delivery = app.send_test_webhook(owner, endpoint.id)
            assert delivery.status == "delivered"
            page = httpx.get(f"{base}/demo/webhooks").text
            assert "webhook.test" in page
            assert '<span class="ok">valid</span>' in page
            assert "/demo/webhooks" in httpx.get(f"{base}/demo").text
        # A restart rotates the secret so the new inbox can check signatures; still one
        # endpoint, and the banner points at the page.
        subscribe_demo_receiver(app, settings, team_id)
        assert len(app.list_webhooks(owner)) == 1
        assert "/demo/webhooks" in banner(settings, team_id, {Role.OWNER: "t"})
    finally:
        container.database().dispose()
