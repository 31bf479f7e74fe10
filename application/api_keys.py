"""API keys for product back ends (DESIGN §10, API.md "API keys").

Owners and admins create, list and delete them; the web API authenticates every `slk_`
bearer through `AuthenticateApiKey`, which reads the key on each request so that a deleted
key stops working at once, on every process.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import define, frozen

from application.context import Actor, Ports, require_member, team_owned
from domain.api_key import (
    LAST_USED_RESOLUTION,
    ApiKey,
    IssuedKey,
    hash_secret,
    issue_key,
    parse_key,
    secret_matches,
)
from domain.errors import NotAMember, Unauthenticated
from domain.team import Permission

# Compared against when the key id is unknown, so an unknown id and a wrong secret take the
# same time.
_NO_KEY_HASH = hash_secret("no such key")


@frozen
class CreateApiKeyCommand:
    actor: Actor
    name: str
    scopes: Sequence[str]


@define
class CreateApiKey:
    ports: Ports

    def __call__(self, cmd: CreateApiKeyCommand) -> IssuedKey:
        with self.ports.uow() as uow:
            membership = require_member(uow, cmd.actor, Permission.MANAGE_API_KEYS)
            now = self.ports.clock.now()
            issued = issue_key(
                key_id=self.ports.ids.new_id("key"),
                team_id=membership.team_id,
                name=cmd.name,
                scopes=cmd.scopes,
                secret=self.ports.secrets.api_key_secret(),
                created_at=now,
                created_by=cmd.actor.label,
            )
            uow.api_keys.add(issued.key)
            uow.commit()
        return issued


@define
class ListApiKeys:
    ports: Ports

    def __call__(self, actor: Actor) -> list[ApiKey]:
        with self.ports.uow() as uow:
            membership = require_member(uow, actor, Permission.MANAGE_API_KEYS)
            return uow.api_keys.list_for_team(membership.team_id)


@define
class DeleteApiKey:
    ports: Ports

    def __call__(self, actor: Actor, key_id: str) -> None:
        with self.ports.uow() as uow:
            membership = require_member(uow, actor, Permission.MANAGE_API_KEYS)
            key = team_owned(
                uow.api_keys.get(key_id), membership.team_id, f"API key {key_id}", key_id=key_id
            )
            key.revoke(at=self.ports.clock.now(), actor=actor.label)
            uow.api_keys.delete(membership.team_id, key_id)
            uow.commit()


@define
class AuthenticateApiKey:
    """Who an `slk_` bearer is. `team_context` is the X-Team-Id the request sent, if any: a
    key's team is fixed, so naming another one is refused (API.md)."""

    ports: Ports

    def __call__(self, presented: str, team_context: str | None = None) -> Actor:
        actor, due = self.check(presented, team_context)
        if due:
            self.mark_used(actor)
        return actor

    @property
    def quick(self) -> bool:
        """`check` answers in microseconds, waiting on nothing (QuickReads.quick)."""
        return self.ports.quick_reads is not None and self.ports.quick_reads.quick

    def check(self, presented: str, team_context: str | None = None) -> tuple[Actor, bool]:
        """The key's actor, read without writing anything, and whether its last use is due
        to be recorded (`mark_used`, a write: at most once a minute per key)."""
        parsed = parse_key(presented)
        if parsed is None:
            raise Unauthenticated("This API key is not valid.")
        key_id, secret = parsed
        key = self._read(key_id)
        if key is None:
            secret_matches(secret, _NO_KEY_HASH)  # the same work as for a known id
            raise Unauthenticated("This API key is not valid.")
        if not key.matches(secret):
            raise Unauthenticated("This API key is not valid.")
        if team_context and team_context != key.team_id:
            raise NotAMember(
                "An API key acts for its own team only; drop X-Team-Id or use that team's key.",
                context={"team_id": team_context},
            )
        return Actor(key.id, key.team_id, key=key), key.due_for_use_mark(self.ports.clock.now())

    def mark_used(self, actor: Actor) -> None:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            uow.api_keys.mark_used(actor.user_id, now, unless_since=now - LAST_USED_RESOLUTION)
            uow.commit()

    def _read(self, key_id: str) -> ApiKey | None:
        if self.ports.quick_reads is not None:
            return self.ports.quick_reads.api_key(key_id)
        with self.ports.uow() as uow:
            return uow.api_keys.get(key_id)
