"""Alembic environment. `SqlDatabase.upgrade()` hands over its connection in
`config.attributes["connection"]`; run from the `alembic` command line instead, the URL
comes from `sqlalchemy.url` or SELLERLINK_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from adapters.persistence.rows import Row

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Row.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ["SELLERLINK_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as fresh:
        _run(fresh)
    engine.dispose()
