"""API keys: how a product's back end acts for its team without a person (DESIGN §10).

A key is shown once (`slk_` + its id + a 256-bit secret); sellerlink keeps only the SHA-256
of the secret, so a database dump yields nothing that authenticates. A key acts as the team's
`service` role narrowed to its scopes: it never manages members or keys, whatever scopes it
carries.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from domain.errors import ScopeMissing, ValidationFailed
from domain.events import EventKind, EventScope, EventSource
from domain.secret import Secret

KEY_PREFIX = "slk_"
SECRET_BYTES = 32  # 256 bits, as hex: 64 characters without "_", so the key splits cleanly
# last_used_at is a hint for people ("is this key still in use?"), not an audit trail: one
# write a minute per key keeps authentication from writing on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_NAME = 120


class Scope(StrEnum):
    CONNECTIONS_READ = "connections:read"
    CONNECTIONS_WRITE = "connections:write"
    AMAZON_ACCESS = "amazon:access"
    RECORDS_READ = "records:read"
    WEBHOOKS_MANAGE = "webhooks:manage"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, secret_hash: str) -> bool:
    """Constant time: how much of a guessed secret was right never shows in timing."""
    return hmac.compare_digest(hash_secret(secret), secret_hash)


def format_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def parse_key(presented: str) -> tuple[str, str] | None:
    """(key id, secret) of a presented key, or None when it is not shaped like one."""
    if not presented.startswith(KEY_PREFIX):
        return None
    key_id, _, secret = presented[len(KEY_PREFIX) :].rpartition("_")
    if not key_id or len(key_id) > 128 or len(secret) != SECRET_BYTES * 2:
        return None
    return key_id, secret


def validate_scopes(scopes: Iterable[str]) -> frozenset[Scope]:
    chosen = frozenset(scopes)
    unknown = sorted(s for s in chosen if s not in set(Scope))
    if unknown or not chosen:
        raise ValidationFailed(
            "Choose one or more scopes from: " + ", ".join(Scope) + ".",
            context={"field": "scopes"},
        )
    return frozenset(Scope(s) for s in chosen)


def validate_key_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise ValidationFailed(
            f"A key name needs 1 to {MAX_NAME} characters.", context={"field": "name"}
        )
    return cleaned


@define
class ApiKey(EventSource):
    id: str
    team_id: str
    name: str
    scopes: frozenset[Scope]
    secret_hash: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = None

    def matches(self, secret: str) -> bool:
        return secret_matches(secret, self.secret_hash)

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise ScopeMissing(
                f"This API key lacks the scope {scope}.",
                context={"scope": str(scope), "key_id": self.id},
            )

    def due_for_use_mark(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION

    def revoke(self, *, at: datetime, actor: str) -> None:
        """Deleting a key revokes it: the next request with it is refused."""
        self.announce_change(
            EventKind.API_KEY_DELETED,
            f"API key {self.name} ({self.id}) deleted",
            at=at,
            actor=actor,
        )

    def event_scope(self) -> EventScope:
        return EventScope(self.team_id, data={"key_id": self.id})


@frozen
class IssuedKey:
    """A new key and its only plaintext: shown to the person once, never stored."""

    key: ApiKey
    plaintext: Secret


def issue_key(
    *,
    key_id: str,
    team_id: str,
    name: str,
    scopes: Iterable[str],
    secret: str,
    created_at: datetime,
    created_by: str,
) -> IssuedKey:
    key = ApiKey(
        id=key_id,
        team_id=team_id,
        name=validate_key_name(name),
        scopes=validate_scopes(scopes),
        secret_hash=hash_secret(secret),
        created_at=created_at,
        created_by=created_by,
    )
    key.announce_change(
        EventKind.API_KEY_CREATED,
        f"API key {key.name} ({key.id}) created with scopes " + ", ".join(sorted(key.scopes)),
        at=created_at,
        actor=created_by,
    )
    return IssuedKey(key, Secret(format_key(key_id, secret)))
