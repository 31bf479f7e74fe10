"""Request ids (DESIGN §8: "request ids"): every response carries `X-Request-Id`, a problem's
`request_id` is the same value, and support finds it in the logs. A sane incoming id (from a
proxy or the product UI) is kept so one id follows the request across services."""

from __future__ import annotations

import os
import re
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

HEADER = "X-Request-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_KEY = "sellerlink.request_id"


def request_id_of(scope: Scope | Any) -> str:
    """The request's id: the incoming header when it is sane, else a new one. Cached in the
    scope so the exception handlers, the logs and the response header agree."""
    state = scope.setdefault("state", {})
    rid = state.get(_KEY)
    if rid is None:
        incoming = ""
        for name, value in scope.get("headers") or ():
            if name.lower() == b"x-request-id":
                incoming = value.decode("latin-1").strip()
                break
        # 128 random bits in hex, as uuid4().hex minus building a UUID object.
        rid = incoming if _SANE.match(incoming) else f"req_{os.urandom(16).hex()}"
        state[_KEY] = rid
    return str(rid)


async def add_request_id_header(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: runs for every response the app sends, including the
    router's 404/405 and the exception handlers' problems."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        headers[HEADER] = request_id_of(scope)
