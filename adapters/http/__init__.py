"""The web API for a product UI (Litestar): controllers, auth, problem+json, OpenAPI."""

from adapters.http.access_log import redact_callback_queries
from adapters.http.app import build_api
from adapters.http.auth import Authenticator, JwksKeys, mint_dev_token

__all__ = ["Authenticator", "JwksKeys", "build_api", "mint_dev_token", "redact_callback_queries"]
