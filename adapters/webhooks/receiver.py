"""A webhook receiver on 127.0.0.1: what a product's endpoint does, small enough to run in
a thread. The demo, the tests and benchmarks/webhooks.py use it; `behaviour` decides each
answer (status, delay) so a receiver can fail, time out or be down for a while.

It keeps what arrived (headers as sent, body bytes) and never checks signatures itself:
whoever reads `received` verifies them as a receiver would."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from attrs import frozen


@frozen
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival
    wall: float = 0.0  # time.time() on arrival


@frozen
class Answer:
    status: int = 204
    delay: float = 0.0
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


Behaviour = Callable[[Received], Answer]


def always_ok(_: Received) -> Answer:
    return Answer()


class _QuietServer(ThreadingHTTPServer):
    # socketserver's default backlog is 5: a dispatcher sending eight at once would see
    # connections dropped and retried a second later, as no real endpoint makes it wait.
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        """A sender that gave up (its timeout) resets the connection: nothing to report."""


class LoopbackReceiver:
    """`with LoopbackReceiver() as r: ... r.url ... r.received`."""

    def __init__(self, behaviour: Behaviour = always_ok, *, host: str = "127.0.0.1") -> None:
        self.behaviour = behaviour
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                got = Received(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    time.monotonic(),
                    time.time(),
                )
                answer = receiver.behaviour(got)
                if answer.delay:
                    time.sleep(answer.delay)
                if 200 <= answer.status < 300:
                    with receiver._lock:
                        receiver.received.append(got)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the sender gave up (timeout); nothing to tell it

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = _QuietServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def accepted(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def start(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
