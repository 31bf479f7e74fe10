"""Test-suite plugins: the session-wide PostgreSQL server (`tests/postgres.py`)."""

pytest_plugins = ["tests.postgres"]
