"""Pages of connections, and single connections, kept as the bytes they were sent as
(reads as fast as the framework allows). One is served again only while the
team's stamp is the one read with it and its time-dependent words still hold
(application.connections.Stamped), so a change is visible on the very next read; the stamp
is read after the caller's access is checked, on every request. One cache per web app (its
`state`), keyed by team and query: the bytes do not depend on who of the team asks, and
another team never shares a key."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, TypeVar

from attrs import frozen
from litestar.serialization import default_serializer
from litestar.types import Serializer

from adapters.http.views import ViewResponse
from application.connections import Stamped

T = TypeVar("T")
STATE_KEY = "page_cache"
ENTRIES = 256  # pages kept (at most MAX_PAGE connections each), least recently used first out


@frozen
class CachedPage:
    page: Stamped[Any]
    body: bytes


class PageCache:
    def __init__(self, entries: int = ENTRIES) -> None:
        self._entries = entries
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedPage | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, key: Hashable, page: Stamped[Any], body: bytes) -> CachedPage:
        entry = CachedPage(page, body)
        if not page.reusable:
            return entry
        with self._lock:
            current = self._pages.get(key)
            # Two requests that missed together: the newer read stays.
            if current is None or current.page.stamp.at <= page.stamp.at:
                self._pages[key] = entry
                self._pages.move_to_end(key)
            while len(self._pages) > self._entries:
                self._pages.popitem(last=False)
        return entry


class RenderedResponse(ViewResponse[T]):
    """A view whose body was rendered before (the schema still names the view)."""

    def __init__(self, content: T, body: bytes, **options: Any) -> None:
        super().__init__(content, **options)
        self._body = body

    def render(
        self, content: Any, media_type: str, enc_hook: Serializer = default_serializer
    ) -> bytes:
        return self._body


def render(view: object) -> bytes:
    """The bytes ViewResponse sends for `view`."""
    return ViewResponse(view).render(view, "application/json")
