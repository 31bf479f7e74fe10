"""A team's tables: the team, its members, the stamp its connection list is cached by, and
its API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import ID, Row, owned_by


class TeamRow(Row):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(16))
    max_connections: Mapped[int | None] = mapped_column(Integer)
    marketplace_retry_limit: Mapped[int] = mapped_column(Integer)
    history_days: Mapped[int] = mapped_column(Integer, server_default=text("90"))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)


class TeamStampRow(Row):
    """A team's version of what its list of connections shows, kept by triggers on the
    tables it reads (migration 0014): never written by this code, only read."""

    __tablename__ = "team_stamps"

    team_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    moved_by: Mapped[int | None] = mapped_column(BigInteger)


class MembershipRow(Row):
    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_user_id", "user_id"),)

    team_id: Mapped[str] = mapped_column(ID, owned_by("teams.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime]


class ApiKeyRow(Row):
    """Only the SHA-256 of a key's secret is kept (DESIGN §10): a dump authenticates nobody."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_team_id", "team_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, owned_by("teams.id"))
    name: Mapped[str] = mapped_column(String(120))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated, sorted
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None]
