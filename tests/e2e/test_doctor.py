"""`sellerlink doctor [--json]` against the embedded product: every check named
with its finding and fix; the sandbox's LWA judges the app's client secrets; a rejected
secret or a mistyped data dir is a problem (exit 4); doctor creates nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from bootstrap.cli import build
from bootstrap.settings import Settings
from harness.server import container_on, embedded_product

pytestmark = pytest.mark.e2e

JWT_SECRET = "doctor-e2e-secret-0123456789-abcdef"


def _doctor(data_dir: Path, port: int, *args: str) -> tuple[int, Any]:
    container = container_on(Settings(data_dir=data_dir, port=port, jwt_secret=JWT_SECRET))
    result = CliRunner().invoke(build(container), ["doctor", *args])
    return result.exit_code, (json.loads(result.stdout) if "--json" in args else result.stdout)


def test_doctor_checks_a_running_product_and_names_each_fix(tmp_path: Path) -> None:
    with embedded_product(tmp_path, JWT_SECRET) as (base_url, _):
        port = int(base_url.rsplit(":", 1)[1])
        code, report = _doctor(tmp_path, port, "--json")
        assert code == 0, report
        checks = {f["check"] for f in report["findings"]}
        assert {"configuration", "redirect_uris", "keys", "database", "app_credentials",
                "clock", "worker", "shared_settings"} <= checks  # fmt: skip
        assert report["ok"] is True
        secrets = [f for f in report["findings"] if f["check"] == "app_credentials"]
        assert sum("accepted by Login with Amazon" in f["detail"] for f in secrets) == 2
        uris = next(f for f in report["findings"] if f["check"] == "redirect_uris")
        assert f"{base_url}/oauth/sp-api/callback" in uris["detail"]
        assert all(f["fix"] for f in report["findings"] if f["status"] != "ok")

        with httpx.Client(base_url=base_url) as client:
            client.post("/sandbox/_admin/client-secrets", json={"reject": "all"})
        code, text = _doctor(tmp_path, port)
    assert code == 4
    assert "[FAIL] app_credentials: SP-API client secret #1 (1 = newest)" in text
    assert "fix: Create a new client secret and put it first in" in text


def test_a_mistyped_data_dir_is_a_problem_and_doctor_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "sellerlnik"
    code, report = _doctor(typo, 1, "--json")
    assert code == 4
    database = next(f for f in report["findings"] if f["check"] == "database")
    assert database["status"] == "problem"
    assert "SELLERLINK_DATA_DIR" in database["fix"]
    assert not typo.exists()


def test_support_commands_refuse_a_mistyped_data_dir_instead_of_creating_one(
    tmp_path: Path,
) -> None:
    typo = tmp_path / "sellerlnik"
    container = container_on(Settings(data_dir=typo, jwt_secret=JWT_SECRET))
    result = CliRunner().invoke(build(container), ["connections", "list", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert "VALIDATION_FAILED" in json.dumps(error)
    assert "SELLERLINK_DATA_DIR" in json.dumps(error)
    rotated = CliRunner().invoke(build(container), ["keys", "rotate"])
    assert rotated.exit_code == 2
    assert not typo.exists(), "no new database, no new keys"
