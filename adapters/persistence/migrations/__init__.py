"""Alembic migrations: the only way sellerlink's schema is made."""
