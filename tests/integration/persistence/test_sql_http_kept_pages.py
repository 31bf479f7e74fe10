"""GET /api/v1/connections over SQL, served by one process while another writes: the page
one process keeps is never served once another process changed what it shows, and the
caller's access (member, role, API key) is checked against the database on every request.
On a SQLite file the check runs on the event loop (QuickReads.quick), on PostgreSQL in a
worker thread: the answers are the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from adapters.persistence import SqlDatabase
from bootstrap.container import in_memory_container
from bootstrap.settings import Settings
from bootstrap.web import create_app
from harness.driver import Api, InProcessAmazonPage
from tests.integration.persistence.conftest import same_database

SECRET = "kept-pages-secret-0123456789-abcdefghij"
LIST = "/api/v1/connections"


def _process(db: SqlDatabase, tmp_path: Path, stack: ExitStack) -> Api:
    """A web process of its own (its app, its kept pages) on the database `db`."""
    container = in_memory_container()
    container.database.override(providers.Object(db))
    container.settings.override(providers.Object(Settings(jwt_secret=SECRET, data_dir=tmp_path)))
    client = stack.enter_context(TestClient(create_app(container)))
    stack.callback(container.shutdown_resources)
    return Api(client, InProcessAmazonPage(container.amazon()), SECRET)


@pytest.fixture
def two(sql_db: SqlDatabase, tmp_path: Path) -> Iterator[tuple[Api, Api]]:
    """(reader, writer): two processes on one database."""
    other = same_database(sql_db)
    with ExitStack() as stack:
        stack.callback(other.dispose)
        yield _process(sql_db, tmp_path, stack), _process(other, tmp_path, stack)


def test_another_process_s_write_shows_on_the_next_read(two: tuple[Api, Api]) -> None:
    reader, writer = two
    team = writer.create_team("Agency", plan="pro", kind="agency")
    owner = team["owner"]
    us = writer.connect(owner, "us-seller")["connection"]
    kept = reader.call("GET", LIST, owner)
    assert reader.call("GET", LIST, owner).content == kept.content  # served again

    eu = writer.connect(owner, "eu-seller")["connection"]
    assert [c["id"] for c in reader.ok("GET", LIST, owner)["items"]] == [us["id"], eu["id"]]
    country = next(iter(writer.marketplaces(owner, eu["id"]).values()))
    writer.ok(
        "PUT",
        f"{LIST}/{eu['id']}/marketplaces/{country['marketplace_id']}",
        owner,
        json={"selected": True},
    )
    listed = {c["id"]: c for c in reader.ok("GET", LIST, owner)["items"]}
    assert listed[eu["id"]]["marketplaces_summary"]["setting_up"] == 1
    reader.ok("GET", f"{LIST}/{us['id']}", owner)  # kept
    writer.ok("DELETE", f"{LIST}/{us['id']}", owner, status=204)
    assert [c["id"] for c in reader.ok("GET", LIST, owner)["items"]] == [eu["id"]]
    gone = reader.call("GET", f"{LIST}/{us['id']}", owner)
    assert (gone.status_code, gone.json()["code"]) == (404, "NOT_FOUND")


def test_access_is_checked_on_every_request_of_a_kept_page(two: tuple[Api, Api]) -> None:
    reader, writer = two
    team, other = writer.create_team("Shop"), writer.create_team("Other")
    connection = writer.connect(team["owner"], "us-seller")["connection"]
    key = writer.api_key(team["owner"], ["connections:read"])
    records_only = writer.api_key(team["owner"], ["records:read"], name="records")
    for caller in (team["member"], key):
        assert len(reader.ok("GET", LIST, caller)["items"]) == 1  # kept from here on
    used = {
        k["id"]: k["last_used_at"]
        for k in writer.ok("GET", "/api/v1/api-keys", team["owner"])["items"]
    }
    assert used[key.user_id] is not None, "the key's use is recorded"
    assert used[records_only.user_id] is None
    intruder = reader.user(other["owner"].user_id, team.id)
    for path in (LIST, f"{LIST}/{connection['id']}"):
        refused = reader.call("GET", path, intruder)
        assert (refused.status_code, refused.json()["code"]) == (403, "NOT_A_MEMBER")
        refused = reader.call("GET", path, records_only)
        assert (refused.status_code, refused.json()["code"]) == (403, "SCOPE_MISSING")
    assert reader.ok("GET", LIST, other["owner"])["items"] == []

    member = team["member"].user_id
    writer.ok("DELETE", f"/api/v1/teams/{team.id}/members/{member}", team["owner"], status=204)
    refused = reader.call("GET", LIST, team["member"])
    assert (refused.status_code, refused.json()["code"]) == (403, "NOT_A_MEMBER")
    writer.ok("DELETE", f"/api/v1/api-keys/{key.user_id}", team["owner"], status=204)
    refused = reader.call("GET", LIST, key)
    assert (refused.status_code, refused.json()["code"]) == (401, "UNAUTHENTICATED")
