"""The PostgreSQL test harness says loudly when PostgreSQL tests cannot run, and fails the
run in CI instead of skipping. Each case runs a small pytest session in a
subprocess with the server made unavailable (no binaries, no install)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

NEEDS_POSTGRES = """
import pytest

@pytest.mark.postgres
def test_needs_the_server(postgres_url):
    assert postgres_url
"""


def _run_without_postgres(
    tmp_path: Path, *, ci: bool, workers: int = 0
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_needs_postgres.py").write_text(NEEDS_POSTGRES)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    postgres: needs PostgreSQL\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "SELLERLINK_TEST_POSTGRES_URL", "PYTEST_ADDOPTS")
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "SELLERLINK_TEST_POSTGRES_BIN_DIR": str(tmp_path / "no-postgres-here"),
        "SELLERLINK_TEST_POSTGRES_INSTALL": "0",
        # Only the harness under test: the project's other plugins cost seconds to import.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    if ci:
        env["CI"] = "true"
    parallel = ["-p", "xdist.plugin", "--numprocesses", str(workers)] if workers else []
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.postgres", "-p", "no:cacheprovider",
         *parallel, "-q", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ci", "workers"),
    [(True, 0), (False, 0), (True, 2)],
    ids=["in CI", "locally", "in CI on two pytest-xdist workers"],
)
def test_a_run_without_postgresql_says_so_and_fails_only_in_ci(
    tmp_path: Path, ci: bool, workers: int
) -> None:
    result = _run_without_postgres(tmp_path, ci=ci, workers=workers)
    assert "POSTGRESQL TESTS DID NOT RUN" in result.stdout, result.stdout
    assert "SELLERLINK_TEST_POSTGRES_INSTALL=0" in result.stdout
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 error" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "1 skipped" in result.stdout
