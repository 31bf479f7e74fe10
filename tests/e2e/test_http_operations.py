"""Operating concerns over real HTTP: access logs never hold the OAuth code or state, and a
production identity provider's JWKS is honoured (RS256) while HMAC tricks are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar, get
from litestar.testing import TestClient

from bootstrap.container import Container
from bootstrap.settings import Settings
from bootstrap.web import create_app
from harness.server import serve

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.jose import JsonWebKey, JsonWebToken

pytestmark = pytest.mark.e2e

ISSUER = "https://idp.example.test/"
AUDIENCE = "sellerlink-api"


def test_access_log_redacts_the_callback_query(
    web_app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    access = logging.getLogger("uvicorn.access")
    with serve(web_app, access_log=True, log_level="info") as url:
        access.addHandler(caplog.handler)
        try:
            with caplog.at_level(logging.INFO, logger="uvicorn.access"):
                httpx.get(f"{url}/oauth/amazon-ads/callback?state=STATE-SECRET&code=CODE-SECRET")
                httpx.get(f"{url}/oauth/sp-api/callback?state=S2-SECRET&spapi_oauth_code=C2")
                httpx.get(f"{url}/errors/NOT_FOUND?format=plain")
                httpx.get(f"{url}/api/v1/connections/authorizations/S3-SECRET?x=1")
                httpx.get(f"{url}/connect/authorize/S4-SECRET")  # the bounce to Amazon
                httpx.get(f"{url}/connect/S5-SECRET")  # a connect link's token
        finally:
            access.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(lines) == 6, lines
    assert "/oauth/amazon-ads/callback?[redacted]" in lines[0]
    assert "/oauth/sp-api/callback?[redacted]" in lines[1]
    assert "/errors/NOT_FOUND?format=plain" in lines[2]
    assert "/api/v1/connections/authorizations/[redacted]?x=1" in lines[3]
    assert "/connect/authorize/[redacted]" in lines[4]
    assert "/connect/[redacted]" in lines[5]
    assert not any("SECRET" in line or "C2" in line for line in lines)


def hs256_with(secret: str) -> str:
    """Signed by hand: authlib itself refuses to use a PEM as an HMAC key."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    claims = {"sub": "idp-user", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300}
    head = b64(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def _jwks_app(public_jwks: dict[str, Any]) -> Litestar:
    @get("/.well-known/jwks.json", sync_to_thread=False)
    def jwks() -> dict[str, Any]:
        return public_jwks

    return Litestar([jwks])


def test_tokens_from_a_jwks_identity_provider_are_accepted(
    container: Container, tmp_path: Path
) -> None:
    key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
    public = {"keys": [key.as_dict(is_private=False)]}

    def token(alg: str, signing_key: Any, **claims: Any) -> str:
        now = int(time.time())
        payload = {"sub": "idp-user", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300} | claims
        header = {"alg": alg, "kid": "k1"}
        return JsonWebToken([alg]).encode(header, payload, signing_key).decode()

    with serve(_jwks_app(public)) as idp:
        container.settings.override(
            providers.Object(
                Settings(
                    data_dir=tmp_path,
                    jwks_url=f"{idp}/.well-known/jwks.json",
                    jwt_issuer=ISSUER,
                    jwt_audience=AUDIENCE,
                    dev_auth=False,
                )
            )
        )
        with TestClient(create_app(container)) as client:

            def status(jwt: str) -> int:
                response = client.get("/api/v1/teams", headers={"Authorization": f"Bearer {jwt}"})
                return response.status_code

            assert status(token("RS256", key)) == 200
            assert status(token("RS256", key, aud="someone-else")) == 401
            assert status(token("RS256", key, exp=int(time.time()) - 600)) == 401
            other = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
            assert status(token("RS256", other)) == 401
            # The public key used as an HMAC secret (algorithm confusion) is refused.
            public_pem = key.as_pem(is_private=False).decode()
            assert status(hs256_with(public_pem)) == 401
    assert not (tmp_path / "jwt-secret").exists(), "no dev secret when an IdP is configured"
