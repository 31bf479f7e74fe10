"""The sandbox's simulated clock.

API.md: "In the embedded mode sellerlink's own clock follows the sandbox clock, so advancing
it moves the whole product in time". It runs at `scale` times wall-clock speed from `start`
(scale 1: a wall clock that `advance` can push forward; scale 0: frozen, moved only by
`advance` and `sleep`; scale 600: ten simulated minutes a second, for benchmarks), so
365-day authorizations and 5-minute codes can be exercised without waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_log = logging.getLogger("sellerlink.sandbox.clock")


class SandboxClock:
    def __init__(
        self,
        start: datetime | None = None,
        *,
        scale: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if scale < 0:
            raise ValueError("a clock cannot run backwards")
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self._start = (start or datetime.now(UTC)).astimezone(UTC)
        self._scale = scale
        self._monotonic = monotonic
        self._t0 = monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def scale(self) -> float:
        return self._scale

    def seconds(self) -> float:
        """Simulated seconds since `start`: a monotonic scale for rate limiting."""
        with self._lock:
            return (self._monotonic() - self._t0) * self._scale + self._offset

    def now(self) -> datetime:
        """An aware UTC datetime (the application's Clock port)."""
        return self._start + timedelta(seconds=self.seconds())

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()

    def sleep(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass: a frozen clock jumps, a running one waits
        the matching wall-clock time."""
        if seconds <= 0:
            return
        if self._scale == 0:
            self.advance(seconds)
        else:
            time.sleep(seconds / self._scale)

    def __repr__(self) -> str:
        return f"SandboxClock(now={self.now().isoformat()}, scale={self._scale})"


class FollowingClock:
    """The sandbox clock of another process (`sellerlink serve`), for a worker or the CLI
    in sandbox mode: when `serve` advances its sandbox clock, these follow (API.md: the
    whole product moves in time). It asks `GET <sandbox>/_admin/clock` at most every
    `refresh_seconds` and runs on the wall clock in between; unreachable, it keeps the
    last offset it knew (the wall clock at first) and says so once in the log. It never
    runs backwards."""

    def __init__(
        self,
        sandbox_base_url: str,
        *,
        fetch: Callable[[str], datetime] | None = None,
        refresh_seconds: float = 1.0,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = sandbox_base_url.rstrip("/") + "/_admin/clock"
        self._fetch = fetch or _fetch_clock
        self._refresh = refresh_seconds
        self._wall = wall
        self._monotonic = monotonic
        self._offset = timedelta(0)
        self._fetched_at: float | None = None
        self._last = datetime.min.replace(tzinfo=UTC)
        self._warned = False
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            tick = self._monotonic()
            if self._fetched_at is None or tick - self._fetched_at >= self._refresh:
                self._fetched_at = tick
                try:
                    self._offset = self._fetch(self.url) - self._wall()
                    self._warned = False
                except Exception as error:  # the serve is down: keep the last offset
                    if not self._warned:
                        _log.warning(
                            "cannot read the sandbox clock at %s (%s); using the last known offset",
                            self.url,
                            type(error).__name__,
                        )
                        self._warned = True
            self._last = max(self._last, self._wall() + self._offset)
            return self._last

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def _fetch_clock(url: str) -> datetime:
    import httpx

    response = httpx.get(url, timeout=2.0)
    response.raise_for_status()
    return datetime.fromisoformat(str(response.json()["now"])).astimezone(UTC)
