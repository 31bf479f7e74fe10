"""Durable state: SQLAlchemy repositories and unit of work, migrations, token encryption,
and the in-memory implementation of the same ports."""
