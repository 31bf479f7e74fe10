"""Reading the next batch of a report while this one is written (DESIGN §12).

A report document is parsed in Python while the database's executemany runs in the driver
(sqlite3 and psycopg let other threads run meanwhile): with the parse one batch ahead in a
thread, ingest costs about the slower of the two instead of their sum. At most one batch
waits, so memory stays bounded however large the document is; the reading thread stops as
soon as the writer does (done, failed or interrupted), before the document is closed.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from itertools import islice
from queue import Empty, Full, Queue
from typing import TypeVar

from attrs import frozen

T = TypeVar("T")
_POLL = 0.05  # how often a waiting side looks whether the other has stopped


@frozen
class _Failed:
    error: BaseException


_END = object()


def batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch


def read_ahead(items: Iterator[T], size: int) -> Generator[list[T], None, None]:
    """`items` in lists of `size`, the next list read in a thread while the caller works on
    this one. An error while reading reaches the caller where the next list would have."""
    queue: Queue[object] = Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=_POLL)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches(items, size):
                if not put(batch):
                    return
            put(_END)
        except BaseException as error:  # handed to the caller, who raises it
            put(_Failed(error))

    reader = threading.Thread(target=read, name="records-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = queue.get(timeout=_POLL)
            except Empty:
                if not reader.is_alive() and queue.empty():
                    return  # the reader stopped without a word (cannot happen; never hang)
                continue
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()
