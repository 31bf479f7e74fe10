# ruff: noqa: E501  (an embedded page: its lines are HTML)
"""The embedded default's built-in webhook receiver (`make run` → /demo/webhooks): the demo
team's endpoint points here, so a newcomer sees every change arrive as a product would
receive it, signature checked. Sandbox and dev mode only, like the demo page."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from html import escape

from litestar import MediaType, Request, Response, get, post
from litestar.handlers import HTTPRouteHandler

from domain.secret import Secret
from domain.webhooks import signature_header

RECEIVE_PATH = "/demo/webhooks/receive"
PAGE_PATH = "/demo/webhooks"
KEEP = 200
# Standard Webhooks' tolerance for the timestamp.
TOLERANCE_SECONDS = 300


class WebhookInbox:
    """The last KEEP messages received, newest first, with whether they verified."""

    def __init__(self) -> None:
        self._secret: Secret | None = None
        self._messages: deque[dict[str, object]] = deque(maxlen=KEEP)
        self._lock = threading.Lock()

    def use_secret(self, secret: Secret) -> None:
        self._secret = secret

    def receive(self, headers: dict[str, str], body: bytes) -> bool:
        message_id = headers.get("webhook-id", "")
        stamp = headers.get("webhook-timestamp", "")
        verified = False
        if self._secret is not None and message_id and stamp.isdigit():
            expected = signature_header([self._secret], message_id, int(stamp), body)
            fresh = abs(time.time() - int(stamp)) <= TOLERANCE_SECONDS
            verified = fresh and expected in headers.get("webhook-signature", "").split(" ")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {"unreadable": body[:200].decode("utf-8", "replace")}
        with self._lock:
            self._messages.appendleft(
                {"id": message_id, "verified": verified, "payload": payload, "at": time.time()}
            )
        return verified

    def messages(self) -> list[dict[str, object]]:
        with self._lock:
            return list(self._messages)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sellerlink webhooks received</title>
<meta http-equiv="refresh" content="5">
<style>body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #ddd;padding:.3rem;
text-align:left;vertical-align:top} .ok{color:#176117} .bad{color:#a11}
pre{margin:0;white-space:pre-wrap;font-size:12px}</style></head><body>
<h1>Webhooks received by the demo product</h1>
<p>The demo team's webhook endpoint points at this page's receiver (<code>__RECEIVE__</code>),
subscribed to every event. Each message is what your product would get: Standard Webhooks
headers, signed with the endpoint's secret. Connect an account on <a href="/demo">/demo</a>
and watch. The page refreshes every 5 seconds.</p>
<table><tr><th>type</th><th>webhook-id</th><th>signature</th><th>data</th></tr>
__ROWS__</table></body></html>"""


def demo_webhook_routes(inbox: WebhookInbox) -> list[HTTPRouteHandler]:
    @post(RECEIVE_PATH, include_in_schema=False, status_code=204)
    async def receive(request: Request) -> None:  # type: ignore[type-arg]
        body = await request.body()
        inbox.receive({k.lower(): v for k, v in request.headers.items()}, body)

    @get(PAGE_PATH, include_in_schema=False, media_type=MediaType.HTML)
    async def page() -> Response[str]:
        rows = []
        for m in inbox.messages():
            payload = m["payload"] if isinstance(m["payload"], dict) else {}
            check = (
                '<span class="ok">valid</span>'
                if m["verified"]
                else '<span class="bad">not verified</span>'
            )
            data = json.dumps(payload.get("data", payload), indent=1)
            rows.append(
                f"<tr><td>{escape(str(payload.get('type', '?')))}</td><td>{escape(str(m['id']))}</td>"
                f"<td>{check}</td><td><pre>{escape(data)}</pre></td></tr>"
            )
        html = _PAGE.replace("__RECEIVE__", RECEIVE_PATH).replace(
            "__ROWS__", "".join(rows) or '<tr><td colspan="4">Nothing yet.</td></tr>'
        )
        return Response(html, media_type=MediaType.HTML)

    return [receive, page]
