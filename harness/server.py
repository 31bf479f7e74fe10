"""sellerlink served over loopback HTTP, for the e2e and browser tests and the benchmarks:
a free 127.0.0.1 port, the production container on settings given here instead of read
from the environment, uvicorn in a thread, the embedded product `make run` serves, and a
benchmark's server in a child process (its uvicorn options, waiting for it, stopping it).

Readiness and shutdown are polled against a deadline (no sleeps); a server started here
stops when its context exits. bootstrap is imported where it is used, so that the
PostgreSQL plugin, which only needs `free_port`, does not load the whole product."""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import uvicorn

if TYPE_CHECKING:
    from bootstrap.container import Container
    from bootstrap.settings import Settings


def free_port() -> int:
    """A 127.0.0.1 port nobody listens on now (for a child process to take)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_socket() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port, held until the server takes it over: an app
    that must know its own port learns it without another process grabbing the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def container_on(settings: Settings) -> Container:
    """The production container with `settings` instead of the SELLERLINK_* environment:
    every other provider is the one `sellerlink serve` uses."""
    from dependency_injector import providers

    from bootstrap.container import Container

    container = Container()
    container.settings.override(providers.Object(settings))
    return container


@contextmanager
def production_container(
    data_dir: Any, jwt_secret: str, port: int, *, clock_scale: float = 1.0
) -> Iterator[Container]:
    """The container `make run` builds (SQLite in `data_dir`, the sandbox mounted at
    /sandbox, the worker left to the caller), migrated, and disposed of at the end.
    `clock_scale`: the sandbox clock's speed."""
    from dependency_injector import providers

    from adapters.amazon.sandbox import SandboxClock
    from bootstrap.settings import Settings

    container = container_on(
        Settings(
            port=port,
            data_dir=data_dir,
            jwt_secret=jwt_secret,
            sandbox=True,
            worker_in_process=False,
        )
    )
    if clock_scale != 1.0:
        container.sandbox_clock.override(providers.Object(SandboxClock(scale=clock_scale)))
    container.database().upgrade()
    try:
        yield container
    finally:
        container.database().dispose()


@contextmanager
def serve(
    app: Any,
    *,
    access_log: bool = False,
    log_level: str = "warning",
    deadline_seconds: float = 10.0,
    sock: socket.socket | None = None,
) -> Iterator[str]:
    """`sock`: an already bound socket, for an app that must know its own port first."""
    if sock is None:
        sock = loopback_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level=log_level, access_log=access_log, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + deadline_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(deadline_seconds)
        sock.close()


@contextmanager
def embedded_product(
    data_dir: Any, jwt_secret: str, *, clock_scale: float = 1.0, inbox: Any = None
) -> Iterator[tuple[str, Container]]:
    """The product exactly as `make run` wires it (production container: SQLite in
    `data_dir`, the sandbox mounted at /sandbox and called over loopback by the real Amazon
    adapter, the demo page), on a free port; the worker is left to the caller, which runs
    its passes. Yields the base URL and the container. `clock_scale`: the sandbox clock's
    speed (Amazon's rates and sellerlink's budget both count in its seconds). `inbox`: a
    WebhookInbox to mount as the demo receiver (/demo/webhooks/receive)."""
    from bootstrap.serve import build_server_app
    from domain.team import Role

    sock = loopback_socket()
    port = sock.getsockname()[1]
    with production_container(data_dir, jwt_secret, port, clock_scale=clock_scale) as container:
        app = build_server_app(container, {Role.OWNER: "demo-token"}, None, inbox)
        with serve(app, sock=sock) as url:
            yield url, container


# -- a server in a child process ----------------------------------------------------------


def server_options(port: int) -> dict[str, Any]:
    """uvicorn's settings for a server process on `port` of 127.0.0.1, quiet."""
    return {"host": "127.0.0.1", "port": port, "log_level": "warning", "access_log": False}


def wait_until_serving(
    process: subprocess.Popen[bytes], port: int, seconds: float, output: Callable[[], str]
) -> None:
    """Returns once the server `process` runs answers GET /health on `port`. If the process
    ends first, raises with what it wrote (`output`); if it does not answer within
    `seconds`, stops it and raises."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            probe.request("GET", "/health")
            probe.getresponse().read()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(output()) from None
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("the server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ends a server process: asked first, killed if it has not gone within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
