"""Sending one webhook: Standard Webhooks headers, signed at the moment of sending, POSTed
to the address the guard checked (DESIGN §13, API.md "Delivery").

httpcore is used directly (it is httpx's transport layer) because it lets the connection go
to the checked IP while TLS still verifies the certificate for the URL's host name, and it
never follows a redirect: a 3xx is simply a failed attempt. Only the first KB of a response
is read; the whole attempt is bounded by `timeout` seconds.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpcore

from adapters.webhooks.guard import Target, TargetPolicy
from application.ports import SendResult
from domain.errors import WebhookTargetForbidden
from domain.secret import Secret
from domain.webhooks import RESPONSE_KEPT_BYTES, signature_header

USER_AGENT = "sellerlink-webhooks/1"


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the guard's address whatever the URL's host resolves to now."""

    def __init__(self, address: str) -> None:
        self._address = address

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return super().connect_tcp(
            self._address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )


class HttpWebhookSender:
    def __init__(
        self,
        policy: TargetPolicy,
        *,
        timeout: float = 10.0,
        wall_clock: Callable[[], float] = time.time,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.policy = policy
        self.timeout = timeout
        # The signature's timestamp is the real time of the attempt (receivers reject old
        # ones), even when the product's clock is the sandbox's simulated one.
        self._wall_clock = wall_clock
        self._ssl = ssl_context

    def check_target(self, url: str) -> None:
        self.policy.check(url)

    def _tls(self) -> ssl.SSLContext:
        # Loading the CA bundle takes a while: once, on first use.
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    def send(self, url: str, message_id: str, body: bytes, secrets: Sequence[Secret]) -> SendResult:
        try:
            target = self.policy.check(url)
        except WebhookTargetForbidden as refused:
            return SendResult(None, error=f"target refused: {refused.detail}")
        timestamp = int(self._wall_clock())
        headers = [
            (b"Host", _host_header(target).encode()),
            (b"User-Agent", USER_AGENT.encode()),
            (b"Content-Type", b"application/json"),
            (b"webhook-id", message_id.encode()),
            (b"webhook-timestamp", str(timestamp).encode()),
            (b"webhook-signature", signature_header(secrets, message_id, timestamp, body).encode()),
        ]
        return self._post(target, headers, body)

    def _post(self, target: Target, headers: list[tuple[bytes, bytes]], body: bytes) -> SendResult:
        deadline = time.monotonic() + self.timeout
        limits = {"connect": self.timeout, "read": self.timeout, "write": self.timeout}
        try:
            with (
                httpcore.ConnectionPool(
                    ssl_context=self._tls(),
                    network_backend=_PinnedBackend(target.address),
                    max_connections=1,
                ) as pool,
                pool.stream(
                    "POST",
                    target.url,
                    headers=headers,
                    content=body,
                    extensions={"timeout": limits | {"pool": self.timeout}},
                ) as response,
            ):
                kept = b""
                for chunk in response.iter_stream():
                    kept += chunk
                    if len(kept) >= RESPONSE_KEPT_BYTES or time.monotonic() > deadline:
                        break
                if time.monotonic() > deadline:
                    return SendResult(response.status, error=f"no answer within {self.timeout:g} s")
                text = kept[:RESPONSE_KEPT_BYTES].decode("utf-8", "replace")
                return SendResult(response.status, text)
        except httpcore.TimeoutException:
            return SendResult(None, error=f"no answer within {self.timeout:g} s")
        except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
            return SendResult(None, error=f"connection failed: {type(error).__name__}")
        except httpcore.UnsupportedProtocol:
            return SendResult(None, error="unsupported URL scheme")


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.url.lower().startswith("https:") else 80
    return host if target.port == default else f"{host}:{target.port}"
