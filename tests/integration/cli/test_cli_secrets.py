"""Support output lands in tickets and chat: no token ever appears in it (HELPERS: secrets
never in output), whatever the command, format or failure."""

from __future__ import annotations

from application.app import Application
from domain.grant import Channel


def stored_secrets(app: Application, connection_ids: list[str]) -> list[str]:
    secrets = []
    with app.ports.uow() as uow:
        for connection_id in connection_ids:
            connection = uow.connections.get(connection_id)
            assert connection is not None
            for channel in Channel:
                grant = connection.grant(channel)
                for secret in (grant.refresh_token, grant.access_token):
                    if secret is not None:
                        secrets.append(secret.reveal())
    assert secrets
    return secrets


def test_no_command_prints_a_token(run, app: Application, bumpy, quiet):
    secrets = stored_secrets(app, [bumpy.connection_id, quiet.connection_id])
    commands = [
        ["connections", "list"],
        ["connections", "show", bumpy.connection_id],
        ["marketplaces", "history", bumpy.connection_id, "DE"],
        ["marketplaces", "retry", bumpy.connection_id, "DE", "--operator", "maria"],
        ["marketplaces", "retry", bumpy.connection_id, "UK", "--operator", "maria"],
        ["timeline", bumpy.connection_id],
        ["tokens", "forecast", "--days", "400"],
    ]
    outputs = []
    for args in commands:
        for extra in ([], ["--json"]):
            result = run(*args, *extra)
            outputs.append(result.stdout + result.stderr)
    printed = "\n".join(outputs)
    assert "Setting up" in printed  # the commands did print
    for secret in secrets:
        assert secret not in printed
    assert "Atzr|" not in printed
    assert "Atza|" not in printed
