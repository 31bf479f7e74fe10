"""Bearer JWT authentication (DESIGN §5, API.md "Running and authenticating").

`sub` is the user; the team context is the `X-Team-Id` header when sent (a person in
several teams switches with it) else the token's `team` claim. Membership and role are
checked by the use cases on every request, never here: this module only says who is asking.

Two key sources, by configuration:
- a shared HS256 secret (the embedded default; `mint_dev_token` signs with it);
- a JWKS URL (production identity provider; RS256/ES256/PS256), with issuer and audience.
Only the algorithms of the configured source are accepted, so a token cannot choose `none`
or swap an asymmetric key for an HMAC secret.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import anyio.to_thread
import httpx
from attrs import frozen
from authlib.deprecate import AuthlibDeprecationWarning
from litestar import Request
from litestar.di import NamedDependency, Provide

from adapters.http.observability import note_team
from adapters.http.routing import SCOPE_OPT
from application.app import Application
from application.context import Actor
from domain.api_key import KEY_PREFIX, ApiKey, Scope
from domain.errors import ForbiddenRole, Unauthenticated

with warnings.catch_warnings():
    # authlib.jose warns that joserfc is its successor; it stays supported until authlib 2
    # (pyproject pins authlib < 2), and the brief names authlib.jose.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JoseError, JsonWebKey, JsonWebToken, KeySet

log = logging.getLogger("sellerlink.http.auth")

HMAC_ALGORITHMS = ["HS256"]
ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "PS256"]
LEEWAY_SECONDS = 30
MAX_USER_ID = 200
DEFAULT_DEV_TTL = timedelta(hours=12)
VERIFIED_SECONDS = 60.0
VERIFIED_TOKENS = 4096


@frozen
class Identity:
    user_id: str
    team_id: str | None


class JwksKeys:
    """A production identity provider's keys, fetched on first use and refreshed at most every
    `ttl` seconds (and once early when a token names a key id we do not have yet)."""

    def __init__(self, url: str, *, ttl: float = 300.0, timeout: float = 5.0) -> None:
        self._url = url
        self._ttl = ttl
        self._timeout = timeout
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def get(self, *, force: bool = False) -> KeySet:
        with self._lock:
            stale = time.monotonic() - self._fetched > self._ttl
            if self._keys is None or stale or (force and time.monotonic() - self._fetched > 10):
                response = httpx.get(self._url, timeout=self._timeout)
                response.raise_for_status()
                self._keys = JsonWebKey.import_key_set(response.json())
                self._fetched = time.monotonic()
            return self._keys


class Authenticator:
    def __init__(
        self,
        *,
        secret: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        jwks: JwksKeys | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        # authlib turns a str key into its UTF-8 bytes itself.
        self._secret = secret or None
        self._verified = _VerifiedTokens()
        self._jwks = jwks
        self._now = now
        self._hmac = JsonWebToken(HMAC_ALGORITHMS)
        self._asymmetric = JsonWebToken(ASYMMETRIC_ALGORITHMS)
        self._options: dict[str, Any] = {
            "sub": {"essential": True},
            "exp": {"essential": True},
        }
        if issuer:
            self._options["iss"] = {"essential": True, "value": issuer}
        if audience:
            self._options["aud"] = {"essential": True, "value": audience}

    @property
    def may_block(self) -> bool:
        """True when verifying may wait on the network (fetching the JWKS)."""
        return self._jwks is not None

    def authenticate(self, authorization: str | None) -> Identity:
        token = _bearer(authorization)
        now = self._now()
        key = hashlib.sha256(token.encode()).digest()
        known = self._verified.get(key)
        if known is not None and known.usable_at(now):
            return known.identity
        claims = self._decode(token)
        try:
            claims.validate(now=int(now), leeway=LEEWAY_SECONDS)
        except JoseError as error:
            raise Unauthenticated(_why(error)) from None
        user = claims.get("sub")
        team = claims.get("team")
        if not isinstance(user, str) or not user.strip() or len(user) > MAX_USER_ID:
            raise Unauthenticated("The token does not name a user.")
        if team is not None and (not isinstance(team, str) or not team.strip()):
            raise Unauthenticated("The token's team claim is not a team id.")
        identity = Identity(user_id=user, team_id=team or None)
        self._verified.put(key, _Verified.of(identity, claims, now))
        return identity

    def _decode(self, token: str) -> Any:
        errors: list[JoseError] = []
        if self._jwks is not None:
            try:
                return self._asymmetric.decode(
                    token, self._jwks.get(), claims_options=self._options
                )
            except JoseError as error:
                errors.append(error)
            except (httpx.HTTPError, ValueError) as error:
                log.warning("could not load the JWKS: %s", type(error).__name__)
        if self._secret is not None:
            try:
                return self._hmac.decode(token, self._secret, claims_options=self._options)
            except JoseError as error:
                errors.append(error)
        if errors:
            raise Unauthenticated(_why(errors[-1])) from None
        raise Unauthenticated("Token verification is not configured on this server.")


@frozen
class _Verified:
    """A token whose signature and claims were checked: good again, without checking the
    signature, while its time claims still hold and for at most VERIFIED_SECONDS (a JWKS
    key the provider withdrew stops being honoured within that)."""

    identity: Identity
    not_before: float
    expires: float

    @classmethod
    def of(cls, identity: Identity, claims: Any, now: float) -> _Verified:
        nbf = claims.get("nbf")
        not_before = float(nbf) - LEEWAY_SECONDS if isinstance(nbf, int | float) else now
        expires = min(float(claims["exp"]) + LEEWAY_SECONDS, now + VERIFIED_SECONDS)
        return cls(identity, min(not_before, now), expires)

    def usable_at(self, now: float) -> bool:
        return self.not_before <= now < self.expires


class _VerifiedTokens:
    """Verified tokens by their SHA-256 (the tokens themselves are not kept), at most
    VERIFIED_TOKENS of them: verifying a signature costs more than the rest of a cached
    read."""

    def __init__(self) -> None:
        self._tokens: dict[bytes, _Verified] = {}
        self._lock = threading.Lock()

    def get(self, key: bytes) -> _Verified | None:
        return self._tokens.get(key)

    def put(self, key: bytes, verified: _Verified) -> None:
        with self._lock:
            if len(self._tokens) >= VERIFIED_TOKENS:
                self._tokens.pop(next(iter(self._tokens)))
            self._tokens[key] = verified


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("Send Authorization: Bearer <token>.")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 8192:
        raise Unauthenticated("Send Authorization: Bearer <token>.")
    return token


def _why(error: JoseError) -> str:
    """A reason a person can act on, never the token itself."""
    name = getattr(error, "error", "") or type(error).__name__
    if name == "expired_token":
        return "Your token has expired: sign in again."
    if name in {"invalid_claim", "missing_claim"}:
        return "Your token is not valid for this service."
    return "Your token could not be verified."


def mint_dev_token(
    secret: str,
    user: str,
    team: str | None = None,
    ttl: timedelta = DEFAULT_DEV_TTL,
    *,
    issuer: str | None = None,
    audience: str | None = None,
    now: float | None = None,
) -> str:
    """A signed HS256 JWT for development and tests (`sellerlink dev token`). Never used with
    a production identity provider: there tokens come from the provider."""
    issued = int(now if now is not None else time.time())
    payload: dict[str, Any] = {"sub": user, "iat": issued, "exp": issued + int(ttl.total_seconds())}
    if team:
        payload["team"] = team
    if issuer:
        payload["iss"] = issuer
    if audience:
        payload["aud"] = audience
    token: bytes = JsonWebToken(HMAC_ALGORITHMS).encode(
        {"alg": "HS256", "typ": "JWT"}, payload, secret
    )
    return token.decode("ascii")


# --------------------------------------------------------------------------- dependencies


TEAM_HEADER = "x-team-id"
_UNDECLARED = object()


def route_scope_for_key(request: Request[Any, Any, Any], key: ApiKey) -> None:
    """The one check of an API key's scope: the route's declared scope (routing.py). A route
    that declares none, or None, is for people only."""
    scope = request.route_handler.opt.get(SCOPE_OPT, _UNDECLARED)
    if not isinstance(scope, Scope):
        raise ForbiddenRole(
            "API keys cannot do this: it needs a person signed in as owner or admin.",
            context={"role": "service"},
        )
    key.require(scope)


def identity_dependencies(authenticator: Authenticator) -> dict[str, Provide]:
    """`actor` (every /api/v1 route) and `caller` (the OAuth callbacks), with the
    authenticator bound here rather than injected: each then depends on `application`
    alone, so Litestar resolves a route's dependencies one after the other instead of
    starting a task group per request to resolve two at once."""

    async def provide_actor(
        request: Request[Any, Any, Any], application: NamedDependency[Application]
    ) -> Actor:
        return await actor_of(request, authenticator, application)

    async def provide_caller(
        request: Request[Any, Any, Any], application: NamedDependency[Application]
    ) -> Actor | None:
        return await caller_of(request, authenticator, application)

    return {"actor": Provide(provide_actor), "caller": Provide(provide_caller)}


async def actor_of(
    request: Request[Any, Any, Any], authenticator: Authenticator, application: Application
) -> Actor:
    """Who is asking, for every /api/v1 route. 401 UNAUTHENTICATED before any use case runs.
    An HS256 check is pure computation and runs inline; with a JWKS it may fetch keys, so it
    runs in a worker thread and never blocks the event loop. An `slk_` bearer is an API key,
    looked up on every request (a deleted key stops at once): inline when the lookup never
    waits (AuthenticateApiKey.quick), else in a worker thread."""
    header = request.headers.get("authorization")
    team = (request.headers.get(TEAM_HEADER) or "").strip()
    presented = _bearer(header) if header else ""
    if presented.startswith(KEY_PREFIX):
        keys = application.authenticate_key
        if keys.quick:
            # One indexed row read that never waits (a SQLite file, see stamp_now in
            # connections.py): on the loop; the use mark, a write, in a worker.
            actor, due = keys.check(presented, team or None)
            if due:
                await anyio.to_thread.run_sync(keys.mark_used, actor)
        else:
            actor = await anyio.to_thread.run_sync(keys, presented, team or None)
        if actor.key is not None:
            route_scope_for_key(request, actor.key)
        note_team(request.scope, actor.team_id)
        return actor
    if authenticator.may_block:
        identity = await anyio.to_thread.run_sync(authenticator.authenticate, header)
    else:
        identity = authenticator.authenticate(header)
    actor = Actor(identity.user_id, team or identity.team_id)
    note_team(request.scope, actor.team_id)
    return actor


async def caller_of(
    request: Request[Any, Any, Any], authenticator: Authenticator, application: Application
) -> Actor | None:
    """The signed-in person on an OAuth callback, if the request carries a valid token; the
    state must then belong to them. Amazon's redirect usually carries none, and that is fine:
    the state alone identifies the request."""
    header = request.headers.get("authorization")
    if not header or header.strip().partition(" ")[2].strip().startswith(KEY_PREFIX):
        return None  # an API key is no person: the state alone decides
    try:
        return await actor_of(request, authenticator, application)
    except Unauthenticated:
        return None
