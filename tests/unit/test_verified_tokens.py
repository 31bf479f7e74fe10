"""A bearer token verified once is not verified again on every request, yet an
expired token is still refused and a token with another signature is never taken for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.http.auth import LEEWAY_SECONDS, Authenticator, mint_dev_token
from domain.errors import Unauthenticated

SECRET = "unit-secret-0123456789-abcdefghijklmnop"
T0 = 1_800_000_000.0


def test_a_verified_token_still_expires() -> None:
    now = [T0]
    auth = Authenticator(secret=SECRET, now=lambda: now[0])
    token = mint_dev_token(SECRET, "ana", "team_1", timedelta(minutes=5), now=T0)
    assert auth.authenticate(f"Bearer {token}").user_id == "ana"
    now[0] += 240
    assert auth.authenticate(f"Bearer {token}").team_id == "team_1"
    now[0] = T0 + 300 + LEEWAY_SECONDS + 1
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {token}")


def test_another_signature_is_checked_on_its_own() -> None:
    auth = Authenticator(secret=SECRET, now=lambda: T0)
    token = mint_dev_token(SECRET, "ana", "team_1", now=T0)
    auth.authenticate(f"Bearer {token}")
    forged = mint_dev_token("another-secret-0123456789-abcdefghijkl", "ana", "team_1", now=T0)
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {forged}")
    head, body, signature = token.split(".")
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {head}.{body}.{signature[::-1]}")
