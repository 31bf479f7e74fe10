"""Serving the sandbox over loopback HTTP: `run_sandbox` for `sellerlink sandbox`, and
`SandboxServer` for tests and benchmarks (a uvicorn server in a thread, on a free port of
127.0.0.1, stopped when the `with` block ends)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Self

import uvicorn
from litestar import Litestar

from adapters.amazon.sandbox.app import SANDBOX_PATH, create_sandbox_app
from adapters.amazon.sandbox.clock import SandboxClock
from adapters.amazon.sandbox.state import Sandbox
from adapters.amazon.settings import AmazonSettings


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8001,
    *,
    clock: SandboxClock | None = None,
    settings: AmazonSettings | None = None,
) -> None:
    """Serve the sandbox alone until interrupted (the lead's `sellerlink sandbox`)."""
    settings = settings or AmazonSettings.for_sandbox(f"http://{host}:{port}{SANDBOX_PATH}")
    app = create_sandbox_app(clock or SandboxClock(), settings)
    sock = _listening_socket(host, port)
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="info")).run(sockets=[sock])
    finally:
        sock.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it a response written in two pieces waits
    # for the client's delayed ACK (about 40 ms a request on loopback).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


class SandboxServer:
    """A sandbox (or any ASGI app) on a free loopback port, for the length of a `with`."""

    def __init__(
        self,
        app: Litestar | None = None,
        *,
        clock: SandboxClock | None = None,
        settings_for: type[AmazonSettings] = AmazonSettings,
        start_timeout: float = 10.0,
    ) -> None:
        self._sock = _listening_socket("127.0.0.1", 0)
        self.port: int = self._sock.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = self.origin + SANDBOX_PATH
        if app is None:
            settings = settings_for.for_sandbox(self.base_url)
            app = create_sandbox_app(clock or SandboxClock(), settings)
        self.app = app
        self._start_timeout = start_timeout
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def sandbox(self) -> Sandbox:
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
